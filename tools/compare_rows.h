// The timing half of `stcsim compare`: every measured timing record becomes one or more rows
// (class, key, measured, simulated) by running the matching simulation:
//   mma       mma_sweep.jsonl "mma" records       cycles           run_mma_bench(instr, warps, ilp, iters), or the
//             folder's benchmark twin (compare_twin.h) when header.json names one; "ab": "per_chain"
//             records (mma_own_ab.jsonl) need our own benchmark's kernels
//   wgmma     wgmma_sweep.jsonl "mma" records of a "wgmma..." instr: the same, with the record's
//             a_source (default shared) and wgmma_wait (default 1); warps = 4 x warp groups
//   latency   memory.jsonl "latency"              latency_cycles   run_latency_bench(footprint, stride), a pointer
//             chase; our own runs add what memory_bench's compiled index chain costs beyond the loads
//             (compare_memory_bench.h) when the build has it
//   bandwidth memory.jsonl "bandwidth"            bytes_per_clk_per_sm  run_bandwidth_bench(level)
//   ldmatrix_latency     "ldmatrix"               latency_cycles   run_ldmatrix_bench(x, trans), 16-byte rows, or
//             validation/memory_bench's own kernel (compare_memory_bench.h) when the build has it
//   ldmatrix_throughput  "ldmatrix"               cycles_per_instr_per_sm  (the same, cycles per instruction)
//   banks     memory.jsonl "banks"                cycles_per_access  run_smem_bench(stride_words * 4, 4 B), or
//             memory_bench's own kernel
//   store_bandwidth  memory.jsonl "stores"       256 x warps x steps / (cycles_double - cycles): bytes per clock
//             per SM, from memory_bench's own store kernel at the record's CTAs and warps (not simulated
//             without it)
//   gemm      gemm.jsonl "gemm"                   ms x the run's SM clock (else cycles_est)  compare_gemm.h
//   pipe_latency, pipe_throughput  pipe.jsonl "pipe"  (cycles_double - cycles) / steps, per step or
//             per instruction per sub-partition: validation/pipe_bench's own kernel (compare_pipe_bench.h)
//   launch    pipe.jsonl "launch"                 us_per_launch: listed, not simulated (outside a kernel)
// Records marked "skipped" by the GPU run are left out; a record the simulator cannot run (a form
// its arch lacks, an experiment it does not know) gets a row with a note instead of a value.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "isa/arch.h"
#include "sim/config/gpu_spec.h"
#include "tools/compare_memory_bench.h"
#include "tools/compare_pipe_bench.h"
#include "tools/compare_twin.h"
#include "tools/measurements.h"

namespace stcsim::cli {

struct CompareRow {
    std::string cls;
    std::string key;
    std::string source;  // file:line of the measurement
    double measured = 0;
    std::optional<double> simulated;
    std::string note;    // why there is no simulated value
    // (simulated - measured) / measured * 100; nullopt without a simulated value or measured 0.
    std::optional<double> error_percent() const;
};

struct TimingComparison {
    std::vector<CompareRow> rows;
    int skipped = 0;  // records the GPU run marked "skipped"
};

// The rows one record becomes, before simulating (simulated values empty): every field is read and
// checked, so a malformed record is a UserError naming file:line and key; empty for a skipped one.
// `arch` decides which forms exist; the regime is the record's alone (compare_regimes.h).
std::vector<CompareRow> timing_rows(const MeasuredRecord& record, isa::Arch arch = isa::Arch::sm_90);

// The compiled benchmarks whose kernels the records replay, where the build has them.
struct ReplayPrograms {
    const BenchmarkTwin* twin = nullptr;  // the folder's mma benchmark (compare_twin.h)
    std::filesystem::path gemm_bench;     // validation/gemm_bench, for "gemm" records (compare_gemm.h)
    std::filesystem::path cutlass_gemm;   // validation/cutlass_gemm, for CUTLASS 2.x records (compare_gemm.h)
    const MemoryBenchKernels* memory_bench = nullptr;  // our own runs' ldmatrix, banks and stores records
    const PipeKernels* pipe_bench = nullptr;            // our own runs' pipe records
};

// UserError (naming file:line and key) for a malformed record; runs the simulations on `threads`.
// `progress` (optional, called from any of the threads) gets the records simulated and the total.
// With a twin, the mma records it covers replay its loop; with gemm_bench, the gemm records its kernel.
TimingComparison compare_timing(const sim::GpuSpec& spec, const std::vector<MeasuredRecord>& records, int threads,
                                const std::function<void(std::size_t done, std::size_t total)>& progress = {},
                                const ReplayPrograms& programs = {});

}  // namespace stcsim::cli
