// Sm: one streaming multiprocessor as an Engine component: `sub_partitions` SubPartitions, the
// load/store unit (Lsu) with the SM's shared memory, its warp slots and CTA slots. A warp in
// slot w runs on sub-partition w mod sub_partitions.
//
// Tick phases: memory writeback (LSU completions due now release registers and complete
// cp.async copies), sub-partitions (each: retire, dispatch, collect, issue), lsu (the head of
// the LSU queue enters the memory system or the shared-memory banks).
//
// The SM knows the timing of every instruction class it runs: a table of MmaTiming resolved
// from the config before cycle 0 (WarpInstr::op of tensor instructions indexes it) and the
// pipelines (op of pipeline instructions). prepare() fills an instruction's tail so that its
// unloaded latency, from issue to the cycle a dependent instruction can issue, equals the
// configured latency:
//   tensor:   latency = fetch (unloaded operand reads) + 1 (dispatch) + front + interval + tail
//   pipeline: latency = fetch + 1 + tail (tail >= 0: a latency shorter than fetch + 1 is fetch + 1)
// A tensor instruction whose configured latency is shorter than fetch + 1 + front + interval is
// a UserError (the config contradicts its own datapath).
//
// CTAs: launch_cta() places a thread block's warps when can_launch() says the SM has room
// (warps, CTA slots, registers, shared memory). Barriers (BAR.SYNC id[, threads]) are per CTA,
// 16 of them: a warp that arrives at barrier id waits until threads / 32 warps arrived there, or
// without a thread count until every warp of its CTA that has not exited arrived. A CTA whose warps all
// finished (ended, nothing in flight) frees its resources and is reported by finished_ctas().
// A tick at a cycle before which nothing can change (no LSU work due, the sub-partitions'
// next_event not reached, no CTA launched since) does nothing: idle SMs cost no time. An engine
// may skip those ticks altogether (Engine::Ticking::when_due): a launched CTA, a memory response
// and a drained L1 queue that a refused LSU head waits for wake the SM. Within a
// tick, a sub-partition is ticked only from its next_event on (or when woken, or when the LSU
// has room for a warp that waited for it); the cycles it sleeps are charged to its last stall
// reason. With SmContext::skip_idle false nothing sleeps: every tick ticks every unit.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/component.h"
#include "sim/core/stats.h"
#include "sim/memory/tma.h"
#include "sim/sm/lsu.h"
#include "sim/sm/mbarrier.h"
#include "sim/sm/sub_partition.h"
#include "sim/tensor/mma_timing.h"

namespace stcsim::sim {

// What one CTA needs of an SM.
struct CtaNeeds {
    int warps = 1;
    std::int64_t registers = 0;     // nregs * 32 * warps
    std::int64_t shared_bytes = 0;
};

// Where the SM sits: its index, the memory system (may be null) and the shared memory it has.
struct SmContext {
    int index = 0;
    MemorySystem* memory = nullptr;
    SharedMemorySpec shared;
    std::int64_t shared_capacity = 0;  // bytes of shared memory CTAs may use
    bool skip_idle = true;  // false: no unit sleeps (EngineSpec::skip_idle)
    PcProfile* profile = nullptr;  // per-instruction issue counts (pc_profile.h); nullptr: none
};

// Hopper (sm_90 traces): each CTA has an MbarrierTable (sim/sm/mbarrier.h). An `mbar=` line acts
// per active lane on that lane's barrier: init and inval at issue; arrive and complete after
// sm.mbarrier.arrive_latency; a wait holds its warp until the phase of its parity has completed on
// every barrier its lanes name, then sm.mbarrier.wake_latency more. A `tma=` line goes to the SM's
// TmaUnit (sim/memory/tma.h), whose landed bytes complete on their barrier as they land. Waiting
// warps, arrives not yet applied and copies not yet done count as the warp's work in flight, so a
// CTA never ends under them; a wait that is never released leaves the SM with no event, which the
// engine reports as a deadlock (the SM's state lists the CTAs' barriers and the waiting warps).
// Malformed uses (a barrier never initialised, too many arrivals) are UserErrors naming the SM,
// the CTA and the warp.
class Sm final : public Component, private WarpHost, private TmaHost {
public:
    Sm(std::string name, const SmSpec& spec, std::vector<MmaTiming> ops);
    Sm(std::string name, const SmSpec& spec, std::vector<MmaTiming> ops, std::vector<PipeTiming> pipes,
       const SmContext& context);

    // Completes `in` (tail and scoreboard mask; in.op must index the table of its unit); throws
    // UserError if the latency cannot be met.
    void prepare(WarpInstr& in) const;
    int unloaded_fetch_cycles(const WarpInstr& in) const;
    // Adds a warp running `stream` (which must outlive the SM), outside any CTA. Throws
    // UserError past max_warps.
    void launch_warp(InstrStream& stream);

    bool can_launch(const CtaNeeds& needs) const;
    // How many such CTAs an empty SM holds (the occupancy limit).
    int occupancy_limit(const CtaNeeds& needs) const;
    // Precondition: can_launch(needs) and streams.size() == needs.warps. `tag` names the CTA in
    // finished_ctas(); the streams must live until then.
    void launch_cta(std::uint64_t tag, const std::vector<InstrStream*>& streams, const CtaNeeds& needs);
    // Tags of the CTAs that finished since the last call.
    std::vector<std::uint64_t>& finished_ctas() { return *finished_sink_; }
    // Sends those tags to `list` instead (shared by many SMs, so that whoever launches CTAs need
    // not visit every SM each cycle to find finished ones). `list` must outlive the SM.
    void report_finished_to(std::vector<std::uint64_t>& list) { finished_sink_ = &list; }
    int resident_ctas() const { return ctas_used_; }
    int resident_warps() const { return warps_used_; }

    const std::string& name() const override { return name_; }
    bool tick(Cycle now) override;
    Cycle next_event(Cycle now) const override;
    bool done() const override;
    nlohmann::ordered_json dump_state() const override;
    // Charges the cycles after the last tick up to `end` to the schedulers' stall reasons.
    void finish(Cycle end);

    // Per sub-partition stats (scheduler, register file, tensor core) and, with an LSU in use,
    // the shared memory's.
    void register_stats(Stats& stats, const std::string& prefix) const;
    std::uint64_t warp_instructions() const;
    std::uint64_t tensor_busy_cycles() const;
    const std::vector<MmaTiming>& ops() const { return ops_; }
    const SubPartition& sub_partition(int i) const { return *parts_[static_cast<std::size_t>(i)]; }
    int sub_partitions() const { return static_cast<int>(parts_.size()); }
    const Lsu& lsu() const { return lsu_; }
    const TmaUnit& tma() const { return tma_; }
    struct MbarrierStats {
        std::uint64_t operations = 0;       // mbar= lines issued
        std::uint64_t waits = 0;            // wait lines issued
        std::uint64_t blocked_waits = 0;    // of which found their phase not yet completed
        std::uint64_t wait_cycles = 0;      // issue of a blocked wait to the warp's release (wake-up included)
        std::uint64_t phases_completed = 0;
    };
    const MbarrierStats& mbarrier_stats() const { return mbar_stats_; }

private:
    struct Cta {
        std::uint64_t tag = 0;
        bool used = false;
        int live = 0;        // warps that have not exited
        // Per named barrier (BAR.SYNC id): warps waiting, and the warps it waits for (0: every live warp).
        std::array<int, 16> arrived{}, expected{};
        int unfinished = 0;  // warps not finished
        CtaNeeds needs;
        std::vector<std::uint32_t> warps;
        MbarrierTable mbarriers;
    };
    // An arrive or complete line, applied arrive_latency after its issue.
    struct PendingMbar {
        Cycle at;
        std::uint32_t warp = 0;
        trace::AsyncKind kind = trace::AsyncKind::none;
        std::uint32_t count = 0;
        std::uint64_t bytes = 0;
        LaneAddresses lanes;
    };
    bool lsu_has_room() const override { return lsu_.has_room(); }
    void lsu_push(Cycle now, Warp& warp, const WarpInstr& in) override;
    void barrier_arrive(Warp& warp, int id, int threads) override;
    void async_issue(Cycle now, Warp& warp, const WarpInstr& in) override;
    void tma_landed(std::uint64_t tag, std::uint64_t mbar, std::uint64_t bytes, Cycle at) override;
    void tma_done(std::uint64_t tag, Cycle at) override;
    Cta& cta_of(const Warp& warp, const char* what);
    void mbar_wait(Cycle now, Warp& warp, const LaneAddresses& lanes, int parity);
    bool apply_mbar(Cycle now);
    void phase_completed(Cta& cta, Cycle at);  // releases the table's waiters
    void work_done(Warp& warp);                // one of the warp's operations in flight ended
    void warp_exited(Warp& warp) override;
    void warp_finished(Warp& warp) override;
    void check_barrier(Cta& cta, int id);
    Warp& place_warp(InstrStream& stream, std::int32_t cta);
    bool retire_memory(Cycle now);
    void wake_part(std::size_t i);  // a warp of sub-partition i changed from outside

    std::string name_;
    SmSpec spec_;
    SmContext context_;
    std::vector<MmaTiming> ops_;
    std::vector<TensorOpTiming> op_timing_;
    std::vector<PipeTiming> pipes_;
    std::vector<Warp> warps_;  // max_warps slots, stable addresses
    std::vector<bool> warp_used_;
    std::vector<Cta> ctas_;
    std::vector<std::unique_ptr<SubPartition>> parts_;
    Lsu lsu_;
    TmaUnit tma_;
    std::deque<PendingMbar> mbar_pending_;  // in cycle order (one latency for all)
    MbarrierStats mbar_stats_;
    std::vector<std::uint64_t> finished_;
    std::vector<std::uint64_t>* finished_sink_ = &finished_;
    int warps_used_ = 0, ctas_used_ = 0;
    std::int64_t registers_used_ = 0, shared_used_ = 0;
    std::uint64_t next_copy_ = 0;
    Cycle end_{0};
    // The earliest cycle a sub-partition can change on its own (their next_event after the last
    // tick); woken_: a warp or CTA was added since, so the next tick must run.
    Cycle parts_due_{0};
    // Per sub-partition, kept here so that a tick that skips them touches only the SM: the cycle
    // its next tick is due (its next_event, Cycle{0} once woken) and whether it waits on the LSU.
    std::vector<Cycle> part_due_;
    std::uint64_t parts_waiting_on_lsu_ = 0;  // a bit per sub-partition
    bool woken_ = true;
};

}  // namespace stcsim::sim
