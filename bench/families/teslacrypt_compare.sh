#!/bin/bash
# Prints TeslaCrypt 3.x/4.x decryption's rate on one thread as a ratio of
# `openssl speed -evp aes-256-cbc -decrypt` measured in the same run
# (issue 17: at least 0.70), and of OpenSSL EVP in the benchmark's own
# process (bench/families/teslacrypt_bench.cpp).
#
# Usage: [KINTSUGI_BENCH_MIN_TIME=S] bench/families/teslacrypt_compare.sh \
#        [path/to/teslacrypt_bench]
#
# Both sides are CPU time on one thread over data in memory, in 256 KiB
# chunks (the pipeline's) over a 1 MiB file (in cache, as `openssl speed`'s
# own 16 KiB buffer is) and a 64 MiB one (from main memory): `openssl
# speed` divides by its user time, Google Benchmark by the thread's CPU
# time; neither reads a file.
set -euo pipefail
bench=${1:-build/release/src/families/teslacrypt_bench}

# OpenSSL, one thread, the 16384-byte column: the largest standard block
# size, the closest to the stream's 256 KiB chunks, and its best figure.
openssl_kbs=$(openssl speed -evp aes-256-cbc -decrypt -seconds 3 -bytes 16384 \
  2>/dev/null | awk '/^AES-256-CBC|^aes-256-cbc/ {v=$NF} END {sub("k","",v); print v}')

json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$bench" --benchmark_format=json \
  --benchmark_min_time="${KINTSUGI_BENCH_MIN_TIME:-2}" >"$json" 2>/dev/null

python3 - "$openssl_kbs" "$json" <<'PY'
import json, sys
openssl = float(sys.argv[1]) * 1000.0
d = json.load(open(sys.argv[2]))
mib = 2.0 ** 20
by = {b["name"]: b for b in d["benchmarks"]}
print(f"machine: {d['context'].get('num_cpus')} CPUs, "
      f"{d['context'].get('mhz_per_cpu')} MHz")
print(f"openssl speed -evp aes-256-cbc -decrypt, 16384-byte blocks, 1 thread: "
      f"{openssl / mib:8.0f} MiB/s")
for size, label in ((1 << 20, "1 MiB, in cache"), (64 << 20, "64 MiB, from memory")):
    evp = by.get(f"BM_AesCbc256Evp/{size}", {}).get("bytes_per_second", 0.0)
    for name, what in ((f"BM_TeslaCryptStream/{size}", f"TeslaCrypt stream ({label})"),
                       (f"BM_AesCbc256Evp/{size}", f"OpenSSL EVP in-process ({label})")):
        b = by.get(name)
        if b is None or b.get("error_occurred"):
            print(f"{what:44} skipped: {b and b.get('error_message')}")
            continue
        rate = b["bytes_per_second"]
        line = f"{what:44} {rate / mib:8.0f} MiB/s  ratio to openssl speed {rate / openssl:5.2f}"
        if name.startswith("BM_TeslaCryptStream") and evp > 0:
            line += f", to in-process EVP {rate / evp:5.2f}"
        print(line)
fk = by.get("BM_TeslaCryptFindKey")
if fk is not None and not fk.get("error_occurred"):
    print(f"{'proving a master key on a header (per session)':44} "
          f"{fk['cpu_time']:8.0f} {fk['time_unit']}")
print()
print("target (issue 17): TeslaCrypt stream / openssl speed >= 0.70")
PY
