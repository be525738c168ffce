// SubPartition: one SM processing block: its resident warps, the warp scheduler, the register
// file / operand collector, the execution pipelines and the tensor core, ticked as three named
// phases per cycle (see next_event for when a tick can be skipped):
//   retire   (tensor-core and pipeline writebacks due now release scoreboard entries)
//   dispatch (the oldest collector units with all operands go to their unit, one per unit, if it accepts)
//   issue    (the scheduler issues at most one ready instruction)
// A collector unit's register-bank reads take the cycles after its allocation; their timing is
// settled at allocation (OperandCollector).
// Issue by unit: tensor and pipeline instructions take a free collector unit; memory
// instructions go straight to the SM's load/store unit queue (WarpHost::lsu_push; address
// registers are not read through the collector); control instructions complete at issue
// (barrier arrival, cp.async commit, a satisfied cp.async wait, exit, wgmma fence / commit and a
// satisfied wgmma wait). A wgmma (a tensor instruction) is asynchronous: the warp goes on issuing;
// only its accumulator registers stay reserved until its writeback, and its commit group
// (Warp::wgmma) counts it until then.
// A warp that issued an instruction with a stall count (WarpInstr::stall, the compiler's control
// bits) issues nothing else for that many cycles, and, when its next instruction is a jump's
// target, nothing before WarpInstr::refetch cycles have passed. After an instruction whose yield hint is clear
// (WarpInstr::hold), its warp issues next whenever it is ready, before the policy chooses
// (sm.scheduler.yield_hints).
// With sm.scheduler.pipe_throttle (the hardware's math pipe throttle), a pipeline instruction
// issues only when its pipeline, booked by the instructions already issued to it (each from the
// cycle its operands are read, for its interval), is free by the earliest cycle this one could
// reach it (after its unloaded operand reads), and a tensor instruction only when no other tensor
// instruction waits in a collector unit for the tensor core; otherwise its warp is throttled and
// the slot goes to another warp. Without it, the instruction issues and waits for its unit in a
// collector unit.
// Every cycle counts as issued or as one stall reason, the first that applies: collector_full
// (a warp could issue but no collector unit is free), lsu_full (a memory instruction could issue
// but the LSU queue is full), pipe_throttle (a warp's pipeline is booked), stall_wait (a warp waits out its stall count), scoreboard (a warp
// waits on a register), memory_wait (a warp waits
// in DEPBAR for its cp.async groups or in WARPGROUP.DEPBAR for its wgmma groups), mbarrier (a warp
// waits for an mbarrier phase, `mbar=wait`, or for the wake-up after it), barrier (warps wait at
// BAR.SYNC), idle (no warp has an instruction left).
// An mbarrier operation or TMA copy (Control::async) goes to the SM at issue (WarpHost::async_issue):
// the warp does not wait for a copy or an arrive; a wait holds it (Warp::mbar_waits) until the SM
// releases it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config/gpu_spec.h"
#include "sim/core/cycle.h"
#include "sim/memory/cp_async.h"
#include "sim/sm/operand_collector.h"
#include "sim/sm/pc_profile.h"
#include "sim/sm/scheduler.h"
#include "sim/sm/scoreboard.h"
#include "sim/sm/warp_instr.h"
#include "sim/sm/wgmma_groups.h"
#include "sim/tensor/tensor_core.h"

namespace stcsim::sim {

// The fields the scheduler reads every cycle come first: they share one host cache line.
struct alignas(64) Warp {
    std::uint32_t id = 0;        // the SM's warp slot
    std::int32_t cta = -1;       // the SM's CTA slot, -1 for a warp launched alone
    const WarpInstr* head = nullptr;  // next instruction to issue; nullptr when the stream ended
    Cycle next_issue{0};         // the stall count of the last issued instruction holds the warp until then
    Cycle last_issue = Cycle::never();  // its last issue (PcProfile); never before the first
    std::uint8_t last_stall = 0;        // the stall count of its last issued instruction (PcProfile)
    Scoreboard scoreboard;
    bool at_barrier = false;
    std::uint8_t barrier = 0;    // the named barrier it waits at, while at_barrier
    int mbar_waits = 0;     // mbarrier phases this warp waits for (an `mbar=wait` line issued)
    Cycle mbar_ready{0};    // after its last wait was released: it issues from this cycle on
    Cycle mbar_since{0};    // the cycle its current wait issued
    int in_flight = 0;
    InstrStream* stream = nullptr;
    CpAsyncGroups cp_async;
    WgmmaGroups wgmma;
    std::uint64_t issued = 0;
    bool finished() const { return head == nullptr && in_flight == 0; }
};

// What a sub-partition needs from its SM: the load/store unit and the CTA-wide state.
class WarpHost {
public:
    virtual ~WarpHost() = default;
    virtual bool lsu_has_room() const = 0;
    // Queues `in` (the head of `warp`, whose stream still points at it) in the load/store unit.
    virtual void lsu_push(Cycle now, Warp& warp, const WarpInstr& in) = 0;
    // BAR.SYNC on named barrier `id` (0..15) waiting for `threads` threads (0: every live warp).
    virtual void barrier_arrive(Warp& warp, int id, int threads) = 0;
    // An mbarrier operation or TMA copy (Control::async, the head of `warp`) issued at `now`.
    virtual void async_issue(Cycle now, Warp& warp, const WarpInstr& in) = 0;
    virtual void warp_exited(Warp& warp) = 0;   // the stream ended (EXIT issued)
    virtual void warp_finished(Warp& warp) = 0;  // ended and nothing in flight
};

// Timing of one pipeline (sm.pipelines entry).
struct PipeTiming {
    int latency = 4;
    int interval = 1;
};

class SubPartition {
public:
    // `ops` (per WarpInstr::op of tensor instructions), `pipes` (per op of pipeline
    // instructions), `warps` (the SM's warp slots) and `host` must outlive the sub-partition.
    SubPartition(const SmSpec& spec, const std::vector<TensorOpTiming>& ops, const std::vector<PipeTiming>& pipes,
                 Warp* warps, WarpHost& host);
    // Count every issue into `profile` (which must outlive the sub-partition; nullptr: none).
    void keep_profile(PcProfile* profile) { profile_ = profile; }

    void add_warp(Warp& warp);  // slot order = age order (first added = oldest)
    void remove_warp(const Warp& warp);  // wakes the sub-partition (its stall reason may change)
    bool tick(Cycle now);
    // Valid after tick(now): the earliest cycle something can change by itself (a writeback, a
    // dispatch, a unit done reading, an issue); now + 1 after a wake(). Ticks before then change
    // nothing, unless waits_on_lsu(): the last issue found a warp held back by a full LSU queue,
    // which another sub-partition's traffic can change at any cycle. After a tick that made
    // progress, the next cycle is looked at before the sub-partition sleeps: if it would neither
    // retire, dispatch nor issue (a memory instruction counts as issuing: the LSU may change),
    // its stall reason is known now and the sub-partition sleeps until its next event.
    Cycle next_event(Cycle now) const { return woken_ ? now + 1 : due_; }
    bool waits_on_lsu() const { return waits_on_lsu_; }
    bool done() const;
    // Accounts the cycles up to and including `end` not yet ticked (to the last stall reason).
    void finish(Cycle end);
    // A warp's state changed from outside (memory writeback, barrier release): tick next cycle.
    void wake() { woken_ = true; }

    struct State {
        std::uint64_t issued = 0;
        std::uint64_t stall_scoreboard = 0;
        std::uint64_t stall_wait = 0;
        std::uint64_t stall_collector_full = 0;
        std::uint64_t stall_lsu_full = 0;
        std::uint64_t stall_pipe_throttle = 0;
        std::uint64_t stall_memory_wait = 0;
        std::uint64_t stall_barrier = 0;
        std::uint64_t stall_mbarrier = 0;
        std::uint64_t idle = 0;
        std::uint64_t pipeline_instructions = 0;
    };
    const State& state() const { return state_; }
    // The state as if the cycles slept through since the last tick, up to and including
    // `through`, were counted already (as the next tick or finish() will count them): a snapshot
    // in the middle of a run that does not depend on engine.skip_idle.
    State state_through(Cycle through) const;
    const TensorCore& tensor() const { return tensor_; }
    const OperandCollector& collector() const { return collector_; }
    nlohmann::ordered_json dump_state() const;

private:
    struct PipeInFlight {
        Cycle writeback;
        Retirement what;
    };
    bool retire(Cycle now);
    bool dispatch(Cycle now);
    bool dispatch_unit(Cycle now, int unit);
    // The warps that could issue (a bit per slot) and why the others cannot. With `ask_lsu`
    // false, a memory instruction counts as ready without asking whether the LSU has room.
    struct IssueScan {
        std::uint64_t ready = 0;
        bool work = false, scoreboard = false, collector = false, lsu = false, wait = false, barrier = false;
        bool throttled = false;              // a warp's pipeline is booked (sm.scheduler.pipe_throttle)
        bool mbarrier = false;  // a warp waits on an mbarrier phase (or its wake-up latency)
        bool stalled = false;                // a warp waits out its stall count
        Cycle stall_release = Cycle::never();  // the first cycle a stalled or throttled warp may issue
    };
    // The warps that could issue at cycle `at`.
    IssueScan scan(Cycle at, bool ask_lsu) const;
    std::uint64_t* stall_reason(const IssueScan& scan);  // the counter of a scan with nothing ready
    Cycle next_after_progress(Cycle now);
    bool issue(Cycle now);
    void issue_control(Cycle now, Warp& w, const WarpInstr& in);
    void advance(Warp& w);
    void count_issue(Cycle now, Warp& w, const WarpInstr& in);  // into profile_
    // With pipe_throttle_: counts the tensor instruction just put in collector unit `unit`, or
    // books its pipeline for a pipeline instruction.
    void book_for_throttle(const WarpInstr& in, int unit);
    void release(const Retirement& r);
    Cycle unit_available(int unit) const;
    Cycle own_next_event(Cycle now) const;
    void account_skipped(Cycle now);

    const std::vector<TensorOpTiming>& ops_;
    const std::vector<PipeTiming>& pipes_;
    Warp* slots_;
    WarpHost& host_;
    std::vector<Warp*> warps_;
    std::unique_ptr<SchedulerPolicy> scheduler_;
    PcProfile* profile_ = nullptr;
    int held_slot_ = -1;  // the warp that issued last, when its instruction asked to hold (WarpInstr::hold)
    OperandCollector collector_;
    TensorCore tensor_;
    std::vector<Cycle> pipe_free_;
    // Kept only with pipe_throttle_. Per pipeline: the cycle it can take one more instruction,
    // counting those still in collector units (each dispatched once its operands are read, in
    // issue order).
    std::vector<Cycle> pipe_booked_;
    bool follow_yield_hints_ = true;  // sm.scheduler.yield_hints
    bool pipe_throttle_ = false;      // sm.scheduler.pipe_throttle
    int tensor_waiting_ = 0;          // with pipe_throttle_: tensor instructions in collector units, not yet accepted
    std::vector<PipeInFlight> pipe_in_flight_;
    std::vector<int> ready_scratch_;
    State state_;
    std::uint64_t* last_reason_ = &state_.idle;
    Cycle last_tick_ = Cycle::never();
    Cycle due_{0};               // the next tick (see next_event)
    bool woken_ = true;          // a wake() came since the last tick
    bool waits_on_lsu_ = false;  // the last issue found a warp held back by a full LSU queue
    Cycle stall_release_ = Cycle::never();  // the last scan's first stall-count release
};

}  // namespace stcsim::sim
