// The warp-group MMA microbenchmark (`stcsim bench mma --instr 'wgmma...'`): one CTA of `warps`
// warps (a multiple of 4: warps / 4 warp groups) on one SM of an sm_90a config. Every warp runs
// `ilp` independent accumulator chains of `iters` dependent wgmma instructions, interleaved
// (chain 0, 1, ..., ilp-1, chain 0, ...); each warp of a group issues the instruction (as in
// SASS) and runs its 16-row slice (sim/tensor/mma_timing.h). After every `wgmma_group`
// instructions (default: one per chain, the batch of one k-block in CUTLASS's mainloop) the warp
// issues wgmma.commit_group and then wgmma.wait_group `wgmma_wait` (default 1: CUTLASS's
// warpgroup_wait<K_PIPE_MMAS> with K_PIPE_MMAS = 1, one batch in flight while the next issues);
// the program ends with a commit and wait_group 0. A chain's accumulator (N/2 or N/4 registers per
// thread) is tracked through its first (up to 4) registers: the scoreboard keeps them unreadable
// until the instruction's writeback. A from registers reads them (never written).
//
// Results as for mma: cycles from the first issue to the last writeback, latency_cycles =
// cycles / iters, fma_per_clk_per_sm = warp groups * ilp * iters * 64*N*K / cycles (dense-equivalent).
#pragma once

#include "sim/gpu/mma_bench.h"

namespace stcsim::sim {

// Throws UserError for warps not a multiple of 4 (the command line makes it a usage error), for a form illegal on the config's
// arch (anything but sm_90a), a config without a wgmma path, or an ILP whose accumulators do not
// fit in 255 registers.
MmaBenchResult run_wgmma_bench(const GpuSpec& spec, const MmaBenchParams& params);

}  // namespace stcsim::sim
