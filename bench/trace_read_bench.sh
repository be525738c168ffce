#!/bin/sh
# Trace-reading benchmark: generates two GEMM traces whose blocks are the same size but whose lengths
# differ 16x (1024x1024x4096 and 4096x4096x4096, f16, zstd), then reads each with `stcsim trace stats`
# and prints instructions per second and peak resident memory. Peak memory must not grow with length.
# usage: bench/trace_read_bench.sh [BUILD_DIR] [WORK_DIR]
set -eu
build=${1:-build/release}
work=${2:-${TMPDIR:-/tmp}/stcsim_trace_bench}
stcsim="$build/stcsim"
mkdir -p "$work"
for size in 1024 4096; do
    dir="$work/gemm_${size}x${size}x4096"
    [ -f "$dir/kernel-1.traceg.zst" ] ||
        "$stcsim" trace gen gemm --m "$size" --n "$size" --k 4096 --dtype f16 --compress zst --out "$dir" >/dev/null
    "$stcsim" trace stats --json "$dir/kernelslist.g" | python3 -c "
import json, sys
d = json.load(sys.stdin)
print(f'{sys.argv[1]}: {d[\"thread_blocks\"]} blocks, {d[\"warp_instructions\"]} instructions, '
      f'{d[\"instructions_per_second\"]:.3g} instructions/s, peak RSS {d[\"peak_rss_kib\"]} KiB, '
      f'{d[\"peak_buffered_instructions\"]} instructions buffered at most')" "${size}x${size}x4096"
done
