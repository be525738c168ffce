// The table a pointer-chase kernel follows, as global memory the replay knows
// (isa/sass/global_memory.h): `entries` entries of `entry_bytes` (4 or 8) at `base`, entry i
// leading to entry (i + step) mod entries. An index table holds that entry's index (a 32-bit
// chain, validation/memory/latency.cu); a pointer table its address (Luo et al.'s l1_lat,
// validation/twins/luo_l1_lat.cuh). Only whole, aligned entries are known.
#pragma once

#include <cstdint>
#include <cstring>

#include "isa/sass/global_memory.h"

namespace stcsim::cli {

class ChaseTable final : public isa::sass::GlobalMemory {
public:
    enum class Holds { index, address };
    ChaseTable(std::uint64_t base, std::uint64_t entries, std::uint64_t entry_bytes, std::uint64_t step, Holds holds)
        : base_(base), entries_(entries), entry_bytes_(entry_bytes), step_(step), holds_(holds) {}
    bool read(std::uint64_t address, std::size_t bytes, std::uint8_t* out) const override {
        if (bytes != entry_bytes_ || address < base_ || address >= end() || (address - base_) % entry_bytes_ != 0) return false;
        const std::uint64_t next = ((address - base_) / entry_bytes_ + step_) % entries_;
        const std::uint64_t value = holds_ == Holds::index ? next : base_ + next * entry_bytes_;
        std::memcpy(out, &value, bytes);  // little-endian: the low bytes for a 4-byte entry
        return true;
    }
    bool covers(std::uint64_t address, std::size_t bytes) const override { return address < end() && address + bytes > base_; }

private:
    std::uint64_t end() const { return base_ + entries_ * entry_bytes_; }

    std::uint64_t base_, entries_, entry_bytes_, step_;
    Holds holds_;
};

}  // namespace stcsim::cli
