#!/usr/bin/env bash
# End to end on a small REAL file system (conventions.md: file-system faults
# are also tested on a real one): `kintsugi recover` runs out of space on a
# tiny tmpfs. Afterwards every encrypted original is byte-identical, nothing
# unverified sits under a final name, the exit code says the run was
# partial; after the file system grows, a rerun finishes the job.
#
# Needs root (mount); exits 77 (CTest: skipped) otherwise.
# Specimens: synthetic text, AES-128-CBC with Jigsaw's published key 1 and
# IV (recovery-schemes.md §3.1 "Specimen recipe"), one file at a time, only
# inside the test folder (§0).
set -euo pipefail
kintsugi=$1
[ "$(id -u)" -eq 0 ] || { echo "not root: skipped"; exit 77; }
command -v openssl >/dev/null || { echo "no openssl CLI: skipped"; exit 77; }

work=$(mktemp -d)
mnt=$work/fs
mkdir -p "$mnt"
cleanup() { umount "$mnt" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
if ! mount -t tmpfs -o size=2m tmpfs "$mnt" 2>/dev/null; then
  echo "cannot mount tmpfs here: skipped"
  exit 77
fi

key=3a822c030c05db7708090a0b0c0d0e0d
iv=00010003050300010000020006070600
for i in 1 2 3 4 5 6; do
  # ~240 KiB of valid UTF-8 text per file.
  head -c 245760 \
    < <(yes "line $i of a synthetic document, nothing secret in it.") \
    > "$work/doc$i.txt"
  openssl enc -aes-128-cbc -K "$key" -iv "$iv" \
    -in "$work/doc$i.txt" -out "$mnt/doc$i.txt.fun"
done
(cd "$mnt" && sha256sum ./*.fun) > "$work/originals.sha256"

set +e
"$kintsugi" --json recover "$mnt" > "$work/run1.json" 2> "$work/run1.err"
rc=$?
set -e
echo "first run (disk fills up): exit $rc"
if [ "$rc" -eq 0 ]; then
  echo "FAIL: a run that ran out of space reported success"; exit 1
fi
(cd "$mnt" && sha256sum -c --quiet "$work/originals.sha256") ||
  { echo "FAIL: an original changed"; exit 1; }
for i in 1 2 3 4 5 6; do
  out=$mnt/doc$i.txt
  if [ -e "$out" ] && ! cmp -s "$out" "$work/doc$i.txt"; then
    echo "FAIL: $out exists under its final name but is not the original"
    exit 1
  fi
done
if ls "$mnt" | grep -q '\.unverified$'; then
  echo "FAIL: a full disk produced an .unverified output"; exit 1
fi

mount -o remount,size=16m "$mnt"
"$kintsugi" --json recover "$mnt" > "$work/run2.json" 2> "$work/run2.err" ||
  { echo "FAIL: the rerun did not finish"; cat "$work/run2.err"; exit 1; }
(cd "$mnt" && sha256sum -c --quiet "$work/originals.sha256") ||
  { echo "FAIL: an original changed on the rerun"; exit 1; }
for i in 1 2 3 4 5 6; do
  cmp "$mnt/doc$i.txt" "$work/doc$i.txt" ||
    { echo "FAIL: doc$i.txt not recovered exactly"; exit 1; }
done
if ls -A "$mnt" | grep -q 'kintsugi-tmp'; then
  echo "FAIL: temporary files left behind"; ls -A "$mnt"; exit 1
fi
echo "ok: disk full lost nothing; the rerun recovered all 6 files"
