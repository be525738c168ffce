#include "sim/sm/sm.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/errors.h"

namespace stcsim::sim {

void InstrStream::addresses(LaneAddresses&) const {
    throw InternalError("this instruction stream has no memory addresses");
}

const trace::AsyncOp& InstrStream::async_op() const {
    throw InternalError("this instruction stream has no mbarrier or TMA operations");
}

Sm::Sm(std::string name, const SmSpec& spec, std::vector<MmaTiming> ops)
    : Sm(std::move(name), spec, std::move(ops), {}, SmContext{}) {}

Sm::Sm(std::string name, const SmSpec& spec, std::vector<MmaTiming> ops, std::vector<PipeTiming> pipes,
       const SmContext& context)
    : name_(std::move(name)), spec_(spec), context_(context), ops_(std::move(ops)), pipes_(std::move(pipes)),
      lsu_(spec_, context_.shared, context_.memory, context_.index, context_.skip_idle, this),
      tma_(spec_.tma, context_.memory, context_.index, context_.memory != nullptr ? context_.memory->line_bytes() : 128,
           static_cast<TmaHost&>(*this), this) {
    for (const MmaTiming& t : ops_) op_timing_.push_back({t.front_cycles, t.interval, 0});
    warps_.resize(static_cast<std::size_t>(std::max(1, spec_.max_warps)));
    warp_used_.assign(warps_.size(), false);
    ctas_.resize(static_cast<std::size_t>(std::max(1, spec_.max_ctas)));
    for (int i = 0; i < spec_.sub_partitions; ++i) {
        parts_.push_back(std::make_unique<SubPartition>(spec_, op_timing_, pipes_, warps_.data(), static_cast<WarpHost&>(*this)));
        parts_.back()->keep_profile(context_.profile);
    }
    part_due_.assign(parts_.size(), Cycle{0});
    if (parts_.size() > 64) throw UserError("sm.sub_partitions: at most 64 supported");
    if (context_.memory != nullptr) context_.memory->attach(context_.index, lsu_);
}

int Sm::unloaded_fetch_cycles(const WarpInstr& in) const {
    return OperandCollector::unloaded_fetch_cycles(spec_.register_file, in);
}

void Sm::prepare(WarpInstr& in) const {
    in.compute_mask();
    if (in.unit == ExecUnit::pipeline) {
        if (in.op >= pipes_.size()) throw InternalError("WarpInstr::op out of the pipeline table");
        in.tail = static_cast<std::uint16_t>(std::max(0, pipes_[in.op].latency - unloaded_fetch_cycles(in) - 1));
        return;
    }
    if (in.unit != ExecUnit::tensor) return;
    if (in.op >= ops_.size()) throw InternalError("WarpInstr::op out of range");
    const MmaTiming& t = ops_[in.op];
    const int fixed = unloaded_fetch_cycles(in) + 1 + t.front_cycles + t.interval;
    if (t.latency < fixed)
        throw UserError(fmt::format(
            "{}: latency {} is shorter than the datapath allows for this instruction: operand fetch {} + "
            "dispatch 1 + sparse stages {} + initiation interval {} = {} cycles",
            t.latency_source, t.latency, fixed - 1 - t.front_cycles - t.interval, t.front_cycles, t.interval, fixed));
    in.tail = static_cast<std::uint16_t>(t.latency - fixed);
}

Warp& Sm::place_warp(InstrStream& stream, std::int32_t cta) {
    const auto slot = static_cast<std::size_t>(std::find(warp_used_.begin(), warp_used_.end(), false) - warp_used_.begin());
    if (slot >= warps_.size())
        throw UserError(fmt::format("sm.max_warps: the SM holds at most {} warps", spec_.max_warps));
    warp_used_[slot] = true;
    ++warps_used_;
    Warp& w = warps_[slot];
    w = Warp{};
    w.id = static_cast<std::uint32_t>(slot);
    w.cta = cta;
    w.stream = &stream;
    w.head = stream.next();
    parts_[slot % parts_.size()]->add_warp(w);
    part_due_[slot % parts_.size()] = Cycle{0};
    return w;
}

void Sm::launch_warp(InstrStream& stream) {
    place_warp(stream, -1);
    woken_ = true;
    wake(Cycle{0});
}

bool Sm::can_launch(const CtaNeeds& needs) const {
    return ctas_used_ < spec_.max_ctas && warps_used_ + needs.warps <= spec_.max_warps &&
           registers_used_ + needs.registers <= spec_.registers &&
           shared_used_ + needs.shared_bytes <= context_.shared_capacity;
}

int Sm::occupancy_limit(const CtaNeeds& needs) const {
    std::int64_t n = std::min(spec_.max_ctas, spec_.max_warps / std::max(1, needs.warps));
    if (needs.registers > 0) n = std::min<std::int64_t>(n, spec_.registers / needs.registers);
    if (needs.shared_bytes > 0) n = std::min<std::int64_t>(n, context_.shared_capacity / needs.shared_bytes);
    return static_cast<int>(n);
}

void Sm::launch_cta(std::uint64_t tag, const std::vector<InstrStream*>& streams, const CtaNeeds& needs) {
    if (!can_launch(needs) || static_cast<int>(streams.size()) != needs.warps) throw InternalError("launch_cta: no room");
    const auto slot = static_cast<std::size_t>(std::find_if(ctas_.begin(), ctas_.end(), [](const Cta& c) { return !c.used; }) - ctas_.begin());
    Cta& cta = ctas_[slot];
    cta.tag = tag;
    cta.used = true;
    cta.live = cta.unfinished = needs.warps;
    cta.arrived.fill(0);
    cta.expected.fill(0);
    cta.needs = needs;
    cta.warps.clear();
    cta.mbarriers.clear();
    ++ctas_used_;
    registers_used_ += needs.registers;
    shared_used_ += needs.shared_bytes;
    woken_ = true;
    wake(Cycle{0});
    for (InstrStream* stream : streams) cta.warps.push_back(place_warp(*stream, static_cast<std::int32_t>(slot)).id);
    for (std::uint32_t id : cta.warps) {
        Warp& w = warps_[id];
        if (w.head == nullptr) warp_exited(w);
    }
    for (std::uint32_t id : std::vector<std::uint32_t>(cta.warps))
        if (ctas_[slot].used && warps_[id].finished()) warp_finished(warps_[id]);
}

void Sm::lsu_push(Cycle, Warp& warp, const WarpInstr& in) {
    Completion what;
    what.warp = warp.id;
    what.n_dst = in.n_dst;
    std::copy_n(in.dst.begin(), in.n_dst, what.dst.begin());
    if (in.mem == MemKind::cp_async) {
        what.cp_async = true;
        what.copy = next_copy_++;
        warp.cp_async.issue(what.copy);
    }
    warp.stream->addresses(lsu_.push(in, what));
}

void Sm::check_barrier(Cta& cta, int id) {
    const auto i = static_cast<std::size_t>(id);
    const int expected = cta.expected[i] > 0 ? cta.expected[i] : cta.live;
    if (cta.arrived[i] == 0 || cta.arrived[i] < expected) return;
    cta.arrived[i] = 0;
    for (std::uint32_t w : cta.warps)
        if (warps_[w].at_barrier && warps_[w].barrier == id) warps_[w].at_barrier = false;
    for (std::size_t p = 0; p < parts_.size(); ++p) wake_part(p);
}

void Sm::barrier_arrive(Warp& warp, int id, int threads) {
    if (warp.cta < 0) return;
    Cta& cta = ctas_[static_cast<std::size_t>(warp.cta)];
    const auto i = static_cast<std::size_t>(id);
    const int expected = (threads + trace::kWarpSize - 1) / trace::kWarpSize;
    if (cta.arrived[i] > 0 && cta.expected[i] != expected)
        throw UserError(fmt::format("SM {}: warp {} arrives at barrier {} for {} threads while the warps there wait for {}",
                                    context_.index, warp.id, id, threads, cta.expected[i] * trace::kWarpSize));
    cta.expected[i] = expected;
    warp.at_barrier = true;
    warp.barrier = static_cast<std::uint8_t>(id);
    ++cta.arrived[i];
    check_barrier(cta, id);
}

void Sm::warp_exited(Warp& warp) {
    if (warp.cta < 0) return;
    Cta& cta = ctas_[static_cast<std::size_t>(warp.cta)];
    --cta.live;
    for (int id = 0; id < 16; ++id) check_barrier(cta, id);
}

void Sm::warp_finished(Warp& warp) {
    if (warp.cta < 0) return;
    Cta& cta = ctas_[static_cast<std::size_t>(warp.cta)];
    if (--cta.unfinished > 0) return;
    for (std::uint32_t id : cta.warps) {
        parts_[id % parts_.size()]->remove_warp(warps_[id]);
        part_due_[id % parts_.size()] = Cycle{0};
        warp_used_[id] = false;
        --warps_used_;
    }
    cta.used = false;
    cta.mbarriers.clear();
    --ctas_used_;
    registers_used_ -= cta.needs.registers;
    shared_used_ -= cta.needs.shared_bytes;
    finished_sink_->push_back(cta.tag);
}

void Sm::wake_part(std::size_t i) {
    parts_[i]->wake();
    part_due_[i] = Cycle{0};
}

bool Sm::retire_memory(Cycle now) {
    return lsu_.retire(now, [this, now](const Completion& c) {
        Warp& w = warps_[c.warp];
        w.scoreboard.release(c.dst.data(), c.n_dst);
        if (c.cp_async) w.cp_async.complete(c.copy, now);
        --w.in_flight;
        wake_part(c.warp % parts_.size());
        if (w.finished()) warp_finished(w);
    }) > 0;
}

bool Sm::tick(Cycle now) {
    end_ = now;
    // Nothing can change before parts_due_ unless the LSU has work due or a CTA arrived: skip
    // the tick; the sub-partitions charge the skipped cycles to their last stall reason.
    const bool mbar_due = !mbar_pending_.empty() && mbar_pending_.front().at <= now;
    if (context_.skip_idle && !woken_ && now < parts_due_ && !lsu_.due(now) && !mbar_due && !tma_.due(now)) return false;
    woken_ = false;
    bool progress = retire_memory(now);
    progress = apply_mbar(now) || progress;
    progress = tma_.tick(now) || progress;
    for (std::size_t i = 0; i < parts_.size(); ++i) {
        // A sub-partition that has not moved sleeps until its next event, unless one of its warps
        // waits for room in the LSU and there is room now (a tick without it would find the same).
        const std::uint64_t bit = std::uint64_t{1} << i;
        if (context_.skip_idle && now < part_due_[i] && !((parts_waiting_on_lsu_ & bit) != 0 && lsu_.has_room())) continue;
        SubPartition& part = *parts_[i];
        progress = part.tick(now) || progress;
        part_due_[i] = part.next_event(now);
        parts_waiting_on_lsu_ = part.waits_on_lsu() ? parts_waiting_on_lsu_ | bit : parts_waiting_on_lsu_ & ~bit;
    }
    if (lsu_.tick(now)) {
        progress = true;
        // The LSU made room: a sub-partition that waited for it must be ticked next cycle.
        if (parts_waiting_on_lsu_ != 0) woken_ = true;
    }
    parts_due_ = Cycle::never();
    for (const Cycle due : part_due_) parts_due_ = std::min(parts_due_, due);
    return progress;
}

Cycle Sm::next_event(Cycle now) const {
    Cycle next = std::min({lsu_.next_event(now), tma_.next_event(now), woken_ ? now + 1 : std::max(parts_due_, now + 1)});
    if (!mbar_pending_.empty()) next = std::min(next, std::max(mbar_pending_.front().at, now + 1));
    return next;
}

bool Sm::done() const {
    return lsu_.idle() && tma_.idle() && mbar_pending_.empty() && std::all_of(parts_.begin(), parts_.end(), [](const auto& p) { return p->done(); });
}

void Sm::finish(Cycle end) {
    end_ = std::max(end_, end);
    for (auto& part : parts_) part->finish(end);
}

std::uint64_t Sm::warp_instructions() const {
    std::uint64_t n = 0;
    for (const auto& part : parts_) n += part->state().issued;
    return n;
}

std::uint64_t Sm::tensor_busy_cycles() const {
    std::uint64_t n = 0;
    for (const auto& part : parts_) n += part->tensor().state().busy_cycles;
    return n;
}

nlohmann::ordered_json Sm::dump_state() const {
    nlohmann::ordered_json out;
    out["resident_ctas"] = ctas_used_;
    out["resident_warps"] = warps_used_;
    for (std::size_t i = 0; i < parts_.size(); ++i) out[fmt::format("sp{}", i)] = parts_[i]->dump_state();
    out["lsu"] = lsu_.dump_state();
    out["tma"] = tma_.dump_state();
    auto& barriers = out["mbarriers"] = nlohmann::ordered_json::object();
    for (const Cta& cta : ctas_)
        if (cta.used && !cta.mbarriers.empty()) barriers[fmt::format("cta{}", cta.tag)] = cta.mbarriers.dump_state();
    out["mbarrier_operations_pending"] = mbar_pending_.size();
    return out;
}

void Sm::register_stats(Stats& stats, const std::string& prefix) const {
    for (std::size_t i = 0; i < parts_.size(); ++i) {
        const SubPartition& p = *parts_[i];
        const std::string at = fmt::format("{}.sp{}.", prefix, i);
        stats.counter(at + "scheduler.issued", "warp instructions", "instructions issued", &p.state().issued);
        stats.counter(at + "scheduler.stall_scoreboard", "cycles", "no issue: every warp with work waits on a register", &p.state().stall_scoreboard);
        stats.counter(at + "scheduler.stall_wait", "cycles", "no issue: every warp that could issue waits out the stall count of its last instruction", &p.state().stall_wait);
        stats.counter(at + "scheduler.stall_collector_full", "cycles", "no issue: a warp was ready but no collector unit was free", &p.state().stall_collector_full);
        stats.counter(at + "scheduler.stall_pipe_throttle", "cycles", "no issue: the warps that could issue wait for their pipeline (sm.scheduler.pipe_throttle)", &p.state().stall_pipe_throttle);
        stats.counter(at + "scheduler.stall_mbarrier", "cycles", "no issue: every warp with work waits for an mbarrier phase (or the wake-up after it)", &p.state().stall_mbarrier);
        stats.counter(at + "scheduler.idle", "cycles", "no issue: no warp has an instruction left", &p.state().idle);
        stats.counter(at + "regfile.reads", "warp registers", "register-bank reads by the operand collector", &p.collector().state().reads);
        stats.counter(at + "regfile.bank_conflicts", "reads", "reads deferred a cycle because their bank was busy", &p.collector().state().bank_conflicts);
        stats.counter(at + "tensor.instructions", "warp instructions", "instructions executed by the tensor core", &p.tensor().state().accepted);
        stats.counter(at + "tensor.sparse_instructions", "warp instructions", "of which mma.sp (metadata decode and B select used)", &p.tensor().state().sparse_ops);
        stats.counter(at + "tensor.busy_cycles", "cycles", "cycles the dot-product units were held", &p.tensor().state().busy_cycles);
        const std::uint64_t* busy = &p.tensor().state().busy_cycles;
        const Cycle* end = &end_;
        stats.derived(at + "tensor.utilisation", "fraction", "busy cycles / simulated cycles",
                      [busy, end] { return static_cast<double>(*busy) / static_cast<double>(std::max<std::uint64_t>(1, end->value())); });
    }
}

}  // namespace stcsim::sim
