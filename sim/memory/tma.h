// TmaUnit: the Tensor Memory Accelerator of one SM (sm_90 UTMALDG / UTMASTG, traced as `tma=`
// lines: traces/README.md "TMA and mbarriers"). Copies are asynchronous: the issuing warp hands
// one over (push) and goes on.
//
// Timing (sm.tma):
//   accept   copies are accepted in order, one per issue_cycles: a copy pushed at cycle t is ready
//            at max(t, the previous copy's ready) + issue_cycles.
//   requests the ready copies, in order, are split into their rows (TMA box rows of ROW_BYTES at
//            GLOBAL + sum i_d * STRIDE_d) and each row at L2-line boundaries; each piece is one
//            request to the memory system, bypassing L1 (MemOp::load_bypass_l1, or MemOp::store),
//            at most one per cycle and at most max_outstanding in flight.
//   loads    a request's data, once back, is written into shared memory through the unit's
//            port of smem_bytes_per_cycle bytes per cycle (in arrival order); when written, its
//            bytes complete on the copy's mbarrier (TmaHost::tma_landed). The box's clipped rows
//            (BYTES minus the listed rows) are written as zeros through the same port when the
//            copy is ready, with no memory access. So BYTES complete exactly once in all.
//   stores   the copy's BYTES are read from shared memory through the same port from when it is
//            ready; its requests follow once the read is done. A store completes nothing on any
//            barrier (the bulk-group wait that kernels use before reusing the shared buffer is
//            not modelled); it is done (TmaHost::tma_done) when L2 has acknowledged every write.
//   A copy is done when its last bytes landed (loads) or its last write was acknowledged (stores):
//   TmaHost::tma_done, so that the SM keeps the issuing warp's CTA alive until then.
// The shared-memory port is the unit's own: it does not compete with the LSU's bank model.
// The owner (the SM) is woken when a response arrives (Component::wake).
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config/gpu_spec.h"
#include "sim/core/component.h"
#include "sim/core/cycle.h"
#include "sim/memory/memory_system.h"
#include "sim/trace/trace_instruction.h"

namespace stcsim::sim {

class TmaHost {
public:
    virtual ~TmaHost() = default;
    // `bytes` of the load with this `tag` are in shared memory at `at`: complete them on `mbar`.
    virtual void tma_landed(std::uint64_t tag, std::uint64_t mbar, std::uint64_t bytes, Cycle at) = 0;
    virtual void tma_done(std::uint64_t tag, Cycle at) = 0;
};

class TmaUnit final : public MemoryClient {
public:
    // `memory` may be null only for an SM that runs no TMA copy. `line_bytes`: the L2 line (the
    // request granularity). `owner` (may be null) is woken by responses.
    TmaUnit(const TmaSpec& spec, MemorySystem* memory, int sm, int line_bytes, TmaHost& host, Component* owner);

    // A copy (kind tma_load or tma_store) issued at `now`; `tag` names it to the host.
    void push(Cycle now, const trace::AsyncOp& op, std::uint64_t tag);
    bool tick(Cycle now);
    // Whether tick(now) could do anything.
    bool due(Cycle now) const;
    Cycle next_event(Cycle now) const;
    bool idle() const { return ops_.empty(); }

    void on_complete(std::uint64_t token, Cycle at) override;

    struct State {
        std::uint64_t loads = 0, stores = 0;                // copies accepted
        std::uint64_t bytes_loaded = 0, bytes_stored = 0;   // BYTES of the finished copies
        std::uint64_t requests = 0, bytes_requested = 0;    // to the memory system
        std::uint64_t stall_outstanding = 0;  // cycles a request waited for room (max_outstanding or the L1 queue)
    };
    const State& state() const { return state_; }
    nlohmann::ordered_json dump_state() const;

private:
    struct Copy {
        trace::AsyncOp op;
        std::uint64_t tag = 0;
        Cycle ready{0};           // accepted: requests may start (stores: once read, see read_done)
        Cycle read_done{0};       // stores: the shared-memory read is over
        bool started = false;     // the zero fill (loads) or the read (stores) was scheduled
        std::array<std::uint32_t, trace::kMaxBoxRowDims> index{};  // the row being split
        std::uint64_t offset = 0;     // bytes of that row already requested
        bool all_requested = false;
        std::uint64_t unfinished = 0;  // loads: bytes not yet landed; stores: requests not yet acknowledged
    };
    struct Landing {
        Cycle at;
        std::uint64_t copy;  // id
        std::uint64_t bytes;
    };
    struct Request {
        std::uint64_t copy = 0;
        std::uint64_t bytes = 0;
    };
    Copy* find(std::uint64_t id);
    Cycle port_write(Cycle from, std::uint64_t bytes);  // reserves the port; returns the end
    void start(std::size_t index);  // the copy at ops_[index] is ready: schedule its port use
    bool send_request(Cycle now);
    // The next piece of `c` (its address and size); advances c's row cursor.
    bool next_piece(Copy& c, std::uint64_t& address, std::uint64_t& size) const;
    void finish_part(std::uint64_t id, std::uint64_t amount, Cycle at);
    void pop_finished();
    Cycle earliest(Cycle from) const;  // the first cycle from `from` on at which a tick may act

    TmaSpec spec_;
    MemorySystem* memory_;
    int sm_;
    std::uint64_t line_bytes_;
    TmaHost& host_;
    Component* owner_;
    std::deque<Copy> ops_;            // ids first_id_, first_id_ + 1, ...
    std::uint64_t first_id_ = 0;
    std::size_t sending_ = 0;         // index in ops_ of the copy whose requests go out next
    Cycle accept_free_{0};
    Cycle port_free_{0};
    Cycle next_send_{0};              // one request per cycle
    std::deque<Landing> landings_;    // in cycle order (the port serves in order)
    std::vector<Request> tokens_;     // by memory-system token
    int outstanding_ = 0;
    State state_;
};

}  // namespace stcsim::sim
