#!/usr/bin/env bash
# The first run: builds the simulator alone, then replays CUTLASS's compiled 2048x2048x2048 f16 GEMM,
# dense and 2:4 sparse (traces/samples/cutlass_gemm_f16_2048, traced from the kernels' SASS), on
# the A100 config, and prints cycles, time, TFLOP/s, share of the tensor peak and the sparse
# speedup. Results (stats.json, config.json) are left in build/quickstart/{dense,sparse}.
set -euo pipefail
cd "$(dirname "$0")/.."
# (the test of this script sets STCSIM_QUICKSTART_BINARY to the binary it built, and skips the set-up)
if [ -z "${STCSIM_QUICKSTART_BINARY:-}" ]; then ./scripts/setup.sh --simulator; fi
stcsim=${STCSIM_QUICKSTART_BINARY:-build/release/stcsim}
traces=traces/samples/cutlass_gemm_f16_2048
out=${STCSIM_QUICKSTART_OUT:-build/quickstart}
echo "simulating CUTLASS's f16 GEMM 2048x2048x2048 on configs/a100.json, dense and 2:4 sparse ..."
pids=()
for kind in dense sparse; do
  "$stcsim" run --config configs/a100.json --trace "$traces/$kind" --out "$out/$kind" >/dev/null &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
"$stcsim" summary "$out/dense" "$out/sparse"
