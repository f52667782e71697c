#!/bin/bash
# Prints kintsugi recover's Jigsaw rate per thread as a ratio of
# `openssl speed -evp aes-128-cbc -decrypt` on the same machine (issue 4:
# at least 0.70), and the peak memory (must stay under 64 MiB).
#
# Usage: [KINTSUGI_BENCH_DIR=DIR] [KINTSUGI_BENCH_MIN_TIME=S] \
#        bench/recover/compare.sh [path/to/recover_bench]
# DIR (default /var/tmp/kintsugi-bench-recover) holds ~2.3 GiB of specimens;
# the benchmark reads them all once before timing, so every timed read comes
# from the page cache. A tmpfs (/dev/shm/...) works too.
#
# Two ratios are printed. `openssl speed` divides by user CPU time (it makes
# no system calls while it runs), so "user" compares like with like: our
# user time against its user time. "user+sys" also charges us the kernel's
# work, mostly its copy of every byte out of the page cache, which no
# user-space tool reading files can avoid. Both are reported; neither hides
# the other.
set -euo pipefail
bench=${1:-build/release/src/recover/recover_bench}
export KINTSUGI_BENCH_DIR=${KINTSUGI_BENCH_DIR:-/var/tmp/kintsugi-bench-recover}

# OpenSSL, one thread, the 16384-byte column: the largest standard block
# size, the one closest to our streaming (64 KiB pieces), and its best
# figure. `openssl speed` divides by user CPU time; so do we (process CPU
# time, user + system, which includes the kernel's page-cache copy).
openssl_kbs=$(openssl speed -evp aes-128-cbc -decrypt -seconds 3 -bytes 16384 \
  2>/dev/null | awk '/^AES-128-CBC|^aes-128-cbc/ {v=$NF} END {sub("k","",v); print v}')

json=$(mktemp)
floor_bin=$(mktemp)
trap 'rm -f "$json" "$floor_bin"' EXIT
"$bench" --benchmark_format=json --benchmark_min_time="${KINTSUGI_BENCH_MIN_TIME:-2}" >"$json" 2>/dev/null

# The floor: pread + AES and nothing else, on the same text specimens
# (bench/recover/floor.c). "MiB user+sys-rate user-rate".
floor="0 0 0"
if cc -O2 -o "$floor_bin" "$(dirname "$0")/floor.c" -lcrypto 2>/dev/null; then
  floor=$("$floor_bin" "$KINTSUGI_BENCH_DIR/text/in")
fi

python3 - "$openssl_kbs" "$KINTSUGI_BENCH_DIR" "$json" "$floor" <<'PY'
import json, sys
openssl = float(sys.argv[1]) * 1000.0
d = json.load(open(sys.argv[3]))
floor_mib, floor_all, floor_user = (float(x) for x in sys.argv[4].split())
mib = 2.0 ** 20
print(f"machine: {d['context'].get('num_cpus')} CPUs; specimens in {sys.argv[2]}")
print(f"openssl speed -evp aes-128-cbc -decrypt, 16384-byte blocks, 1 thread: "
      f"{openssl / mib:8.0f} MiB/s")
print()
print(f"{'benchmark (1 thread)':44} {'kind':5} {'MiB':>5} "
      f"{'user+sys':>9} {'ratio':>6} {'user':>7} {'ratio':>6} {'peak RSS':>9}")
rss = 0.0
for b in d["benchmarks"]:
    name = b["name"].split("/")[0].replace("BM_RecoverJigsaw", "")
    what = {"DryRun": "(a) decrypt + verify, no writes (--dry-run)",
            "Write": "(b) full recover, written out (--out)"}[name]
    kind = b.get("label", "?")
    if b.get("error_occurred"):
        print(f"{what:44} {kind:5} skipped: {b.get('error_message')}")
        continue
    rate = b["bytes_per_second"]  # Process CPU time (user + system).
    per_iter = rate * b["cpu_time"] / 1000.0  # bytes per iteration (ms unit)
    total = per_iter * b["iterations"]
    user_rate = total / b["user_seconds"] if b["user_seconds"] > 0 else 0.0
    rss = max(rss, b["peak_rss_mib"])
    print(f"{what:44} {kind:5} {per_iter / mib:5.0f} "
          f"{rate / mib:9.0f} {rate / openssl:6.2f} "
          f"{user_rate / mib:7.0f} {user_rate / openssl:6.2f} "
          f"{b['peak_rss_mib']:6.1f}Mi")
if floor_all > 0:
    print(f"{'floor: pread + AES only (bench/recover/floor.c)':44} {'text':5} "
          f"{floor_mib / 4:5.0f} {floor_all:9.0f} {floor_all * mib / openssl:6.2f} "
          f"{floor_user:7.0f} {floor_user * mib / openssl:6.2f}")
print()
print("MiB/s per thread. user+sys: bytes / (user + system CPU time); "
      "user: bytes / user CPU time, as openssl speed measures itself.")
print(f"target (issue 4): ratio >= 0.70 for the 1 GiB text set; peak memory "
      f"< 64 MiB (largest: {rss:.1f} MiB; VmHWM reset before each benchmark, "
      f"so the specimen generation is not counted)")
PY
