#!/bin/bash
# Peak memory of `kintsugi recover` over a generated tree of many small
# files (issue 16: 1,000,000 files under 256 MiB), with the time it took.
# The tree (bench/recover/tree_gen.cpp) holds a link to / and a hard link:
# the run must not follow the one (every file it reports is in the tree)
# nor recover the other twice.
#
# Usage: [KINTSUGI_BENCH_TREE_FILES=N] [KINTSUGI_BENCH_DIR=DIR] \
#        bench/recover/tree.sh [path/to/recover_tree_gen]
# N defaults to 1,000,000 (about 4 GiB of disk for the small files; made
# once and kept in DIR, default /var/tmp/kintsugi-bench-tree, for reruns),
# 20,000 with KINTSUGI_BENCH_MIN_TIME set (bench/run-all --quick).
# Exits 1 when the peak is 256 MiB or more, or the counts are wrong.
set -euo pipefail
gen=${1:-build/release/src/recover/recover_tree_gen}
kintsugi=$(dirname "$gen")/../../apps/kintsugi/kintsugi
default_files=1000000
[ -n "${KINTSUGI_BENCH_MIN_TIME:-}" ] && default_files=20000
files=${KINTSUGI_BENCH_TREE_FILES:-$default_files}
base=${KINTSUGI_BENCH_DIR:-/var/tmp/kintsugi-bench-tree}
tree=$base/tree-$files
if [ ! -f "$tree.done" ]; then
  rm -rf "$tree"
  mkdir -p "$base"
  echo "making $files files in $tree (once)..."
  "$gen" "$tree" "$files"
  touch "$tree.done"
fi
out=$(mktemp -d "$base/out.XXXXXX")
report=$(mktemp)
trap 'rm -rf "$out" "$report"' EXIT
set +e
/usr/bin/time -f '%M %e %U %S' -o "$report.time" \
  "$kintsugi" recover "$tree" --out "$out" --json >"$report" 2>"$report.err"
rc=$?
set -e
read -r rss_kib wall user sys <"$report.time"
rm -f "$report.time"
# The summary: counts by status, links skipped, duplicates.
summary=$(python3 - "$report" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
c = s["counts"]
print(c.get("recovered", 0), c.get("not_encrypted", 0),
      s.get("symlinks_skipped", 0), s.get("duplicates_skipped", 0),
      len(r.get("files", [])))
PY
)
read -r recovered plain links dups listed <<<"$summary"
specimens=$(( (files + 92) / 100 ))
echo "tree: $files files ($specimens specimens); exit $rc"
echo "recovered $recovered, not encrypted $plain, links skipped $links," \
     "duplicates $dups, files listed $listed"
awk -v k="$rss_kib" -v w="$wall" -v u="$user" -v s="$sys" -v n="$files" \
  'BEGIN { printf "peak RSS %.1f MiB; %.1f s wall (%.1f user, %.1f sys); %.0f files/s\n", k/1024, w, u, s, n/w }'
fail=0
if [ "$rss_kib" -ge $((256 * 1024)) ]; then
  echo "FAIL: peak RSS is 256 MiB or more" >&2; fail=1
fi
if [ "$recovered" -ne "$specimens" ] || [ "$listed" -ne "$files" ] ||
   [ "$links" -lt 1 ] || [ "$dups" -lt 1 ]; then
  echo "FAIL: expected $specimens recovered, $files files listed, the link" \
       "to / skipped and the hard link counted once" >&2
  fail=1
fi
exit $fail
