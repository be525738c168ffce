// The mma microbenchmark (`stcsim bench mma`), the simulated twin of validation/'s GPU kernel:
// one CTA of `warps` warps on one SM; every warp runs `ilp` independent chains of `iters`
// dependent instructions, interleaved (chain 0, 1, ..., ilp-1, chain 0, ...). Dependent: each
// instruction's D registers are the next one's C registers in the same chain. A, B and metadata
// registers are shared by all chains and never written (no dependence through them).
// A form the architecture lowers to a sequence of instructions (isa/lowering.h: int4 on sm_90)
// runs that sequence per mma, chain after chain, each on its own registers.
//
// Results: cycles from the first issue (cycle 0) to the cycle the last result is written;
// latency_cycles = cycles / iters (cycles per dependent instruction along a chain);
// fma_per_clk_per_sm = warps * ilp * iters * m*n*k / cycles (dense-equivalent FMAs).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/config/gpu_spec.h"
#include "sim/tensor/mma_timing.h"

namespace stcsim::sim {

struct MmaBenchParams {
    std::string instr;  // PTX mma / mma.sp name
    int warps = 1;              // 1 .. sm.max_warps
    int ilp = 1;                // 1 .. as many chains as 255 registers hold
    std::int64_t iters = 1000;  // 1 .. kMaxBenchIters
    // wgmma only (sim/gpu/wgmma_bench.h): where A comes from, the chain instructions per commit
    // group (0: one per chain, i.e. ilp) and the N of the wait_group after each commit.
    std::string a_source = "shared";
    int wgmma_group = 0;
    int wgmma_wait = 1;
};

// The longest chain a microbenchmark simulates (a bound on its run time, seconds per 10^7).
inline constexpr std::int64_t kMaxBenchIters = 100'000'000;

struct MmaBenchResult {
    std::uint64_t cycles = 0;
    double latency_cycles = 0;
    double fma_per_clk_per_sm = 0;
    std::uint64_t warp_instructions = 0;
    MmaTiming timing;
    int fetch_cycles = 0;                 // unloaded operand fetch of chain 0's instruction
    int lowered_steps = 0;                // SASS instructions per mma of a lowered form (isa/lowering.h), else 0
    double peak_fma_per_clk_per_sm = 0;   // sub_partitions * dense_fma / interval
    nlohmann::ordered_json stats;         // every registered stat, Stats::document() (stats.json)
};

// A wgmma name (isa::is_wgmma_name) runs run_wgmma_bench (sim/gpu/wgmma_bench.h).
// Throws UserError for an instruction illegal on the config's arch, bad parameters, or a config
// that contradicts itself; DeadlockError if the simulation hangs.
MmaBenchResult run_mma_bench(const GpuSpec& spec, const MmaBenchParams& params);

class Sm;
// The common end of the mma and wgmma benchmarks: runs `sm` (its warps launched) to the end and
// fills cycles, warp_instructions, latency_cycles (cycles / iters), fma_per_clk_per_sm
// (`instructions` x result.timing.dense_fma / cycles), the peak and the stats.json document.
void finish_bench(const GpuSpec& spec, Sm& sm, std::int64_t iters, double instructions, MmaBenchResult& result);

}  // namespace stcsim::sim
