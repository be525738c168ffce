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
// Each bank serves its reads in allocation order, reads_per_bank_per_cycle a cycle, whatever the
// other banks do: a work-conserving FIFO per bank. So the cycle each read is granted, and with it
// the unit's ready cycle and the bank conflicts it meets, are known when the unit is allocated
// (younger units never delay older ones); nothing is computed cycle by cycle, and a
// sub-partition that only collects operands need not tick until a unit is ready.
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
    // The same for this register file: the cycles `in` reads for when no other unit reads.
    int unloaded_fetch_cycles(const WarpInstr& in) const;

    bool has_free() const { return static_cast<int>(order_.size()) < static_cast<int>(units_.size()); }
    // Takes a free unit at `now` (after the reads of `now`): it reads from the next cycle on.
    // Its reads and bank conflicts are counted now.
    // `tag` travels with the instruction to dispatch (a wgmma's commit group). Returns the unit.
    int allocate(Cycle now, std::uint32_t warp, const WarpInstr& in, std::uint32_t tag = 0);
    // The oldest unit whose operands are all read by `now` (-1 if none).
    int oldest_ready(Cycle now) const;
    // Calls f(unit) for every busy unit, oldest first.
    template <class F>
    void for_each_busy(F&& f) const {
        for (int index : order_) f(index);
    }
    const WarpInstr& instr(int unit) const { return *units_[static_cast<std::size_t>(unit)].instr; }
    std::uint32_t warp(int unit) const { return units_[static_cast<std::size_t>(unit)].warp; }
    std::uint32_t tag(int unit) const { return units_[static_cast<std::size_t>(unit)].tag; }
    Cycle ready_at(int unit) const { return units_[static_cast<std::size_t>(unit)].ready_at; }
    void release(int unit);
    bool idle() const { return order_.empty(); }

    struct State {
        std::uint64_t reads = 0;
        // Per cycle a unit waits on a bank: the reads it could not get there, at most a cycle's
        // worth (reads_per_bank_per_cycle).
        std::uint64_t bank_conflicts = 0;
    };
    const State& state() const { return state_; }
    nlohmann::ordered_json dump_state() const;

private:
    struct Unit {
        const WarpInstr* instr = nullptr;
        std::uint32_t warp = 0;
        std::uint32_t tag = 0;
        Cycle ready_at = Cycle::never();
    };
    // Books `reads` reads in `bank` for a unit that may read from cycle `first` on; returns the
    // cycle of its last read there.
    std::uint64_t book(int bank, int reads, std::uint64_t first);

    int banks_;
    int per_bank_;
    Divisor bank_of_;  // register -> bank
    std::vector<Unit> units_;
    std::vector<int> order_;  // busy units, oldest first
    // Per bank: the first read slot not yet booked (slot = cycle * reads_per_bank_per_cycle + i).
    std::array<std::uint64_t, kMaxBanks> next_slot_{};
    State state_;
};

}  // namespace stcsim::sim
