#!/bin/bash
# The commands that wrote this folder, run on the H200 after validation/run_all.sh (B: the build folder, OUT: where the files went).
V=$B/validation
timeout 30 $V/pipe_bench --mode pipes --iterations 1024 > $OUT/pipe_1024.jsonl 2>&1
NCU=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
S="--section SpeedOfLight --section ComputeWorkloadAnalysis --section InstructionStats --section WarpStateStats --section SchedulerStats --section Occupancy --section LaunchStats"
M="--metrics regex:^sm__inst_executed_pipe_.*\.sum$,regex:^smsp__average_warps_issue_stalled_.*_per_issue_active\.ratio$,regex:^sm__pipe_.*_cycles_active\.avg\.pct_of_peak_sustained_active$"
prof() {  # name, kernel regex, command...
    local name=$1 kern=$2; shift 2
    timeout 75 $NCU --clock-control none --kernel-name regex:$kern --launch-skip 1 --launch-count 1 $S $M "$@" > $OUT/ncu_$name.txt 2>&1 \
      || timeout 60 $NCU --clock-control none --kernel-name regex:$kern --launch-skip 1 --launch-count 1 $S "$@" >> $OUT/ncu_$name.txt 2>&1
}
prof gemm_dense gemm_kernel $V/gemm_bench --m 2048 --n 2048 --k 2048 --dtype f16 --acc f32 --iters 3
prof gemm_sparse gemm_kernel $V/gemm_bench --m 2048 --n 2048 --k 2048 --dtype f16 --acc f32 --sparse --iters 3
prof cutlass2_dense stcsim_cutlass_dense_f16 $V/cutlass_gemm run --kernel stcsim_cutlass_dense_f16 --m 2048 --n 2048 --k 2048 --iters 3
# Later in the same session (the Nsight Compute per-SASS-instruction counters; ncu's own "==PROF==" /
# "==WARNING==" lines and the program's JSON line dropped from the .csv, which is then xz-compressed):
src() {  # name, kernel regex, command...
    local name=$1 kern=$2; shift 2
    timeout 120 $NCU --clock-control none --kernel-name regex:$kern --launch-skip 1 --launch-count 1 --section SourceCounters --section WarpStateStats \
        --page source --print-source sass --csv "$@" > $OUT/ncu_source_$name.csv 2> $OUT/ncu_source_$name.log
}
src gemm_dense gemm_kernel $V/gemm_bench --m 2048 --n 2048 --k 2048 --dtype f16 --acc f32 --iters 3
src cutlass2_dense stcsim_cutlass_dense_f16 $V/cutlass_gemm run --kernel stcsim_cutlass_dense_f16 --m 2048 --n 2048 --k 2048 --iters 3
