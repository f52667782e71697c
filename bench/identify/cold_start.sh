#!/bin/bash
# Cold start of `kintsugi identify` on one note, the whole process (issue
# #15 "Cold start": under 0.1 s median wall; 0.84 s when every run parsed
# and compiled the KB). Runs it N times after one warm-up run (page cache)
# and prints the median wall and CPU time of a run.
#
# Usage: [KINTSUGI_BENCH_RUNS=N] bench/identify/cold_start.sh \
#            [path/to/kintsugi] [NOTE] [-- EXTRA ARGS...]
# N defaults to 21; NOTE to examples/_readme.txt. Exits 1 when the median
# wall time is 0.1 s or more.
set -euo pipefail
kintsugi=${1:-build/release/apps/kintsugi/kintsugi}
note=${2:-examples/_readme.txt}
shift $(( $# < 2 ? $# : 2 ))
[ "${1:-}" = "--" ] && shift
runs=${KINTSUGI_BENCH_RUNS:-21}
exec python3 - "$kintsugi" "$note" "$runs" "$@" <<'PY'
import os, statistics, subprocess, sys, time

kintsugi, note, runs, extra = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
command = [kintsugi, *extra, "identify", note]

def run():
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"cold_start: {' '.join(command)} failed")
    return wall, usage.ru_utime + usage.ru_stime

run()
walls, cpus = zip(*(run() for _ in range(runs)))
wall, cpu = statistics.median(walls), statistics.median(cpus)
print(f"{' '.join(command)}: {runs} runs, median wall {wall * 1000:.1f} ms "
      f"(min {min(walls) * 1000:.1f}, max {max(walls) * 1000:.1f}), "
      f"median CPU {cpu * 1000:.1f} ms; target < 100 ms wall, "
      f"{0.84 / wall:.1f}x faster than the 0.84 s of issue #15")
sys.exit(0 if wall < 0.1 else 1)
PY
