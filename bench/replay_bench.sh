#!/bin/sh
# Replay benchmark: generates f16 GEMM traces, dense and sparse (mma.sp), whose blocks are the
# same size but whose lengths differ 4x in K (1024x1024x1024 and 1024x1024x4096, zstd), replays
# each with `stcsim run` on configs/a100.json and prints simulated cycles, warp instructions per
# host second (wall clock, and per second of user CPU time: the one-core rate, not skewed by other
# load on the machine) and peak resident memory (from /usr/bin/time -v). Peak memory must not grow
# with the trace's length.
# usage: bench/replay_bench.sh [BUILD_DIR] [WORK_DIR]
set -eu
build=${1:-build/release}
work=${2:-${TMPDIR:-/tmp}/stcsim_replay_bench}
stcsim="$build/stcsim"
mkdir -p "$work"
for kind in dense sparse; do
for k in 1024 4096; do
    dir="$work/gemm_1024x1024x$k"
    flag=""
    if [ "$kind" = sparse ]; then dir="$dir-sparse"; flag="--sparse"; fi
    [ -f "$dir/kernel-1.traceg.zst" ] ||
        "$stcsim" trace gen gemm --impl synthetic --m 1024 --n 1024 --k "$k" --dtype f16 $flag --compress zst --out "$dir" >/dev/null
    /usr/bin/time -v "$stcsim" run --config configs/a100.json --trace "$dir" --out "$dir/run" >"$dir/run.log" 2>"$dir/time.log"
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/time.log")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/time.log")
    user=$(sed -n 's/.*User time (seconds): //p' "$dir/time.log")
    python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
wall = sys.argv[3].split(':')
seconds = float(wall[-1]) + 60 * float(wall[-2]) + (3600 * float(wall[-3]) if len(wall) > 2 else 0)
user = max(float(sys.argv[5]), 1e-3)
n = d[\"warp_instructions\"]
print(f'{sys.argv[6]} 1024x1024x{sys.argv[4]}: {d[\"cycles\"]} cycles, {n} warp instructions in {seconds:.1f} s ({user:.1f} s user CPU): '
      f'{n / seconds:.3g} warp instructions/s, {n / user:.3g} per CPU second, peak RSS {sys.argv[2]} KiB')" \
        "$dir/run/stats.json" "$rss" "$wall" "$k" "$user" "$kind"
done
done
