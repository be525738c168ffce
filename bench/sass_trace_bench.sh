#!/usr/bin/env bash
# Tracing speed and memory of the SASS front end: traces CUTLASS's sparse f16 GEMM (stcsim trace gen
# gemm, the default --impl cutlass) at growing grids, pinned to one core, and prints warp
# instructions, processor seconds, warp instructions per processor second and peak memory.
# Memory must stay flat as the grid grows; the speed target is >= 2 M warp instructions per second.
# Usage: bench/sass_trace_bench.sh [BUILD_DIR]   (default build/release; needs cutlass_gemm and cuobjdump)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
stcsim=$build/stcsim
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
printf '%-22s %12s %8s %14s %12s\n' problem instructions cpu_s instr_per_s peak_rss_mb
for mn in 1024 2048 4096; do
  summary=$(/usr/bin/time -f '%M' -o "$out/rss" $pin "$stcsim" trace gen gemm --m $mn --n $mn --k 1024 --sparse --out "$out/t")
  rss=$(cat "$out/rss")
  python3 - "$summary" "$rss" "$mn" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
print(f"sparse {sys.argv[3]}x{sys.argv[3]}x1024  {d['instructions']:12d} {d['trace_cpu_seconds']:8.2f} "
      f"{d['instructions_per_cpu_second']:14.3e} {int(sys.argv[2]) / 1024:12.1f}")
PY
  rm -rf "$out/t"
done
