// SubPartition: one SM processing block: its resident warps, the warp scheduler, the register
// file / operand collector and the tensor core, ticked as four named phases per cycle:
//   retire   (tensor-core writebacks due now release scoreboard entries)
//   dispatch (the oldest collector unit with all operands goes to the tensor core, if it accepts)
//   collect  (register-bank reads for collector units)
//   issue    (the scheduler issues at most one ready instruction into a free collector unit)
// Every cycle counts as issued or as one stall reason: scoreboard (every warp with work waits
// on a register), collector_full (a warp could issue but no collector unit is free), idle (no
// warp has an instruction left).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config/gpu_spec.h"
#include "sim/core/cycle.h"
#include "sim/sm/operand_collector.h"
#include "sim/sm/scheduler.h"
#include "sim/sm/scoreboard.h"
#include "sim/sm/warp_instr.h"
#include "sim/tensor/tensor_core.h"

namespace stcsim::sim {

struct Warp {
    std::uint32_t id = 0;
    InstrStream* stream = nullptr;
    const WarpInstr* head = nullptr;  // next instruction to issue; nullptr when the stream ended
    Scoreboard scoreboard;
    int in_flight = 0;
    std::uint64_t issued = 0;
    bool finished() const { return head == nullptr && in_flight == 0; }
};

class SubPartition {
public:
    // `ops` (per WarpInstr::op) must outlive the sub-partition.
    SubPartition(const SmSpec& spec, const std::vector<TensorOpTiming>& ops);

    void add_warp(Warp& warp);  // slot order = age order (first added = oldest)
    bool tick(Cycle now);
    // Valid right after tick(now): the earliest cycle something can change.
    Cycle next_event(Cycle now) const;
    bool done() const;
    // Accounts the cycles up to and including `end` not yet ticked (to the last stall reason).
    void finish(Cycle end);

    struct State {
        std::uint64_t issued = 0;
        std::uint64_t stall_scoreboard = 0;
        std::uint64_t stall_collector_full = 0;
        std::uint64_t idle = 0;
    };
    const State& state() const { return state_; }
    const TensorCore& tensor() const { return tensor_; }
    const OperandCollector& collector() const { return collector_; }
    nlohmann::ordered_json dump_state() const;

private:
    bool retire(Cycle now);
    bool dispatch(Cycle now);
    bool issue(Cycle now);
    void account_skipped(Cycle now);

    const std::vector<TensorOpTiming>& ops_;
    std::vector<Warp*> warps_;
    std::unique_ptr<SchedulerPolicy> scheduler_;
    OperandCollector collector_;
    TensorCore tensor_;
    State state_;
    std::uint64_t* last_reason_ = &state_.idle;
    Cycle last_tick_ = Cycle::never();
    bool progressed_ = true;
};

}  // namespace stcsim::sim
