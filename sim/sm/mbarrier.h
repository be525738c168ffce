// MbarrierTable: the mbarriers of one CTA (Hopper's 64-bit barrier objects in shared memory),
// keyed by their shared-memory address, and the warps waiting on them. Pure state, no clock: the
// SM applies operations at the cycle they take effect (sm.mbarrier.arrive_latency after issue for
// arrive / complete lines, the cycle a TMA load's bytes land for its transactions).
//
// Rules (PTX mbarrier; traces/README.md "TMA and mbarriers"):
//   init(count)        the barrier expects `count` arrivals per phase; phase 0, no transactions.
//                      A second init restarts it (kernels re-initialise a barrier after inval).
//   arrive(count, tx)  expect-tx first (the transaction count rises by tx), then `count` arrivals.
//   complete_tx(bytes) the transaction count falls by `bytes` (it may go below 0 while arrivals
//                      are pending: a load's bytes may land before the expect-tx).
//   A phase completes when the pending arrivals reach 0 and the transaction count is 0; the next
//   phase then starts with `count` pending arrivals. The phase with parity p has completed when
//   the current phase's parity differs from p (so a wait on parity 1 at phase 0 passes at once).
//   inval: the barrier is forgotten (a later use without init is an error).
// Errors (UserError naming the barrier's address): an operation on a barrier never initialised
// (or invalidated), an arrive of more arrivals than the phase has pending, a completion of more
// bytes than expected once every arrival is in, a barrier address not 8-byte aligned. A wait that
// never completes is not detected here: its warp stays waiting, and the engine's deadlock
// watchdog reports the SM's state (which lists the waiting warps and their barriers).
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace stcsim::sim {

class MbarrierTable {
public:
    void init(std::uint64_t address, std::uint32_t count);
    // Each returns whether a phase completed (its waiters are then ready: take_released).
    bool arrive(std::uint64_t address, std::uint32_t count, std::uint64_t tx);
    bool complete_tx(std::uint64_t address, std::uint64_t bytes);
    void inval(std::uint64_t address);
    // Whether the phase with `parity` (0 or 1) has completed.
    bool phase_done(std::uint64_t address, int parity) const;
    // Registers `warp` as waiting for the phase with `parity` (which has not completed).
    void add_waiter(std::uint64_t address, int parity, std::uint32_t warp);
    // The waiters whose phase has completed, removed from the table (in the order they waited).
    std::vector<std::uint32_t> take_released();
    // Forgets every barrier (the CTA ended). Waiters left are a bug of the caller.
    void clear() { barriers_.clear(); }
    bool empty() const { return barriers_.empty(); }
    std::size_t waiters() const;

    struct State {
        std::uint64_t phases_completed = 0;
    };
    const State& state() const { return state_; }
    nlohmann::ordered_json dump_state() const;

private:
    struct Waiter {
        std::uint32_t warp;
        int parity;
    };
    struct Barrier {
        std::uint64_t address = 0;
        std::uint32_t count = 0;    // arrivals per phase
        std::uint32_t pending = 0;  // arrivals the current phase still needs
        std::int64_t tx = 0;        // transaction bytes expected and not yet completed
        std::uint32_t phase = 0;
        std::vector<Waiter> waiters;
    };
    Barrier* find(std::uint64_t address);
    const Barrier* find(std::uint64_t address) const;
    Barrier& get(std::uint64_t address, const char* operation);
    bool try_complete(Barrier& b);

    // A CTA uses a handful of barriers: a vector searched in order beats a map.
    std::vector<Barrier> barriers_;
    std::vector<std::uint32_t> released_;
    State state_;
};

}  // namespace stcsim::sim
