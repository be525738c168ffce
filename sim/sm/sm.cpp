#include "sim/sm/sm.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/errors.h"

namespace stcsim::sim {

Sm::Sm(std::string name, const SmSpec& spec, std::vector<MmaTiming> ops)
    : name_(std::move(name)), spec_(spec), ops_(std::move(ops)) {
    for (const MmaTiming& t : ops_) op_timing_.push_back({t.front_cycles, t.interval, 0});
    for (int i = 0; i < spec_.sub_partitions; ++i)
        parts_.push_back(std::make_unique<SubPartition>(spec_, op_timing_));
}

int Sm::unloaded_fetch_cycles(const WarpInstr& in) const {
    return OperandCollector::unloaded_fetch_cycles(spec_.register_file, in);
}

void Sm::prepare(WarpInstr& in) const {
    if (in.op >= ops_.size()) throw InternalError("WarpInstr::op out of range");
    const MmaTiming& t = ops_[in.op];
    const int fixed = unloaded_fetch_cycles(in) + 1 + t.front_cycles + t.interval;
    if (t.latency < fixed)
        throw UserError(fmt::format(
            "{}: latency {} is shorter than the datapath allows for this instruction: operand fetch {} + "
            "dispatch 1 + sparse stages {} + initiation interval {} = {} cycles",
            t.latency_source, t.latency, fixed - 1 - t.front_cycles - t.interval, t.front_cycles, t.interval, fixed));
    in.tail = static_cast<std::uint16_t>(t.latency - fixed);
    in.compute_mask();
}

void Sm::launch_warp(InstrStream& stream) {
    if (static_cast<int>(warps_.size()) >= spec_.max_warps)
        throw UserError(fmt::format("sm.max_warps: the SM holds at most {} warps", spec_.max_warps));
    Warp& w = warps_.emplace_back();
    w.id = static_cast<std::uint32_t>(warps_.size() - 1);
    w.stream = &stream;
    w.head = stream.next();
    parts_[w.id % parts_.size()]->add_warp(w);
}

bool Sm::tick(Cycle now) {
    bool progress = false;
    for (auto& part : parts_) progress = part->tick(now) || progress;
    end_ = now;
    return progress;
}

Cycle Sm::next_event(Cycle now) const {
    Cycle next = Cycle::never();
    for (const auto& part : parts_) next = std::min(next, part->next_event(now));
    return next;
}

bool Sm::done() const {
    return std::all_of(parts_.begin(), parts_.end(), [](const auto& p) { return p->done(); });
}

void Sm::finish(Cycle end) {
    for (auto& part : parts_) part->finish(end);
}

std::uint64_t Sm::warp_instructions() const {
    std::uint64_t n = 0;
    for (const auto& part : parts_) n += part->state().issued;
    return n;
}

nlohmann::ordered_json Sm::dump_state() const {
    nlohmann::ordered_json out;
    for (std::size_t i = 0; i < parts_.size(); ++i) out[fmt::format("sp{}", i)] = parts_[i]->dump_state();
    return out;
}

void Sm::register_stats(Stats& stats, const std::string& prefix) const {
    for (std::size_t i = 0; i < parts_.size(); ++i) {
        const SubPartition& p = *parts_[i];
        const std::string at = fmt::format("{}.sp{}.", prefix, i);
        stats.counter(at + "scheduler.issued", "warp instructions", "instructions issued", &p.state().issued);
        stats.counter(at + "scheduler.stall_scoreboard", "cycles", "no issue: every warp with work waits on a register", &p.state().stall_scoreboard);
        stats.counter(at + "scheduler.stall_collector_full", "cycles", "no issue: a warp was ready but no collector unit was free", &p.state().stall_collector_full);
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
