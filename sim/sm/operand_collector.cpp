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

void OperandCollector::allocate(Cycle now, std::uint32_t warp, const WarpInstr& in) {
    read_through(now);  // the reads up to `now` happen without this unit
    std::size_t free = 0;
    while (units_[free].instr != nullptr) ++free;  // precondition has_free()
    Unit& u = units_[free];
    u.instr = &in;
    u.warp = warp;
    u.pending.fill(0);
    for (int i = 0; i < in.n_src; ++i) {
        const std::uint8_t reg = in.src[static_cast<std::size_t>(i)];
        ++u.pending[static_cast<std::size_t>(bank_of_.mod(reg))];
    }
    u.remaining = in.n_src;
    u.ready_at = in.n_src == 0 ? now + 1 : Cycle::never();
    if (u.remaining > 0) ++reading_;
    order_.push_back(static_cast<int>(free));
}

bool OperandCollector::arbitrate(Cycle cycle) {
    std::array<int, kMaxBanks> left;
    left.fill(per_bank_);
    bool any = false;
    for (int index : order_) {
        Unit& u = units_[static_cast<std::size_t>(index)];
        if (u.remaining == 0) continue;
        for (int b = 0; b < banks_; ++b) {
            auto& want = u.pending[static_cast<std::size_t>(b)];
            if (want == 0) continue;
            auto& cap = left[static_cast<std::size_t>(b)];
            const int take = std::min<int>(want, cap);
            if (take < want) state_.bank_conflicts += static_cast<std::uint64_t>(std::min<int>(want - take, per_bank_));
            state_.reads += static_cast<std::uint64_t>(take);
            want = static_cast<std::uint8_t>(want - take);
            cap -= take;
            u.remaining -= take;
            any = any || take > 0;
        }
        if (u.remaining == 0) {
            u.ready_at = cycle + 1;
            --reading_;
        }
    }
    return any;
}

bool OperandCollector::read_through(Cycle last) {
    if (reading_ == 0) {
        applied_ = std::max(applied_, last);
        return false;
    }
    bool any = false;
    while (applied_ < last && reading_ > 0) {
        applied_ += 1;
        any = arbitrate(applied_) || any;
    }
    applied_ = std::max(applied_, last);
    return any;
}

Cycle OperandCollector::next_ready() const {
    if (reading_ == 0) return Cycle::never();
    // Each bank serves its reads oldest unit first, per_bank_ a cycle, whatever the other banks
    // do: a unit's reads in bank b are done once the bank has served them and every older
    // unit's, and the unit is done when its last bank is.
    std::array<int, kMaxBanks> queued{};
    std::uint64_t first = UINT64_MAX;
    for (int index : order_) {
        const Unit& u = units_[static_cast<std::size_t>(index)];
        if (u.remaining == 0) continue;
        std::uint64_t cycles = 0;
        for (int b = 0; b < banks_; ++b) {
            const int want = u.pending[static_cast<std::size_t>(b)];
            if (want == 0) continue;
            queued[static_cast<std::size_t>(b)] += want;
            cycles = std::max<std::uint64_t>(cycles, static_cast<std::uint64_t>((queued[static_cast<std::size_t>(b)] + per_bank_ - 1) / per_bank_));
        }
        first = std::min(first, cycles);
    }
    return applied_ + first + 1;
}

int OperandCollector::oldest_ready(Cycle now) const {
    for (int index : order_)
        if (units_[static_cast<std::size_t>(index)].ready_at <= now) return index;
    return -1;
}

bool OperandCollector::collecting() const { return reading_ > 0; }

void OperandCollector::release(int unit) {
    if (units_[static_cast<std::size_t>(unit)].remaining > 0) --reading_;
    units_[static_cast<std::size_t>(unit)] = Unit{};
    order_.erase(std::find(order_.begin(), order_.end(), unit));
}

nlohmann::ordered_json OperandCollector::dump_state() const {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (int index : order_) {
        const Unit& u = units_[static_cast<std::size_t>(index)];
        out.push_back({{"unit", index}, {"warp", u.warp}, {"reads_left", u.remaining},
                       {"ready_at", u.ready_at == Cycle::never() ? nlohmann::ordered_json(nullptr)
                                                                 : nlohmann::ordered_json(u.ready_at.value())}});
    }
    return out;
}

}  // namespace stcsim::sim
