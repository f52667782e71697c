#!/usr/bin/env bash
# PBKDF2-HMAC-SHA1 (1000 iterations, one 20-byte block) per second on every
# core: ours (pbkdf2_bench, the fastest engine this CPU has) against
# hashcat's own benchmark of the same function (-m 12000: 999 iterations
# after the first, i.e. the same 1000) on the CPU through POCL, in one run on
# the same machine. Prints the ratio (issue 10's target: at least 3).
#
# Usage: bench/crypto/compare_hashcat.sh path/to/pbkdf2_bench [SECONDS]
# Needs Debian's hashcat, pocl-opencl-icd and ocl-icd-libopencl1; without
# them it prints our figures and says hashcat is missing.
set -euo pipefail
bench=${1:?usage: compare_hashcat.sh path/to/pbkdf2_bench [SECONDS]}
seconds=${2:-5}

ours_lines=$("$bench" "$seconds")
echo "$ours_lines" | sed 's/^/ours: /'
cores=$(nproc)
ours=$(echo "$ours_lines" | awk -v c="$cores" '$2 == c && $1 != "openssl" {
  if ($3 > best) best = $3 } END { printf "%.0f", best }')
openssl=$(echo "$ours_lines" | awk -v c="$cores" '$2 == c && $1 == "openssl" {
  printf "%.0f", $3 }')

if ! command -v hashcat >/dev/null 2>&1; then
  echo "hashcat: not installed (apt-get install hashcat pocl-opencl-icd ocl-icd-libopencl1)"
  echo "pbkdf2-hmac-sha1 1000 iterations, ${cores} cores: ours ${ours}/s, openssl ${openssl}/s"
  exit 0
fi
# hashcat keeps state in ~/.local/share/hashcat; give it a throw-away home.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
hc=$(HOME="$home" hashcat -b -m 12000 --force -D 1 --machine-readable \
       --quiet 2>/dev/null | awk -F: '$2 == 12000 { sum += $6 } END {
       printf "%.0f", sum }')
if [ -z "$hc" ] || [ "$hc" = 0 ]; then
  echo "hashcat: no figure (no OpenCL CPU device?)"
  exit 1
fi
echo "pbkdf2-hmac-sha1 1000 iterations, ${cores} cores:" \
     "ours ${ours}/s, hashcat ${hc}/s, openssl ${openssl}/s"
awk -v o="$ours" -v h="$hc" -v s="$openssl" 'BEGIN {
  printf "ratio ours/hashcat: %.2f   ours/openssl: %.2f\n", o / h, o / s }'
