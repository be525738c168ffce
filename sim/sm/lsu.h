// Lsu: the load/store unit of one SM. Memory instructions arrive at issue (push) with their
// per-lane addresses and wait in a FIFO of sm.lsu.queue_depth entries; each cycle the head
// enters its path, one instruction per cycle:
//   global load / store (LDG, STG)  -> MemorySystem (can_accept / issue; .CG / .BYPASS loads
//                                      bypass L1); done when MemorySystem calls on_complete
//   shared load / store (LDS, STS)  -> SharedMemory, wavefronts from the lane addresses
//   ldmatrix (LDSM .x1/.x2/.x4)     -> SharedMemory, wavefronts of the matrices' row addresses
//   cp.async (LDGSTS)               -> MemorySystem (bypassing L1); when the data is back, a
//                                      shared-memory store of the same bytes (one wavefront per
//                                      128 bytes: the shared addresses are not traced)
// A finished access becomes a Completion (the warp, its destination registers, the cp.async
// copy) at the cycle its data is in registers; the SM's retire phase takes completions due.
// A global head the memory system refused is tried again only once the SM's L1 queue has
// drained (MemorySystem::notify_when_drained): until then every try would fail, so the waiting
// cycles are counted without trying. The owner (the SM) is woken when a completion arrives from the
// memory system and when a refused head may start (Component::wake).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <queue>
#include <vector>

#include "sim/config/gpu_spec.h"
#include "sim/core/cycle.h"
#include "sim/memory/memory_system.h"
#include "sim/memory/shared_memory.h"
#include "sim/sm/warp_instr.h"

namespace stcsim::sim {

struct Completion {
    std::uint32_t warp = 0;
    std::uint8_t n_dst = 0;
    std::array<std::uint8_t, WarpInstr::kMaxDst> dst{};
    bool cp_async = false;
    std::uint64_t copy = 0;  // cp.async copy id within the warp
};

class Lsu final : public MemoryClient {
public:
    // `memory` may be null for an SM that runs no global-memory instruction. With `skip_idle`
    // false, a refused head is tried again every cycle. `owner` (may be null) is woken by
    // changes from the memory system and must outlive the LSU.
    Lsu(const SmSpec& spec, const SharedMemorySpec& shared, MemorySystem* memory, int sm, bool skip_idle = true,
        Component* owner = nullptr);

    bool has_room() const { return queue_.size() < depth_; }
    // Queues `in`; returns its per-lane addresses, for the caller to fill before the next tick.
    LaneAddresses& push(const WarpInstr& in, const Completion& what);
    // Starts the head of the queue if its path accepts it; returns whether it did.
    bool tick(Cycle now);
    // Calls f(const Completion&) for every completion due by `now`, in cycle order.
    template <class F>
    int retire(Cycle now, F&& f) {
        int n = 0;
        while (!done_.empty() && done_.top().at <= now.value()) {
            const Completion c = done_.top().what;
            done_.pop();
            f(c);
            ++n;
        }
        return n;
    }
    Cycle next_event(Cycle now) const;
    // Whether tick(now) or retire(now) could do anything: a queued access that may start or a
    // completion due.
    bool due(Cycle now) const { return head_may_start() || (!done_.empty() && done_.top().at <= now.value()); }
    bool idle() const { return queue_.empty() && done_.empty() && outstanding_ == 0; }

    void on_complete(std::uint64_t token, Cycle at) override;
    void on_drained(Cycle now) override;

    const SharedMemory& shared() const { return shared_; }
    struct State {
        std::uint64_t global_loads = 0, global_stores = 0, shared_loads = 0, shared_stores = 0;
        std::uint64_t ldmatrix = 0, cp_async = 0, stall_memory = 0;
    };
    const State& state() const { return state_; }
    nlohmann::ordered_json dump_state() const;

private:
    struct Entry {
        MemKind kind = MemKind::none;
        std::uint8_t count = 1;
        WarpMemRequest request;  // lanes and width for every kind; op for the global ones
        Completion what;
    };
    struct Due {
        std::uint64_t at = 0;
        std::uint64_t seq = 0;
        Completion what;
        bool operator>(const Due& o) const { return at != o.at ? at > o.at : seq > o.seq; }
    };
    bool head_may_start() const {
        return !queue_.empty() &&
               (!skip_idle_ || refused_at_ == Cycle::never() || drained_since_refused_);
    }
    bool start_global(Cycle now, Entry& e);
    void start_shared(Cycle now, const Entry& e);
    void finish(std::uint64_t at, const Completion& what);

    std::size_t depth_;
    SharedMemory shared_;
    const SharedMemorySpec& shared_spec_;
    MemorySystem* memory_;
    int sm_;
    bool skip_idle_;
    Component* owner_;
    std::deque<Entry> queue_;
    std::vector<Completion> tokens_;  // by MemorySystem token
    std::vector<std::uint16_t> cp_async_wavefronts_;  // by token: the shared store that follows
    std::priority_queue<Due, std::vector<Due>, std::greater<>> done_;
    std::uint64_t seq_ = 0;
    std::uint64_t outstanding_ = 0;
    // The cycle the memory system last refused the head (never: not refused) and whether the L1
    // queue has drained since.
    Cycle refused_at_ = Cycle::never();
    bool drained_since_refused_ = false;
    State state_;
};

}  // namespace stcsim::sim
