#include "sim/sm/sub_partition.h"

#include <algorithm>

#include "common/errors.h"

namespace stcsim::sim {

SubPartition::SubPartition(const SmSpec& spec, const std::vector<TensorOpTiming>& ops,
                           const std::vector<PipeTiming>& pipes, Warp* warps, WarpHost& host)
    : ops_(ops), pipes_(pipes), slots_(warps), host_(host), scheduler_(make_scheduler(spec.scheduler)),
      collector_(spec.register_file), pipe_free_(pipes.size(), Cycle{0}), pipe_booked_(pipes.size(), Cycle{0}),
      follow_yield_hints_(spec.scheduler.yield_hints), pipe_throttle_(spec.scheduler.pipe_throttle) {
    pipe_in_flight_.reserve(64);
}

void SubPartition::add_warp(Warp& warp) {
    if (warps_.size() >= 64) throw UserError("more than 64 warps on one sub-partition");
    warps_.push_back(&warp);
    woken_ = true;
}

void SubPartition::remove_warp(const Warp& warp) {
    warps_.erase(std::find(warps_.begin(), warps_.end(), &warp));
    held_slot_ = -1;  // the slots after the removed warp move down
    woken_ = true;
}

void SubPartition::account_skipped(Cycle now) {
    if (last_tick_ != Cycle::never() && now - last_tick_ > 1) *last_reason_ += (now - last_tick_) - 1;
    last_tick_ = now;
}

void SubPartition::finish(Cycle end) {
    if (last_tick_ != Cycle::never() && end > last_tick_) *last_reason_ += end - last_tick_;
    last_tick_ = end;
}

SubPartition::State SubPartition::state_through(Cycle through) const {
    State s = state_;
    if (last_tick_ != Cycle::never() && through > last_tick_) {
        // last_reason_ points at one field of state_: charge the same field of the copy.
        for (auto field : {&State::issued, &State::stall_scoreboard, &State::stall_wait, &State::stall_collector_full,
                           &State::stall_lsu_full, &State::stall_pipe_throttle, &State::stall_memory_wait, &State::stall_barrier, &State::stall_mbarrier, &State::idle})
            if (last_reason_ == &(state_.*field)) s.*field += through - last_tick_;
    }
    return s;
}

bool SubPartition::tick(Cycle now) {
    account_skipped(now);
    woken_ = false;
    bool changed = retire(now);
    changed = dispatch(now) || changed;
    changed = issue(now) || changed;
    due_ = changed ? next_after_progress(now) : own_next_event(now);
    return changed;
}

void SubPartition::release(const Retirement& r) {
    Warp& w = slots_[r.warp];
    w.scoreboard.release(r.dst.data(), r.n_dst);
    if (r.wgmma) w.wgmma.retire(r.group);
    --w.in_flight;
    if (w.finished()) host_.warp_finished(w);
}

bool SubPartition::retire(Cycle now) {
    bool any = tensor_.retire(now, [this](const Retirement& r) { release(r); }) > 0;
    for (std::size_t i = 0; i < pipe_in_flight_.size();) {
        if (pipe_in_flight_[i].writeback <= now) {
            const Retirement r = pipe_in_flight_[i].what;
            pipe_in_flight_[i] = pipe_in_flight_.back();
            pipe_in_flight_.pop_back();
            release(r);
            any = true;
        } else {
            ++i;
        }
    }
    return any;
}

Cycle SubPartition::unit_available(int unit) const {
    const WarpInstr& in = collector_.instr(unit);
    if (in.unit == ExecUnit::tensor) return tensor_.accept_time(ops_[in.op]);
    return pipe_free_[in.op];
}

bool SubPartition::dispatch_unit(Cycle now, int unit) {
    const WarpInstr& in = collector_.instr(unit);
    Retirement r;
    r.warp = collector_.warp(unit);
    r.n_dst = in.n_dst;
    std::copy_n(in.dst.begin(), in.n_dst, r.dst.begin());
    r.wgmma = in.wgmma;
    r.group = collector_.tag(unit);
    if (in.unit == ExecUnit::tensor) {
        TensorOpTiming op = ops_[in.op];
        op.tail = in.tail;
        if (!tensor_.can_accept(now, op)) return false;
        tensor_.accept(now, op, r);
        if (pipe_throttle_) --tensor_waiting_;
    } else {
        if (pipe_free_[in.op] > now) return false;
        pipe_free_[in.op] = now + static_cast<std::uint64_t>(pipes_[in.op].interval);
        pipe_in_flight_.push_back({now + in.tail, r});
        ++state_.pipeline_instructions;
    }
    collector_.release(unit);
    return true;
}

bool SubPartition::dispatch(Cycle now) {
    // Ready units in age order: the oldest tensor instruction may go to the tensor core, and any
    // pipeline instruction whose pipeline is free goes in the same cycle.
    if (collector_.idle()) return false;
    std::vector<int>& ready = ready_scratch_;
    ready.clear();
    collector_.for_each_busy([&](int unit) {
        if (collector_.ready_at(unit) <= now) ready.push_back(unit);
    });
    bool tensor_tried = false, any = false;
    for (int unit : ready) {
        if (collector_.instr(unit).unit == ExecUnit::tensor) {
            if (tensor_tried) continue;
            tensor_tried = true;
        }
        any = dispatch_unit(now, unit) || any;
    }
    return any;
}

void SubPartition::advance(Warp& w) {
    ++w.issued;
    ++state_.issued;
    last_reason_ = &state_.issued;
    w.head = w.stream->next();
    if (w.head == nullptr) {
        host_.warp_exited(w);
        if (w.finished()) host_.warp_finished(w);
    }
}

void SubPartition::issue_control(Cycle now, Warp& w, const WarpInstr& in) {
    switch (in.control) {
        case Control::async: host_.async_issue(now, w, in); break;
        case Control::barrier: host_.barrier_arrive(w, in.count, in.threads); break;
        case Control::commit: w.cp_async.commit(); break;
        case Control::wgmma_commit: w.wgmma.commit(); break;
        case Control::wgmma_wait:
            if (in.commits) w.wgmma.commit();
            break;
        case Control::wgmma_fence:
        case Control::wait:
        case Control::exit:
        case Control::none: break;
    }
}

SubPartition::IssueScan SubPartition::scan(Cycle at, bool ask_lsu) const {
    IssueScan s;
    // The LSU is asked only when a memory instruction reaches this check (a virtual call per cycle
    // otherwise): -1 not asked yet, else the answer.
    int lsu_room = ask_lsu ? -1 : 1;
    const bool collector_free = collector_.has_free();
    for (std::size_t slot = 0; slot < warps_.size(); ++slot) {
        const Warp& w = *warps_[slot];
        if (w.head == nullptr) continue;
        s.work = true;
        const WarpInstr& in = *w.head;
        if (w.at_barrier) { s.barrier = true; continue; }
        if (w.mbar_waits > 0) { s.mbarrier = true; continue; }
        if (w.mbar_ready > at) {
            s.mbarrier = true;
            s.stall_release = std::min(s.stall_release, w.mbar_ready);
            continue;
        }
        if (w.next_issue > at) {
            s.stalled = true;
            s.stall_release = std::min(s.stall_release, w.next_issue);
            continue;
        }
        if (!w.scoreboard.can_issue(in)) { s.scoreboard = true; continue; }
        switch (in.unit) {
            case ExecUnit::control:
                if (in.control == Control::wait && !w.cp_async.satisfied(in.count)) { s.wait = true; continue; }
                if (in.control == Control::wgmma_wait && !w.wgmma.satisfied(in.count, in.commits)) { s.wait = true; continue; }
                break;
            case ExecUnit::memory:
                if (lsu_room < 0) lsu_room = host_.lsu_has_room() ? 1 : 0;
                if (lsu_room == 0) { s.lsu = true; continue; }
                break;
            case ExecUnit::pipeline:
                // Any instruction needs at least two cycles to reach its pipeline: that cheap test
                // first, then the earliest this one could, after its operand reads.
                if (pipe_throttle_ && pipe_booked_[in.op] > at + 2) {
                    const std::uint64_t reach = 1 + static_cast<std::uint64_t>(std::max(1, collector_.unloaded_fetch_cycles(in)));
                    if (pipe_booked_[in.op] > at + reach) {
                        s.throttled = true;
                        s.stall_release = std::min(s.stall_release, Cycle{pipe_booked_[in.op].value() - reach});
                        continue;
                    }
                }
                if (!collector_free) { s.collector = true; continue; }
                break;
            case ExecUnit::tensor:
                // Dispatching the waiting one is an event of its own: no release cycle to note.
                if (pipe_throttle_ && tensor_waiting_ > 0) { s.throttled = true; continue; }
                if (!collector_free) { s.collector = true; continue; }
        }
        s.ready |= std::uint64_t{1} << slot;
    }
    return s;
}

std::uint64_t* SubPartition::stall_reason(const IssueScan& s) {
    return s.collector ? &state_.stall_collector_full : s.lsu ? &state_.stall_lsu_full
           : s.throttled ? &state_.stall_pipe_throttle : s.stalled ? &state_.stall_wait : s.scoreboard ? &state_.stall_scoreboard : s.wait ? &state_.stall_memory_wait
           : s.mbarrier ? &state_.stall_mbarrier : s.barrier ? &state_.stall_barrier : s.work ? &state_.stall_scoreboard : &state_.idle;
}

Cycle SubPartition::next_after_progress(Cycle now) {
    const Cycle next = now + 1;
    const Cycle due = own_next_event(now);  // writebacks and dispatches
    if (due == next) return next;
    // Issue at now + 1 sees this cycle's state: nothing retires or dispatches before then.
    const IssueScan s = scan(next, false);
    if (s.ready != 0) return next;
    // The cycles until `due` all stall for this reason (charged when the sub-partition next ticks).
    last_reason_ = stall_reason(s);
    waits_on_lsu_ = false;
    stall_release_ = s.stall_release;
    return std::min(due, s.stall_release);
}

bool SubPartition::issue(Cycle now) {
    const IssueScan s = scan(now, true);
    const std::uint64_t ready = s.ready;
    waits_on_lsu_ = false;
    stall_release_ = s.stall_release;
    if (ready == 0) {
        last_reason_ = stall_reason(s);
        ++*last_reason_;
        waits_on_lsu_ = s.lsu;
        return false;
    }
    // A warp whose last instruction asked to hold (the compiler's yield hint clear) goes first
    // while it can issue; once another warp issues, the policy chooses again.
    const bool held = held_slot_ >= 0 && ((ready >> held_slot_) & 1U) != 0;
    const int slot = held ? held_slot_ : scheduler_->select(ready);
    Warp& w = *warps_[static_cast<std::size_t>(slot)];
    const WarpInstr& in = *w.head;
    scheduler_->issued(slot);
    held_slot_ = in.hold && follow_yield_hints_ ? slot : -1;
    if (profile_ != nullptr) count_issue(now, w, in);
    if (in.stall + in.redirect > 0) w.next_issue = now + in.stall + in.redirect;
    if (in.unit == ExecUnit::control) {
        issue_control(now, w, in);
    } else {
        w.scoreboard.reserve(in.dst.data(), in.n_dst);
        ++w.in_flight;
        if (in.unit == ExecUnit::memory) host_.lsu_push(now, w, in);
        else {
            const std::uint32_t group = in.wgmma ? w.wgmma.issue() : 0;
            if (in.commits) w.wgmma.commit();
            const int unit = collector_.allocate(now, w.id, in, group);
            if (pipe_throttle_) book_for_throttle(in, unit);
        }
    }
    advance(w);
    if (w.head != nullptr && w.head->refetch > 0 && in.redirect == 0) w.next_issue = std::max(w.next_issue, now + w.head->refetch);
    return true;
}

void SubPartition::count_issue(Cycle now, Warp& w, const WarpInstr& in) {
    if (w.last_issue != Cycle::never()) {
        const std::uint64_t waited = now.value() - w.last_issue.value();
        profile_->issued(in.site, waited, std::min<std::uint64_t>(waited, w.last_stall));
    } else {
        profile_->issued(in.site, 0, 0);
    }
    w.last_issue = now;
    w.last_stall = in.stall;
}

void SubPartition::book_for_throttle(const WarpInstr& in, int unit) {
    if (in.unit == ExecUnit::tensor) {
        ++tensor_waiting_;
        return;
    }
    Cycle& booked = pipe_booked_[in.op];
    booked = std::max(booked, collector_.ready_at(unit)) + static_cast<std::uint64_t>(pipes_[in.op].interval);
}

Cycle SubPartition::own_next_event(Cycle now) const {
    // Only the passage of time can unblock a writeback, a dispatch (of a unit ready now, or of
    // one when its reads are done) or a warp waiting out its stall count.
    Cycle next = tensor_.next_writeback();
    if (stall_release_ > now) next = std::min(next, stall_release_);
    for (const PipeInFlight& p : pipe_in_flight_) next = std::min(next, p.writeback);
    collector_.for_each_busy([&](int unit) {
        next = std::min(next, std::max({now + 1, collector_.ready_at(unit), unit_available(unit)}));
    });
    return next;
}

bool SubPartition::done() const {
    return collector_.idle() && tensor_.idle() && pipe_in_flight_.empty() &&
           std::all_of(warps_.begin(), warps_.end(), [](const Warp* w) { return w->finished(); });
}

nlohmann::ordered_json SubPartition::dump_state() const {
    nlohmann::ordered_json out;
    out["scheduler"] = scheduler_->name();
    auto& warps = out["warps"] = nlohmann::ordered_json::array();
    for (const Warp* w : warps_)
        warps.push_back({{"warp", w->id}, {"cta", w->cta}, {"issued", w->issued}, {"in_flight", w->in_flight},
                         {"has_next", w->head != nullptr}, {"at_barrier", w->at_barrier},
                         {"mbarrier_waits", w->mbar_waits},
                         {"pending_registers", w->scoreboard.count()}, {"cp_async_pending", w->cp_async.pending_copies()}});
    out["collector"] = collector_.dump_state();
    out["tensor_core"] = tensor_.dump_state();
    out["pipelines_in_flight"] = pipe_in_flight_.size();
    return out;
}

}  // namespace stcsim::sim
