// Trace replay (`stcsim run`): every kernel of a trace through the timing model on all SMs of a
// GPU config. One Engine drives the CtaLauncher, the SMs (in index order) and the MemorySystem;
// deterministic: the same config and trace give byte-identical stats.
//
// Stats (ordered; replay_stats.h): cycles, time_s, warp_instructions, instructions_by_opcode
// (base opcode -> count), mma_instructions_by_opcode (full MMA opcode -> count), kernel_count,
// CTAs, occupancy, tensor-core busy cycles, utilisation, FLOPs, TFLOP/s and share of the peak,
// stall reasons summed over all schedulers, shared memory, the memory system (L1, L2, DRAM), per
// SM figures; then "kernels" (the same but memory and per SM, for each kernel) and "units"
// (Stats::document's format: every stat's unit and description).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/config/gpu_spec.h"
#include "sim/gpu/cta_launcher.h"

namespace stcsim::sim {

struct ReplayResult {
    std::uint64_t cycles = 0;
    std::uint64_t warp_instructions = 0;
    std::uint64_t trace_instructions = 0;
    nlohmann::ordered_json stats;  // nested: {"cycles": .., "instructions_by_opcode": {..}, ..., "kernels": [..], "units": {..}}
    nlohmann::ordered_json described;  // flat: {"name": {"value", "unit", "description"}}
};

// `trace_path`: a kernelslist.g or one kernel trace file. UserError for bad traces (FILE:LINE)
// and configs; DeadlockError if the simulation hangs. `progress` is called when CTAs finish and
// every 8192 simulated cycles, with the current kernel's instructions issued. With a `profile`,
// every warp instruction issued is counted in it, per kernel and PC (sim/sm/pc_profile.h).
ReplayResult run_replay(const GpuSpec& spec, const std::string& trace_path,
                        std::function<void(const LaunchProgress&)> progress = {}, PcProfile* profile = nullptr);

// Every stat run_replay writes for this config, {"name": {"unit", "description"}} (no simulation):
// opcodes appear as "<OPCODE>" / "<SASS OPCODE>", the SMs as per_sm.smI; "kernels" last.
nlohmann::ordered_json replay_stat_units(const GpuSpec& spec);

}  // namespace stcsim::sim
