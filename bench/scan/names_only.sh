#!/bin/bash
# Issue 11: a names-only scan of a 1,000,000-file tree takes at most 1.5x
# the wall time of `fdfind -u -t f . TREE` on the same machine; with the
# markers read (head and tail of each file), files/s and MB/s.
#
# The tree is bench/recover/tree.sh's (bench/recover/tree_gen.cpp: N small
# text files in folders of 1,000, one in 100 a Jigsaw specimen, a link to /
# and a hard link), made once and kept for reruns.
#
# Usage: [KINTSUGI_BENCH_TREE_FILES=N] [KINTSUGI_BENCH_DIR=DIR] \
#        bench/scan/names_only.sh [path/to/recover_tree_gen]
# Each command runs 3 times after a warm-up run (the page cache holds the
# tree's folders for both); the best wall time of each is compared.
# Exits 1 when the ratio is over 1.5 or the scan's file count is wrong.
set -euo pipefail
gen=${1:-build/release/src/recover/recover_tree_gen}
kintsugi=$(dirname "$gen")/../../apps/kintsugi/kintsugi
default_files=1000000
[ -n "${KINTSUGI_BENCH_MIN_TIME:-}" ] && default_files=20000
files=${KINTSUGI_BENCH_TREE_FILES:-$default_files}
base=${KINTSUGI_BENCH_DIR:-/var/tmp/kintsugi-bench-tree}
tree=$base/tree-$files
if ! command -v fdfind >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq fd-find >/dev/null
fi
if [ ! -f "$tree.done" ]; then
  rm -rf "$tree"
  mkdir -p "$base"
  echo "making $files files in $tree (once)..."
  "$gen" "$tree" "$files"
  touch "$tree.done"
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# best_of CMD...: the best wall time of 3 runs after one warm-up, seconds.
best_of() {
  "$@" >/dev/null 2>&1 || true
  local best=""
  for _ in 1 2 3; do
    /usr/bin/time -f '%e' -o "$out/t" "$@" >"$out/stdout" 2>/dev/null || true
    local t
    t=$(cat "$out/t")
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  echo "$best"
}

fd_s=$(best_of fdfind -u -t f . "$tree")
fd_files=$(wc -l <"$out/stdout")
names_s=$(best_of "$kintsugi" scan --names-only --json "$tree")
cp "$out/stdout" "$out/names.json"
read_s=$(best_of "$kintsugi" scan --json "$tree")
cp "$out/stdout" "$out/read.json"

python3 - "$out/names.json" "$out/read.json" "$fd_files" "$fd_s" "$names_s" \
  "$read_s" "$tree" <<'PY'
import json, os, sys
names = json.load(open(sys.argv[1]))
read = json.load(open(sys.argv[2]))
fd_files, fd_s, names_s, read_s = int(sys.argv[3]), *map(float, sys.argv[4:7])
tree = sys.argv[7]
n = names["summary"]["files"]
ratio = names_s / fd_s if fd_s > 0 else float("inf")
# Bytes the marker scan reads: the head and tail of every file (the scan
# reports them when it counts them; else the bound: 4,096 + 512 a file).
read_bytes = read.get("scanned", {}).get("bytes_read")
if read_bytes is None:
    read_bytes = sum(min(f["size"], 4096 + 512) for f in read["files"])
print(f"files: fdfind {fd_files}, scan {n} (names-only), {read['summary']['files']} (markers)")
print(f"fdfind -u -t f:        {fd_s:.2f} s")
print(f"scan --names-only:     {names_s:.2f} s  = {ratio:.2f}x fdfind (target <= 1.5x)")
print(f"scan (markers read):   {read_s:.2f} s  = {n / read_s:,.0f} files/s, "
      f"{read_bytes / read_s / 1e6:.1f} MB/s read ({read_bytes / 1e6:.0f} MB)")
print(f"encrypted: {names['summary']['encrypted']} by name, {read['summary']['encrypted']} by markers")
ok = ratio <= 1.5 and n == fd_files
sys.exit(0 if ok else 1)
PY
