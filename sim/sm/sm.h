// Sm: one streaming multiprocessor as an Engine component: `sub_partitions` SubPartitions,
// warps distributed round robin (warp w on sub-partition w mod sub_partitions).
//
// The SM knows the timing of every instruction class it runs (a table of MmaTiming resolved
// from the config before cycle 0; WarpInstr::op indexes it). prepare() fills an instruction's
// tail (accumulate + writeback cycles) so that its unloaded latency, from issue to the cycle a
// dependent instruction can issue, equals the configured latency:
//   latency = fetch (unloaded operand reads) + 1 (dispatch) + front + interval + tail.
// An instruction whose configured latency is shorter than fetch + 1 + front + interval is a
// UserError (the config contradicts its own datapath).
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/component.h"
#include "sim/core/stats.h"
#include "sim/sm/sub_partition.h"
#include "sim/tensor/mma_timing.h"

namespace stcsim::sim {

class Sm final : public Component {
public:
    Sm(std::string name, const SmSpec& spec, std::vector<MmaTiming> ops);

    // Completes `in` (tail and scoreboard mask; in.op must index the table); throws UserError if the latency cannot be met.
    void prepare(WarpInstr& in) const;
    int unloaded_fetch_cycles(const WarpInstr& in) const;
    // Adds a warp running `stream` (which must outlive the SM). Throws UserError past max_warps.
    void launch_warp(InstrStream& stream);

    const std::string& name() const override { return name_; }
    bool tick(Cycle now) override;
    Cycle next_event(Cycle now) const override;
    bool done() const override;
    nlohmann::ordered_json dump_state() const override;
    // Charges the cycles after the last tick up to `end` to the schedulers' stall reasons.
    void finish(Cycle end);

    void register_stats(Stats& stats, const std::string& prefix) const;
    std::uint64_t warp_instructions() const;
    const std::vector<MmaTiming>& ops() const { return ops_; }
    const SubPartition& sub_partition(int i) const { return *parts_[static_cast<std::size_t>(i)]; }

private:
    std::string name_;
    SmSpec spec_;
    std::vector<MmaTiming> ops_;
    std::vector<TensorOpTiming> op_timing_;
    std::vector<std::unique_ptr<SubPartition>> parts_;
    std::deque<Warp> warps_;  // stable addresses
    Cycle end_{0};
};

}  // namespace stcsim::sim
