#!/bin/bash
# Prints recover's Jigsaw rate per thread as a ratio of
# `openssl speed -evp aes-128-cbc -decrypt` on the same machine (issue 4:
# at least 0.70), and the peak memory (must stay under 64 MiB).
# Usage: bench/recover/compare.sh [path/to/recover_bench]
set -euo pipefail
bench=${1:-build/release/src/recover/recover_bench}
# OpenSSL's single-thread rate on 16 KiB blocks, in bytes/s ("16384 bytes"
# column, reported in 1000s of bytes per second).
openssl_kbs=$(openssl speed -evp aes-128-cbc -decrypt -seconds 3 -bytes 16384 \
  2>/dev/null | awk '/^AES-128-CBC|^aes-128-cbc/ {v=$NF} END {sub("k","",v); print v}')
json=$("$bench" --benchmark_format=json --benchmark_filter=DryRun 2>/dev/null)
ours=$(python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); b=d["benchmarks"][0]; print(b["bytes_per_second"], b["maxrss_mib"])' <<<"$json")
read -r ours_bps maxrss <<<"$ours"
python3 - "$openssl_kbs" "$ours_bps" "$maxrss" <<'PY'
import sys
openssl = float(sys.argv[1]) * 1000.0
ours = float(sys.argv[2])
rss = float(sys.argv[3])
print(f"openssl aes-128-cbc decrypt (1 thread): {openssl/2**20:9.1f} MiB/s")
print(f"kintsugi recover jigsaw (1 thread):     {ours/2**20:9.1f} MiB/s")
print(f"ratio: {ours/openssl:.2f} (target >= 0.70)")
print(f"peak memory: {rss:.1f} MiB (target < 64)")
PY
