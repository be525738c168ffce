// One traced warp instruction of the Accel-Sim trace format (see traces/README.md), as the reader
// produces it and the writer consumes it.
//
// A TraceInstruction is a plain value of fixed size: registers and per-lane addresses live in small
// arrays, and the opcode is a pointer to an interned Opcode owned by an OpcodeTable, so reading or
// generating an instruction allocates nothing.
//
// Registers are kept as operands: a base register and a width (how many consecutive registers the
// operand spans). Plain Accel-Sim traces give base registers only (width 1); stcsim's extension
// gives the widths, so that an MMA's every destination and source register is known.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace stcsim::trace {

inline constexpr int kWarpSize = 32;
inline constexpr int kMaxDstOperands = 4;
inline constexpr int kMaxSrcOperands = 8;
inline constexpr int kMaxRegister = 255;  // R255 is RZ, as NVBit reports it

// How the per-lane addresses of a memory instruction are written (the tracer's compression modes).
enum class AddressMode : std::uint8_t {
    list = 0,         // one hex address per active lane
    base_stride = 1,  // base, then a signed decimal stride between consecutive active lanes
    base_delta = 2,   // base, then one signed decimal delta per further active lane
};

// A SASS opcode as written in the trace, e.g. "HMMA.SP.16832.F32": the base opcode ("HMMA") and its
// dot-separated modifiers ("SP", "16832", "F32").
struct Opcode {
    std::string full;
    std::string base;
    std::vector<std::string> modifiers;
    bool is_mma = false;         // HMMA, IMMA, QMMA, DMMA, BMMA
    bool is_sparse_mma = false;
    bool is_wgmma = false;       // HGMMA, IGMMA, QGMMA (sm_90a warp-group MMA; not is_mma)  // an MMA with the .SP modifier: the last source is the metadata register

    bool has_modifier(std::string_view modifier) const;
};

Opcode parse_opcode(std::string_view text);

// Interns opcodes so that instructions can point at them; pointers stay valid for the table's life.
// Its size is bounded by the number of distinct opcodes, not by the length of a trace.
class OpcodeTable {
public:
    const Opcode* intern(std::string_view text);
    std::size_t size() const { return by_name_.size(); }

private:
    const Opcode* intern_slow(std::string_view text);
    // Transparent hashing: looking a std::string_view up builds no std::string.
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    // A direct-mapped cache in front of the map, indexed by a cheap hash of the text: a trace uses
    // a few dozen opcodes, so most lookups end here with one string comparison.
    static constexpr std::size_t kRecent = 64;
    static std::size_t recent_slot(std::string_view text) {
        return (text.size() * 31u + static_cast<unsigned char>(text[text.size() / 2]) * 7u +
                static_cast<unsigned char>(text.back())) % kRecent;
    }
    std::unordered_map<std::string, std::unique_ptr<Opcode>, Hash, std::equal_to<>> by_name_;
    std::array<const Opcode*, kRecent> recent_{};
};

struct RegOperand {
    std::uint8_t reg = 0;    // R0..R255
    std::uint8_t width = 1;  // consecutive registers: reg, reg+1, ..., reg+width-1
    bool operator==(const RegOperand&) const = default;
};

// A Hopper mbarrier operation or TMA copy, from a line's `mbar=` / `tma=` extension token (see
// "TMA and mbarriers" in traces/README.md). kind none on every other line.
enum class AsyncKind : std::uint8_t {
    none,
    mbar_init,      // count: arrivals per phase
    mbar_arrive,    // count: arrivals per lane (0: expect-tx only); bytes: expect-tx per lane
    mbar_complete,  // bytes: transaction bytes done
    mbar_wait,      // count: the parity (0 or 1) of the phase waited for
    mbar_inval,
    tma_load,       // smem, mbar, bytes, box
    tma_store,      // smem, bytes, box
};

inline constexpr int kMaxBoxRowDims = 4;  // a box of rank r has r - 1 row dimensions

struct AsyncOp {
    AsyncKind kind = AsyncKind::none;
    std::uint32_t count = 0;
    std::uint64_t bytes = 0;
    std::uint64_t smem = 0, mbar = 0;  // shared-memory window addresses (TMA)
    // The global bytes of a TMA box: rows of row_bytes contiguous bytes at
    // global + sum(i_d * stride[d]), 0 <= i_d < extent[d], d < row_dims.
    std::uint64_t global = 0;
    std::uint32_t row_bytes = 0;
    std::uint8_t row_dims = 0;
    std::array<std::uint32_t, kMaxBoxRowDims> extent{};
    std::array<std::int64_t, kMaxBoxRowDims> stride{};

    bool is_mbarrier() const { return kind >= AsyncKind::mbar_init && kind <= AsyncKind::mbar_inval; }
    bool is_tma() const { return kind == AsyncKind::tma_load || kind == AsyncKind::tma_store; }
    bool operator==(const AsyncOp&) const = default;
};

struct TraceInstruction {
    std::uint32_t source_line = 0;  // the `[line_num]` field of `-enable lineinfo = 1` traces
    std::uint64_t pc = 0;
    std::uint32_t active_mask = 0;
    const Opcode* opcode = nullptr;
    std::uint8_t dst_count = 0, src_count = 0;
    std::array<RegOperand, kMaxDstOperands> dst{};
    std::array<RegOperand, kMaxSrcOperands> src{};
    bool has_immediate = false;  // tracer version 5 writes an immediate on every line
    std::int64_t immediate = 0;  // DEPBAR's count, the sparsity selector of an .SP MMA, ...
    std::uint32_t mem_width = 0;  // bytes per lane; 0 for an instruction without memory access
    AddressMode address_mode = AddressMode::list;
    std::array<std::uint64_t, kWarpSize> addresses{};  // per lane; 0 for inactive lanes
    AsyncOp async;  // the `mbar=` / `tma=` extension
    // BAR.SYNC's barrier (0..15) and the threads it waits for (0: every thread of the CTA), from the
    // `bar=` extension; 0 and 0 without it.
    std::uint8_t barrier = 0;
    std::uint16_t barrier_threads = 0;
    // The compiler's stall count from the instruction's control bits (the `stall=` extension,
    // 1..15): the warp issues its next instruction no earlier than this many cycles later; 0 when
    // the trace does not say (plain Accel-Sim traces).
    std::uint8_t stall = 0;
    // The `hold` extension: the compiler's yield hint is clear, so the scheduler keeps issuing this
    // warp while it can (sm.scheduler.yield_hints); false without it.
    bool hold = false;

    bool is_memory() const { return mem_width > 0; }
    int active_lanes() const;
    bool lane_active(int lane) const { return ((active_mask >> lane) & 1u) != 0; }
    // Sparse MMA: the metadata register (the last source operand) and the selector (the immediate).
    bool is_sparse_mma() const { return opcode != nullptr && opcode->is_sparse_mma; }
    int metadata_register() const;  // -1 unless a sparse MMA
    int selector() const;           // -1 unless a sparse MMA
    // Every register written / read, expanded over operand widths, in operand order.
    int dst_registers(std::array<std::uint8_t, 64>& out) const;
    int src_registers(std::array<std::uint8_t, 64>& out) const;

    bool operator==(const TraceInstruction& other) const;
};

// The address mode the tracer would choose: base+stride when the active lanes are one contiguous
// run at a constant stride, else base+delta.
AddressMode choose_address_mode(std::uint32_t mask, const std::array<std::uint64_t, kWarpSize>& addresses);

}  // namespace stcsim::trace
