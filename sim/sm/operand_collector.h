// OperandCollector: the register-file banks of one sub-partition and its collector units.
//
// An issued instruction takes a free collector unit (issue stalls when none is free). From the
// next cycle on, the unit reads the instruction's source registers; register r lives in bank
// r mod banks and each bank serves reads_per_bank_per_cycle reads per cycle, granted to units in
// allocation order (oldest first), so instructions whose operands share banks take longer (bank
// conflicts). A unit whose reads finished in cycle c is ready to dispatch from cycle c+1; it is
// freed when its instruction is dispatched to the execution unit.
//
// Unloaded fetch time of an instruction = max over banks of ceil(reads in that bank / reads per
// bank per cycle).
//
// Arbitration is applied lazily: read_through(c) grants the reads of every cycle up to c not yet
// granted, in cycle order, exactly as one call per cycle would. A sub-partition whose only
// activity is reading therefore need not tick every cycle: next_ready() says when the first
// collecting unit will be ready, as long as no unit is allocated before then.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config/gpu_spec.h"
#include "sim/core/cycle.h"
#include "sim/core/divisor.h"
#include "sim/sm/warp_instr.h"

namespace stcsim::sim {

class OperandCollector {
public:
    static constexpr int kMaxBanks = 16;

    // Throws UserError naming the key for banks > kMaxBanks.
    explicit OperandCollector(const RegisterFileSpec& spec);

    static int unloaded_fetch_cycles(const RegisterFileSpec& spec, const WarpInstr& in);

    bool has_free() const { return static_cast<int>(order_.size()) < static_cast<int>(units_.size()); }
    // Takes a free unit at `now` (after the reads of `now`): it reads from the next cycle on.
    void allocate(Cycle now, std::uint32_t warp, const WarpInstr& in);
    // Bank arbitration of every cycle up to and including `last` not yet applied; returns whether
    // any read was granted.
    bool read_through(Cycle last);
    // The cycle the first unit still reading becomes ready (Cycle::never() if none reads), given
    // the reads applied so far and no allocation before then.
    Cycle next_ready() const;
    // The oldest unit whose operands are all read by `now` (-1 if none).
    int oldest_ready(Cycle now) const;
    bool collecting() const;
    // Calls f(unit) for every busy unit, oldest first.
    template <class F>
    void for_each_busy(F&& f) const {
        for (int index : order_) f(index);
    }
    const WarpInstr& instr(int unit) const { return *units_[static_cast<std::size_t>(unit)].instr; }
    std::uint32_t warp(int unit) const { return units_[static_cast<std::size_t>(unit)].warp; }
    Cycle ready_at(int unit) const { return units_[static_cast<std::size_t>(unit)].ready_at; }
    void release(int unit);
    bool idle() const { return order_.empty(); }

    struct State {
        std::uint64_t reads = 0;
        std::uint64_t bank_conflicts = 0;  // reads deferred one cycle because their bank was taken
    };
    const State& state() const { return state_; }
    nlohmann::ordered_json dump_state() const;

private:
    struct Unit {
        const WarpInstr* instr = nullptr;
        std::uint32_t warp = 0;
        int remaining = 0;
        std::array<std::uint8_t, kMaxBanks> pending{};
        Cycle ready_at = Cycle::never();
    };
    // One cycle of arbitration; returns whether any read was granted.
    bool arbitrate(Cycle cycle);

    int banks_;
    int per_bank_;
    Divisor bank_of_;  // register -> bank
    std::vector<Unit> units_;
    std::vector<int> order_;  // busy units, oldest first
    int reading_ = 0;  // busy units with reads left
    Cycle applied_{0};        // arbitration is applied through this cycle
    State state_;
};

}  // namespace stcsim::sim
