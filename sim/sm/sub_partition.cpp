#include "sim/sm/sub_partition.h"

#include <algorithm>

#include "common/errors.h"

namespace stcsim::sim {

SubPartition::SubPartition(const SmSpec& spec, const std::vector<TensorOpTiming>& ops)
    : ops_(ops), scheduler_(make_scheduler(spec.scheduler)), collector_(spec.register_file) {}

void SubPartition::add_warp(Warp& warp) {
    if (warps_.size() >= 64) throw UserError("more than 64 warps on one sub-partition");
    warps_.push_back(&warp);
}

void SubPartition::account_skipped(Cycle now) {
    if (last_tick_ != Cycle::never() && now - last_tick_ > 1) *last_reason_ += (now - last_tick_) - 1;
    last_tick_ = now;
}

void SubPartition::finish(Cycle end) {
    if (last_tick_ != Cycle::never() && end > last_tick_) *last_reason_ += end - last_tick_;
    last_tick_ = end;
}

bool SubPartition::tick(Cycle now) {
    account_skipped(now);
    bool progress = retire(now);
    progress = dispatch(now) || progress;
    progress = collector_.read(now) || progress;
    progress = issue(now) || progress;
    progressed_ = progress;
    return progress;
}

bool SubPartition::retire(Cycle now) {
    return tensor_.retire(now, [this](const Retirement& r) {
        Warp& w = *warps_[r.warp];
        w.scoreboard.release(r.dst.data(), r.n_dst);
        --w.in_flight;
    }) > 0;
}

bool SubPartition::dispatch(Cycle now) {
    const int unit = collector_.oldest_ready(now);
    if (unit < 0) return false;
    const WarpInstr& in = collector_.instr(unit);
    TensorOpTiming op = ops_[in.op];
    op.tail = in.tail;
    if (!tensor_.can_accept(now, op)) return false;
    Retirement r;
    r.warp = collector_.warp(unit);
    r.n_dst = in.n_dst;
    std::copy_n(in.dst.begin(), in.n_dst, r.dst.begin());
    tensor_.accept(now, op, r);
    collector_.release(unit);
    return true;
}

bool SubPartition::issue(Cycle now) {
    std::uint64_t ready = 0;
    bool any_work = false;
    for (std::size_t slot = 0; slot < warps_.size(); ++slot) {
        const Warp& w = *warps_[slot];
        if (w.head == nullptr) continue;
        any_work = true;
        if (w.scoreboard.can_issue(*w.head)) ready |= std::uint64_t{1} << slot;
    }
    if (ready == 0) {
        last_reason_ = any_work ? &state_.stall_scoreboard : &state_.idle;
        ++*last_reason_;
        return false;
    }
    if (!collector_.has_free()) {
        last_reason_ = &state_.stall_collector_full;
        ++*last_reason_;
        return false;
    }
    const int slot = scheduler_->select(ready);
    Warp& w = *warps_[static_cast<std::size_t>(slot)];
    const WarpInstr& in = *w.head;
    w.scoreboard.reserve(in.dst.data(), in.n_dst);
    collector_.allocate(now, static_cast<std::uint32_t>(slot), in);
    ++w.in_flight;
    ++w.issued;
    w.head = w.stream->next();
    scheduler_->issued(slot);
    ++state_.issued;
    last_reason_ = &state_.issued;
    return true;
}

Cycle SubPartition::next_event(Cycle now) const {
    if (progressed_) return now + 1;
    // Nothing moved this cycle: only the passage of time can unblock a writeback or a dispatch.
    if (collector_.collecting()) return now + 1;
    Cycle next = tensor_.next_writeback();
    const int unit = collector_.oldest_ready(Cycle::never());
    if (unit >= 0) {
        TensorOpTiming op = ops_[collector_.instr(unit).op];
        next = std::min(next, std::max({now + 1, collector_.ready_at(unit), tensor_.accept_time(op)}));
    }
    return next;
}

bool SubPartition::done() const {
    return collector_.idle() && tensor_.idle() &&
           std::all_of(warps_.begin(), warps_.end(), [](const Warp* w) { return w->finished(); });
}

nlohmann::ordered_json SubPartition::dump_state() const {
    nlohmann::ordered_json out;
    out["scheduler"] = scheduler_->name();
    auto& warps = out["warps"] = nlohmann::ordered_json::array();
    for (const Warp* w : warps_)
        warps.push_back({{"warp", w->id}, {"issued", w->issued}, {"in_flight", w->in_flight},
                         {"has_next", w->head != nullptr}, {"pending_registers", w->scoreboard.count()}});
    out["collector"] = collector_.dump_state();
    out["tensor_core"] = tensor_.dump_state();
    return out;
}

}  // namespace stcsim::sim
