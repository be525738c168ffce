#include "sim/tensor/tensor_core.h"

#include <algorithm>

namespace stcsim::sim {

TensorCore::TensorCore() { in_flight_.reserve(64); }

Cycle TensorCore::accept(Cycle now, const TensorOpTiming& op, const Retirement& what) {
    const Cycle start = now + static_cast<std::uint64_t>(op.front);
    free_at_ = start + static_cast<std::uint64_t>(op.interval);
    const Cycle writeback = free_at_ + static_cast<std::uint64_t>(op.tail);
    in_flight_.push_back({writeback, what});
    ++state_.accepted;
    state_.busy_cycles += static_cast<std::uint64_t>(op.interval);
    if (op.front > 0) ++state_.sparse_ops;
    return writeback;
}

Cycle TensorCore::next_writeback() const {
    Cycle next = Cycle::never();
    for (const InFlight& f : in_flight_) next = std::min(next, f.writeback);
    return next;
}

nlohmann::ordered_json TensorCore::dump_state() const {
    nlohmann::ordered_json out;
    out["units_free_at"] = free_at_.value();
    out["accepted"] = state_.accepted;
    out["retired"] = state_.retired;
    auto& list = out["in_flight"] = nlohmann::ordered_json::array();
    for (const InFlight& f : in_flight_) list.push_back({{"warp", f.what.warp}, {"writeback", f.writeback.value()}});
    return out;
}

}  // namespace stcsim::sim
