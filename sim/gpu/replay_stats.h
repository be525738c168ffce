// The stats of a trace replay (replay.h): totals gathered from the SMs, the launcher and the
// opcode counts, for the whole run or, as the difference of two snapshots, for one kernel; and
// their registration (name, unit, description) in a Stats registry.
//
// Time and throughput: time_s = cycles / (gpu.clock_mhz x 1e6). An MMA counts 2 x m x n x k
// FLOPs (the dense logical problem; a 2:4 sparse MMA counts the dense problem it stands for, as
// `bench mma` counts FMAs). tensor_core.peak_share = the tensor-core cycles the executed MMAs
// would take at their form's peak rate (dense_fma / initiation interval per tensor core, the
// `bench mma` datapath peak) / (cycles x tensor cores): 1.0 means every tensor core issued an MMA
// every interval for the whole run.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/config/gpu_spec.h"
#include "sim/core/stats.h"
#include "sim/gpu/cta_launcher.h"
#include "sim/gpu/instr_decoder.h"

namespace stcsim::sim {

struct ReplayTotals {
    std::uint64_t cycles = 0, warp_instructions = 0, tensor_cores = 0;
    std::uint64_t tensor_busy = 0, tensor_instructions = 0, tensor_sparse = 0, pipeline_instructions = 0;
    std::uint64_t issued = 0, scoreboard = 0, collector_full = 0, lsu_full = 0, pipe_throttle = 0, memory_wait = 0, barrier = 0,
                  idle = 0;
    std::uint64_t smem_accesses = 0, smem_ldmatrix = 0, smem_wavefronts = 0, smem_conflicts = 0, smem_bytes = 0;
    std::uint64_t global_loads = 0, global_stores = 0, cp_async = 0, lsu_stall_memory = 0;
    std::uint64_t mbarrier = 0;  // scheduler cycles stalled on mbarrier waits
    std::uint64_t tma_loads = 0, tma_stores = 0, tma_bytes_loaded = 0, tma_bytes_stored = 0, tma_requests = 0;
    std::uint64_t mbar_operations = 0, mbar_waits = 0, mbar_blocked_waits = 0, mbar_wait_cycles = 0, mbar_phases = 0;
    std::uint64_t kernels = 0, memcpy_skipped = 0, ctas_launched = 0, max_ctas_per_sm = 0, peak_resident_ctas = 0;
    std::uint64_t resident_warp_cycles = 0;
    std::map<std::string, std::uint64_t> by_base, mma_by_full;
    double dense_flops = 0, peak_tensor_cycles = 0;  // see the header comment
    std::vector<std::uint64_t> sm_issued, sm_busy;  // whole run only
};

// A snapshot of every counter, `cycles` long, with the schedulers' cycles counted through cycle
// `through` (SubPartition::state_through: the same whether units sleep or not).
ReplayTotals collect_totals(const std::vector<std::unique_ptr<Sm>>& sms, const CtaLauncher::State& launcher,
                            const OpcodeCounts& counts, const OpcodeClasses& classes, std::uint64_t cycles, Cycle through);

// `later` - `earlier`: the counts of what happened in between (one kernel). Opcodes that did not
// occur in between are left out; the maxima (CTAs per SM, peak resident) are `later`'s values.
ReplayTotals difference(const ReplayTotals& later, const ReplayTotals& earlier);

// Registers the stats of `t` (which must outlive `s`), but the per-SM ones.
void register_replay_stats(Stats& s, const ReplayTotals& t, const GpuSpec& spec);
// per_sm.smI.*: instructions, tensor busy cycles and utilisation of each SM (whole run).
void register_per_sm_stats(Stats& s, const ReplayTotals& t, const GpuSpec& spec);

}  // namespace stcsim::sim
