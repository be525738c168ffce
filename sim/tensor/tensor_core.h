// TensorCore: the pipeline of one sub-partition's tensor core.
//
// An instruction arrives from the operand collector with all operands read (operand fetch is
// the collector's job). Sparse instructions first pass `front` cycles of metadata decode and
// B-operand selection (pipelined, they do not hold the dot-product units); then the dot-product
// units are held for `interval` cycles; then accumulate and writeback take `tail` cycles, after
// which the destination registers are released (retire). Dense and sparse share the units.
//
// Timeline of an instruction accepted at cycle a: dot-product start s = a + front (accept needs
// s >= the cycle the units become free), units free again at s + interval, writeback (results
// readable by a dependent instruction issued in that same cycle) at s + interval + tail.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/cycle.h"

namespace stcsim::sim {

struct TensorOpTiming {
    int front = 0;
    int interval = 1;
    int tail = 0;
};

struct Retirement {
    std::uint32_t warp = 0;
    std::uint8_t n_dst = 0;
    std::array<std::uint8_t, 4> dst{};
    bool wgmma = false;
    std::uint32_t group = 0;  // wgmma: the warp's commit group
};

class TensorCore {
public:
    TensorCore();

    bool can_accept(Cycle now, const TensorOpTiming& op) const { return now + op.front >= free_at_; }
    // Starts the instruction; returns its writeback cycle. Precondition: can_accept(now, op).
    Cycle accept(Cycle now, const TensorOpTiming& op, const Retirement& what);
    // Calls f(const Retirement&) for each instruction whose writeback cycle is <= now; returns the count.
    template <class F>
    int retire(Cycle now, F&& f) {
        int count = 0;
        for (std::size_t i = 0; i < in_flight_.size();) {
            if (in_flight_[i].writeback <= now) {
                f(in_flight_[i].what);
                in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(i));
                ++count;
            } else {
                ++i;
            }
        }
        state_.retired += static_cast<std::uint64_t>(count);
        return count;
    }

    // The earliest cycle at which an op with `front` stages can be accepted.
    Cycle accept_time(const TensorOpTiming& op) const {
        return free_at_.value() >= static_cast<std::uint64_t>(op.front) ? Cycle{free_at_.value() - static_cast<std::uint64_t>(op.front)} : Cycle{0};
    }
    Cycle units_free_at() const { return free_at_; }
    Cycle next_writeback() const;
    bool idle() const { return in_flight_.empty(); }

    struct State {
        std::uint64_t accepted = 0;
        std::uint64_t retired = 0;
        std::uint64_t busy_cycles = 0;    // cycles the dot-product units were held
        std::uint64_t sparse_ops = 0;
    };
    const State& state() const { return state_; }
    nlohmann::ordered_json dump_state() const;

private:
    struct InFlight {
        Cycle writeback;
        Retirement what;
    };
    Cycle free_at_{0};
    std::vector<InFlight> in_flight_;
    State state_;
};

}  // namespace stcsim::sim
