#!/usr/bin/env bash
# End to end on a small REAL file system (conventions.md: file-system faults
# are also tested on a real one): `kintsugi recover` runs out of space on a
# tiny tmpfs. Afterwards every encrypted original is byte-identical, nothing
# unverified sits under a final name, the exit code says the run was
# partial; after the file system grows, a rerun finishes the job.
# Then (issue 16) the journal's own file system fills up (--journal on a
# one-page tmpfs): the run stops with exit 6, "the journal cannot be
# written" (docs/cli.md), instead of one error per file and exit 1, and
# leaves no temporary; after that file system grows, a rerun finishes.
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
jmnt=$work/journal-fs
mkdir -p "$mnt" "$jmnt"
cleanup() {
  umount "$mnt" 2>/dev/null || true
  umount "$jmnt" 2>/dev/null || true
  rm -rf "$work"
}
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

# --- The journal's disk fills up (issue 16) ----------------------------------
# One 4 KiB page for the journal; a long folder name makes each file's B, C
# and D records take about 1.8 KiB, so the third file's first record does
# not fit.
mount -t tmpfs -o size=4k tmpfs "$jmnt"
victim=$work/$(printf 'a%.0s' $(seq 1 200))
mkdir -p "$victim"
for i in 1 2 3 4 5 6; do
  openssl enc -aes-128-cbc -K "$key" -iv "$iv" \
    -in "$work/doc$i.txt" -out "$victim/doc$i.txt.fun"
done
(cd "$victim" && sha256sum ./*.fun) > "$work/victim.sha256"
set +e
"$kintsugi" --json recover "$victim" --journal "$jmnt/j" \
  > "$work/run3.json" 2> "$work/run3.err"
rc=$?
set -e
echo "journal disk full: exit $rc"
if [ "$rc" -ne 6 ]; then
  echo "FAIL: a journal that cannot be written exited $rc, not 6"
  cat "$work/run3.json" "$work/run3.err"; exit 1
fi
grep -q "cannot write the journal" "$work/run3.json" "$work/run3.err" ||
  { echo "FAIL: the error does not say the journal cannot be written"; exit 1; }
(cd "$victim" && sha256sum -c --quiet "$work/victim.sha256") ||
  { echo "FAIL: an original changed"; exit 1; }
if ls -A "$victim" | grep -q 'kintsugi-tmp'; then
  echo "FAIL: temporary files left behind"; ls -A "$victim"; exit 1
fi
recovered=$(ls "$victim" | grep -c '^doc[0-9]\.txt$' || true)
if [ "$recovered" -ge 6 ]; then
  echo "FAIL: the run went on after its journal could not be written"; exit 1
fi
mount -o remount,size=1m "$jmnt"
"$kintsugi" --json recover "$victim" --journal "$jmnt/j" \
  > "$work/run4.json" 2> "$work/run4.err" ||
  { echo "FAIL: the rerun did not finish"; cat "$work/run4.err"; exit 1; }
for i in 1 2 3 4 5 6; do
  cmp "$victim/doc$i.txt" "$work/doc$i.txt" ||
    { echo "FAIL: doc$i.txt not recovered exactly"; exit 1; }
done
if ls -A "$victim" | grep -q -e 'kintsugi-tmp' -e '(recovered'; then
  echo "FAIL: temporaries or duplicates left"; ls -A "$victim"; exit 1
fi
echo "ok: a full journal disk stopped the run (exit 6); the rerun finished"
