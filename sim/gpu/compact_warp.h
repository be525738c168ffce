// The compact form in which a resident thread block's warps are kept: one byte stream per warp,
// a few bytes per instruction, so that a block costs little memory however long it runs.
//
// Record of one instruction, in program order:
//   varint  the instruction's index in the kernel's table of distinct instructions (KernelDecoder)
// and, for a memory instruction, its per-lane addresses:
//   varint  address pattern p (AddressPatterns): 0 = none, the lanes follow explicitly
//   zigzag  base - the base of the previous memory instruction in the same slot, where base is
//           the first active lane's address and slot = instruction index mod kSlots (GEMM loops
//           advance one instruction's addresses by a constant step, so these deltas are small)
//   p = 0:  varint mask, then per further active lane zigzag (address - previous lane's address)
// and, for an mbarrier operation or a TMA copy (after its addresses, if any), its AsyncOp:
//   varint kind, count, bytes, smem, mbar, global, row_bytes, row_dims, then per row dimension
//   varint extent and zigzag stride (kept with the block: a TMA copy's addresses change with
//   every copy, so they are not interned).
// A pattern is an active mask and each active lane's offset from the first one: traced kernels
// repeat few of them, so they are interned once per kernel (at most kMaxPatterns; addresses of
// further shapes are written explicitly).
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/memory/shared_memory.h"
#include "sim/trace/trace_instruction.h"

namespace stcsim::sim {

class AddressPatterns {
public:
    static constexpr std::size_t kMaxPatterns = 1 << 14;
    explicit AddressPatterns(std::size_t max_patterns = kMaxPatterns) : max_(max_patterns) {}
    struct Pattern {
        std::uint32_t mask = 0;
        std::array<std::uint64_t, 32> offset{};  // per lane, from the first active lane (wrapping)
        std::uint32_t next = 0;                  // the next pattern with the same hash, + 1
    };
    // The pattern of `lanes` (the active lanes' addresses, in lane order) + 1, or 0 when the
    // table is full and the pattern is new.
    std::uint32_t intern(std::uint32_t mask, const std::uint64_t* lanes, int n);
    const Pattern& at(std::uint32_t p) const { return table_[p - 1]; }

private:
    std::size_t max_;
    std::vector<Pattern> table_;
    std::unordered_map<std::uint64_t, std::uint32_t> by_hash_;  // hash -> first pattern + 1
};

struct CompactWarp {
    static constexpr std::size_t kSlots = 32;
    std::vector<std::uint8_t> bytes;
    std::uint64_t count = 0;                   // instructions
    std::array<std::uint64_t, kSlots> base{};  // encoder state: last base per slot
    std::uint64_t last_pc = 0;                 // encoder state: the PC of the last instruction (count > 0)

    void clear();
    // Appends one instruction; `lanes`/`n`: the active lanes' addresses of a memory instruction.
    void append(std::uint32_t index, bool memory, std::uint32_t mask, const std::uint64_t* lanes, int n,
                AddressPatterns& patterns);
    // Appends the operation of the instruction appended last (an mbarrier operation or TMA copy).
    void append_async(const trace::AsyncOp& op);
    // Gives back memory that a longer block needed (after a block much longer than usual).
    void trim();
};

// Reads a CompactWarp back, one instruction at a time.
class CompactReader {
public:
    // `warp` must not change while it is read.
    void reset(const CompactWarp& warp, const AddressPatterns& patterns);
    bool at_end() const { return next_ == end_; }
    // The next instruction's index; for a memory instruction, read_addresses(index) must follow
    // before the next call. addresses(): the lanes of the last memory instruction read.
    std::uint32_t next_index();
    void read_addresses(std::uint32_t index);
    void addresses(LaneAddresses& out) const;
    // The operation of the current instruction (after read_addresses, for an mbarrier operation).
    void read_async(trace::AsyncOp& out);

private:
    std::uint64_t varint();
    std::int64_t zigzag();

    const AddressPatterns* patterns_ = nullptr;
    const std::uint8_t* next_ = nullptr;  // the next byte of the warp's stream
    const std::uint8_t* end_ = nullptr;
    std::array<std::uint64_t, CompactWarp::kSlots> base_{};
    std::uint32_t pattern_ = 0;  // of the current memory instruction
    std::uint64_t current_ = 0;  // its base
    LaneAddresses explicit_;     // its lanes when pattern_ == 0
};

}  // namespace stcsim::sim
