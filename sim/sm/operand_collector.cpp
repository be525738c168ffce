#include "sim/sm/operand_collector.h"

#include <algorithm>

#include "common/errors.h"

namespace stcsim::sim {

OperandCollector::OperandCollector(const RegisterFileSpec& spec)
    : banks_(spec.banks), per_bank_(spec.reads_per_bank_per_cycle),
      bank_of_(static_cast<std::uint64_t>(std::max(1, spec.banks))) {
    if (banks_ < 1 || banks_ > kMaxBanks)
        throw UserError("sm.register_file.banks: expected 1 to 16 banks, got " + std::to_string(banks_));
    if (per_bank_ < 1) throw UserError("sm.register_file.reads_per_bank_per_cycle: expected >= 1");
    if (spec.collector_units < 1) throw UserError("sm.register_file.collector_units: expected >= 1");
    units_.resize(static_cast<std::size_t>(spec.collector_units));
    order_.reserve(units_.size());
}

int OperandCollector::unloaded_fetch_cycles(const RegisterFileSpec& spec, const WarpInstr& in) {
    std::array<int, kMaxBanks> count{};
    for (int i = 0; i < in.n_src; ++i) ++count[static_cast<std::size_t>(in.src[static_cast<std::size_t>(i)] % spec.banks)];
    int worst = 0;
    for (int c : count) worst = std::max(worst, (c + spec.reads_per_bank_per_cycle - 1) / spec.reads_per_bank_per_cycle);
    return worst;
}

int OperandCollector::unloaded_fetch_cycles(const WarpInstr& in) const {
    return unloaded_fetch_cycles(RegisterFileSpec{banks_, per_bank_, static_cast<int>(units_.size())}, in);
}

std::uint64_t OperandCollector::book(int bank, int reads, std::uint64_t first) {
    const auto per = static_cast<std::uint64_t>(per_bank_);
    const auto k = static_cast<std::uint64_t>(reads);
    std::uint64_t& next = next_slot_[static_cast<std::size_t>(bank)];
    const std::uint64_t start = std::max(next, first * per);  // older units' reads come first
    next = start + k;
    state_.reads += k;
    // Conflicts, cycle by cycle: until the cycle of its first slot it gets nothing; then the rest
    // of that cycle's slots; then a full cycle's worth per cycle.
    const std::uint64_t first_granted = start / per;
    std::uint64_t conflicts = (first_granted - first) * std::min(k, per);
    std::uint64_t left = k;
    std::uint64_t take = std::min(left, (first_granted + 1) * per - start);
    while (true) {
        if (take < left) conflicts += std::min(left - take, per);
        left -= take;
        if (left == 0) break;
        take = std::min(left, per);
    }
    state_.bank_conflicts += conflicts;
    return (next - 1) / per;
}

int OperandCollector::allocate(Cycle now, std::uint32_t warp, const WarpInstr& in, std::uint32_t tag) {
    std::size_t free = 0;
    while (units_[free].instr != nullptr) ++free;  // precondition has_free()
    Unit& u = units_[free];
    u.instr = &in;
    u.warp = warp;
    u.tag = tag;
    std::array<int, kMaxBanks> reads{};
    for (int i = 0; i < in.n_src; ++i) ++reads[static_cast<std::size_t>(bank_of_.mod(in.src[static_cast<std::size_t>(i)]))];
    std::uint64_t last = now.value();  // no reads: ready the next cycle
    for (int b = 0; b < banks_; ++b)
        if (reads[static_cast<std::size_t>(b)] > 0) last = std::max(last, book(b, reads[static_cast<std::size_t>(b)], now.value() + 1));
    u.ready_at = Cycle{last + 1};
    order_.push_back(static_cast<int>(free));
    return static_cast<int>(free);
}

int OperandCollector::oldest_ready(Cycle now) const {
    for (int index : order_)
        if (units_[static_cast<std::size_t>(index)].ready_at <= now) return index;
    return -1;
}

void OperandCollector::release(int unit) {
    units_[static_cast<std::size_t>(unit)] = Unit{};
    order_.erase(std::find(order_.begin(), order_.end(), unit));
}

nlohmann::ordered_json OperandCollector::dump_state() const {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (int index : order_) {
        const Unit& u = units_[static_cast<std::size_t>(index)];
        out.push_back({{"unit", index}, {"warp", u.warp}, {"ready_at", u.ready_at.value()}});
    }
    return out;
}

}  // namespace stcsim::sim
