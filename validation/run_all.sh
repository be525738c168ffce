#!/usr/bin/env bash
# Runs every validation program on the GPU at hand (about 2-4 minutes on an H100; each step is
# capped, and a deadline keeps the whole run under 8 minutes) and writes the results under OUT_DIR:
#   header.json          GPU name, driver, clocks as read by nvidia-smi, compute capability, date,
#                        git commit of the sources, and the command of every step
#   commands.txt         the exact command line of every step, in order
#   mma_sweep.jsonl      mma_bench --sweep: every form x warps {1,2,4,8,16,32} x ILP {1..4}
#   mma_own_ab.jsonl     mma_bench --sweep --own-ab: five f16 forms whose chains read A and B of their
#                        own (no operand reuse between them), warps {1,2,4,8,16,32} x ILP {1,2,4}
#   probes/              mma_probes: <id>.cases.jsonl / <id>.gpu.jsonl (+ .invalid.*) and index.json
#   memory.jsonl         memory_bench: pointer-chase latency 4 KB..1 GB, bandwidth l1/l2/dram,
#                        ldmatrix x1/x2/x4 (.trans), shared-memory bank strides, global-store
#                        throughput (two layouts, one SM and every SM)
#   pipe.jsonl           pipe_bench: instruction-pipe streams (IMAD, FFMA, IADD3, LOP3, SHF, LEA, mixes, a call, a barrier),
#                        latency and throughput per sub-partition; empty-kernel launch times
#   gemm.jsonl           gemm_bench: dense and 2:4 sparse f16 GEMMs (the traced kernel) at 1024^3,
#                        2048^3, 4096^3 and 8192^3, timed with CUDA events; on an sm_90 GPU also
#                        cutlass3_gemm (CUTLASS 3.x wgmma/TMA kernels, "experiment": "cutlass_gemm")
#                        dense and sparse at the same sizes, when it was built
#   cutlass2_gemm.jsonl  cutlass_gemm run (CUTLASS 2.x Ampere kernels, f16 -> f32) dense and sparse at
#                        the same sizes, when it was built: one line per run as the program prints it
#   sass_gemm.txt        cuobjdump -sass of gemm_bench, cutlass_gemm and cutlass3_gemm (every kernel run)
#   clocks.csv           nvidia-smi every 500 ms while the steps run: SM and memory clock, power, temperature
#   sass_mma.txt         cuobjdump -sass of mma_bench: kernel names and their HMMA/IMMA/QMMA lines
#   wgmma_sweep.jsonl    compute capability 9.x only: wgmma_bench --sweep, every wgmma form x A source
#                        x warp groups {1,2,3,4} x ILP {1..4} (within its registers)
#   probes/wgmma_*       compute capability 9.x only: wgmma_probes (wgmma_index.json and file pairs)
#   sass_wgmma.txt       cuobjdump -sass of wgmma_bench: kernel names and their [HIQ]GMMA lines
#   logs/<step>.log      stderr of each step; logs/steps.txt: each step's exit status and seconds
# Usage: validation/run_all.sh OUT_DIR [BUILD_DIR (default build/release)]
# STCSIM_SOURCE_COMMIT names the sources' commit where the tree is a copy without git history.
set -euo pipefail

if [[ $# -lt 1 ]]; then
    echo "usage: $0 OUT_DIR [BUILD_DIR]" >&2
    exit 2
fi
out=$1
src=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$src/build/release}
bin=$build/validation
for program in mma_bench mma_probes memory_bench pipe_bench gemm_bench wgmma_bench wgmma_probes; do
    [[ -x $bin/$program ]] || { echo "$0: $bin/$program is missing; build first (cmake --build $build)" >&2; exit 1; }
done
mkdir -p "$out/probes" "$out/logs"
: > "$out/commands.txt"
status=0

# The whole run ends within 8 minutes: each step gets its own cap or what is left of the budget.
deadline=$((SECONDS + 470))

# step NAME TIMEOUT_S STDOUT_FILE COMMAND...: runs one step, records its command, its exit status
# and its seconds, and keeps going on failure.
step() {
    local name=$1 limit=$2 stdout=$3
    shift 3
    local left=$((deadline - SECONDS))
    if ((left < 5)); then
        echo "$0: step $name skipped: the 8-minute budget is spent" >&2
        status=1
        return
    fi
    ((left < limit)) && limit=$left
    printf '%q ' "$@" >> "$out/commands.txt"
    echo >> "$out/commands.txt"
    echo "== $name: $*" >&2
    local started=$SECONDS rc=0
    timeout "$limit" "$@" > "$stdout" 2> "$out/logs/$name.log" || rc=$?
    echo "$name exit $rc seconds $((SECONDS - started))" >> "$out/logs/steps.txt"
    if ((rc != 0)); then
        echo "$0: step $name failed or timed out (see $out/logs/$name.log)" >&2
        status=1
    fi
}

smi() { nvidia-smi --query-gpu="$1" --format=csv,noheader 2>/dev/null | head -n 1 | sed 's/"/\\"/g' || echo unknown; }

hopper=false
[[ $(smi compute_cap) == 9.* ]] && hopper=true

# The clocks as the GPU runs the steps (the header's reading is taken once, at the end).
nvidia-smi --query-gpu=timestamp,clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv -lms 500 \
    > "$out/clocks.csv" 2>/dev/null &
clock_logger=$!
trap 'kill $clock_logger 2>/dev/null || true' EXIT

# On Hopper the warp-group steps take part of the budget the warp-level sweep has elsewhere.
if $hopper; then mma_cap=180; probe_cap=120; else mma_cap=240; probe_cap=150; fi
step mma_sweep $mma_cap "$out/logs/mma_sweep.stdout" "$bin/mma_bench" --sweep --out "$out/mma_sweep.jsonl"
step mma_own_ab 30 "$out/logs/mma_own_ab.stdout" "$bin/mma_bench" --sweep --own-ab --sweep-ilp 1,2,4 --out "$out/mma_own_ab.jsonl"
step probes $probe_cap "$out/logs/probes.stdout" "$bin/mma_probes" --out "$out/probes"
if $hopper; then
    step wgmma_sweep 45 "$out/logs/wgmma_sweep.stdout" "$bin/wgmma_bench" --sweep --out "$out/wgmma_sweep.jsonl"
    step wgmma_probes 45 "$out/logs/wgmma_probes.stdout" "$bin/wgmma_probes" --out "$out/probes"
fi
: > "$out/memory.jsonl"
step latency 60 "$out/logs/latency.stdout" "$bin/memory_bench" --mode latency --sweep --out "$out/memory.jsonl"
step bandwidth 30 "$out/logs/bandwidth.stdout" "$bin/memory_bench" --mode bandwidth --sweep --out "$out/memory.jsonl"
step ldmatrix 20 "$out/logs/ldmatrix.stdout" "$bin/memory_bench" --mode ldmatrix --out "$out/memory.jsonl"
step banks 20 "$out/logs/banks.stdout" "$bin/memory_bench" --mode banks --out "$out/memory.jsonl"
step stores 30 "$out/logs/stores.stdout" "$bin/memory_bench" --mode stores --out "$out/memory.jsonl"
: > "$out/pipe.jsonl"
step pipes 30 "$out/logs/pipes.stdout" "$bin/pipe_bench" --mode pipes --out "$out/pipe.jsonl"
step launch 30 "$out/logs/launch.stdout" "$bin/pipe_bench" --mode launch --out "$out/pipe.jsonl"
: > "$out/gemm.jsonl"
sizes=(1024 2048 4096 8192)
for size in "${sizes[@]}"; do
    for sparsity in dense sparse; do
        flag=(); [[ $sparsity == sparse ]] && flag=(--sparse)
        step "gemm_${size}_$sparsity" 20 "$out/logs/gemm_${size}_$sparsity.stdout" "$bin/gemm_bench" --m "$size" --n "$size" --k "$size" \
            --dtype f16 --acc f32 "${flag[@]}" --iters 20 --out "$out/gemm.jsonl"
    done
done

# CUTLASS 3.x's Hopper GEMMs: sm_90a SASS only, so only on a GPU of compute capability 9.0.
if [[ $(smi compute_cap) == 9.0 && -x $bin/cutlass3_gemm ]]; then
    for size in "${sizes[@]}"; do
        for sparsity in dense sparse; do
            step "cutlass3_${size}_$sparsity" 30 "$out/logs/cutlass3_${size}_$sparsity.stdout" "$bin/cutlass3_gemm" run \
                --kernel "stcsim_cutlass3_${sparsity}_f16" --m "$size" --n "$size" --k "$size" --iters 20 --out "$out/gemm.jsonl"
        done
    done
fi

# CUTLASS 2.x's Ampere GEMMs (sm_80 SASS and PTX, so they run on any GPU of compute capability 8.0 up).
if [[ -x $bin/cutlass_gemm ]]; then
    for size in "${sizes[@]}"; do
        for sparsity in dense sparse; do
            step "cutlass2_${size}_$sparsity" 30 "$out/logs/cutlass2_${size}_$sparsity.stdout" "$bin/cutlass_gemm" run \
                --kernel "stcsim_cutlass_${sparsity}_f16" --m "$size" --n "$size" --k "$size" --iters 20
            cat "$out/logs/cutlass2_${size}_$sparsity.stdout" >> "$out/cutlass2_gemm.jsonl" 2>/dev/null || true
        done
    done
fi

cuobjdump=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
if [[ -x $cuobjdump ]]; then
    printf '%q ' "$cuobjdump" -sass "$bin/mma_bench" >> "$out/commands.txt"
    echo "| grep -E 'Function|code for sm_|[HIQ]MMA'" >> "$out/commands.txt"
    "$cuobjdump" -sass "$bin/mma_bench" | grep -E 'Function|code for sm_|[HIQ]MMA' > "$out/sass_mma.txt" || status=1
    if $hopper; then
        printf '%q ' "$cuobjdump" -sass "$bin/wgmma_bench" >> "$out/commands.txt"
        echo "| grep -E 'Function|code for sm_|[HIQ]GMMA'" >> "$out/commands.txt"
        "$cuobjdump" -sass "$bin/wgmma_bench" | grep -E 'Function|code for sm_|[HIQ]GMMA' > "$out/sass_wgmma.txt" || status=1
    fi
    : > "$out/sass_gemm.txt"
    for program in gemm_bench cutlass_gemm cutlass3_gemm; do
        [[ -x $bin/$program ]] || continue
        printf '%q ' "$cuobjdump" -sass "$bin/$program" >> "$out/commands.txt"
        echo ">> sass_gemm.txt" >> "$out/commands.txt"
        "$cuobjdump" -sass "$bin/$program" >> "$out/sass_gemm.txt" || status=1
    done
else
    echo "$0: cuobjdump not found; sass_mma.txt not written" >&2
    status=1
fi

commands=$(sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/' "$out/commands.txt" | paste -sd, -)
cat > "$out/header.json" <<JSON
{"gpu": "$(smi name)", "driver_version": "$(smi driver_version)",
 "clocks_sm_mhz": "$(smi clocks.sm)", "clocks_max_sm_mhz": "$(smi clocks.max.sm)", "clocks_mem_mhz": "$(smi clocks.mem)",
 "compute_capability": "$(smi compute_cap)",
 "nvidia_smi": "$(nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem --format=csv,noheader 2>/dev/null | head -n 1 | sed 's/"/\\"/g')",
 "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "source_commit": "${STCSIM_SOURCE_COMMIT:-$(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)}",
 "commands": [$commands]}
JSON
echo "results in $out (status $status)" >&2
exit $status
