// The context one instruction executes in, and the operand accessors every semantics table uses.
//
// Contract: an Exec binds a decoded instruction to a warp, the lanes it runs on (active and guard
// true; one lane for uniform instructions), the CTA's shared memory and the per-lane addresses it
// produces. Reads apply the operand's prefixes the integer way (`-x`: two's complement, `~x`:
// complement, `|x|`: absolute value) unless the raw accessor is used; writes drop RZ/URZ/PT and
// update the destination's known-ness. A handler that cannot give a meaningful value (data loaded
// from global memory, floating-point values from opaque inputs) clears `known`.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/errors.h"
#include "isa/sass/async_record.h"
#include "isa/sass/program.h"
#include "isa/sass/warp_state.h"

namespace stcsim::isa::sass {

// The shared memory of one CTA, with one known-flag per byte.
struct SharedMemory {
    std::vector<std::uint8_t> bytes, known;
    void reset(std::size_t size) {
        bytes.assign(size, 0);
        known.assign(size, 1);
    }
};

struct CtaContext {
    Dim ctaid;
    const Program* program = nullptr;
    SharedMemory shared;
    std::unordered_map<std::uint32_t, MbarrierState> mbarriers;  // by shared-memory offset
    AsyncRecord async;  // what the current mbarrier / TMA instruction did (kind none otherwise)
};

struct Exec {
    WarpState& w;
    const Decoded& d;
    CtaContext& cta;
    std::uint32_t mask;                   // lanes that execute
    std::array<std::uint64_t, kLanes>& addresses;  // per lane, for memory instructions
    bool known = true;                    // the results are known values
    std::uint32_t access_mask = ~0u;      // memory instructions: the lanes that access memory (of mask)

    const Operand& op(int i) const {
        if (static_cast<std::size_t>(i) >= d.ops.size())  // malformed text: fewer operands than the opcode has
            fail("expected at least " + std::to_string(i + 1) + " operands, found " + std::to_string(d.ops.size()));
        return d.ops[static_cast<std::size_t>(i)];
    }
    int nops() const { return static_cast<int>(d.ops.size()); }
    [[noreturn]] void fail(const std::string& reason) const {
        throw UserError(cta.program->where(d) + ": " + reason);
    }

    // Operand access without a switch per lane: for registers a pointer to the register's 32 lanes,
    // for uniform registers and immediates a pointer to the one value (step 0). Set by prepare().
    static constexpr int kFastOperands = 10;
    std::array<const std::uint32_t*, kFastOperands> fast{};
    std::array<std::uint32_t, kFastOperands> step{}, constant{};
    // Destinations (the first ndst operands): where lane `l` of a register / uniform register goes
    // (out[i][l * out_step[i]]); RZ / URZ write to a scratch row. Null for predicates.
    std::array<std::uint32_t*, 4> out{};
    std::array<std::uint32_t, 4> out_step{};
    std::array<std::uint32_t, kLanes> scratch{};

    void prepare() {
        const int n = std::min(nops(), kFastOperands);
        for (int i = 0; i < n; ++i) {
            const Operand& o = op(i);
            const auto k = static_cast<std::size_t>(i);
            switch (o.kind) {
                case OperandKind::reg: fast[k] = w.r[o.reg].data(), step[k] = 1; break;
                case OperandKind::ureg: constant[k] = w.ur[o.reg], fast[k] = &constant[k], step[k] = 0; break;
                case OperandKind::imm: constant[k] = static_cast<std::uint32_t>(o.imm), fast[k] = &constant[k], step[k] = 0; break;
                default: fast[k] = nullptr; break;
            }
        }
        for (int i = 0; i < std::min<int>(d.ndst, 4); ++i) {
            const Operand& o = op(i);
            const auto k = static_cast<std::size_t>(i);
            out[k] = nullptr;
            if (o.kind == OperandKind::reg) out[k] = o.reg == kRZ ? scratch.data() : w.r[o.reg].data(), out_step[k] = 1;
            else if (o.kind == OperandKind::ureg) out[k] = o.reg == kURZ ? scratch.data() : &w.ur[o.reg], out_step[k] = 0;
        }
    }

    // The operand's 32-bit value in `lane`, without prefixes.
    [[gnu::always_inline]] std::uint32_t raw(int i, int lane) const {
        if (i < kFastOperands && fast[static_cast<std::size_t>(i)] != nullptr)
            return fast[static_cast<std::size_t>(i)][static_cast<std::size_t>(lane) * step[static_cast<std::size_t>(i)]];
        return raw_general(i, lane);
    }
    std::uint32_t raw_general(int i, int lane) const {
        const Operand& o = op(i);
        switch (o.kind) {
            case OperandKind::reg: return w.r[o.reg][static_cast<std::size_t>(lane)];
            case OperandKind::ureg: return w.ur[o.reg];
            case OperandKind::imm: return static_cast<std::uint32_t>(o.imm);
            case OperandKind::fimm: return std::bit_cast<std::uint32_t>(static_cast<float>(o.fimm));
            case OperandKind::cbank: return cbank(o, lane, 0);
            case OperandKind::pred: return pred(i, lane) ? 1u : 0u;
            case OperandKind::upred: return pred(i, lane) ? 1u : 0u;
            default: fail("operand " + std::to_string(i) + " is not a value");
        }
    }
    [[gnu::always_inline]] std::uint32_t u32(int i, int lane) const {
        const Operand& o = op(i);
        std::uint32_t v = raw(i, lane);
        if (o.absolute) v = static_cast<std::int32_t>(v) < 0 ? 0u - v : v;
        if (o.negate) v = 0u - v;
        if (o.invert) v = ~v;
        return v;
    }
    std::int32_t s32(int i, int lane) const { return static_cast<std::int32_t>(u32(i, lane)); }
    // A 64-bit operand: a register pair, a constant (8 bytes of the bank) or a sign-extended immediate.
    std::uint64_t u64(int i, int lane) const {
        const Operand& o = op(i);
        std::uint64_t v = 0;
        switch (o.kind) {
            case OperandKind::reg:
                v = o.reg == kRZ ? 0
                                 : w.r[o.reg][static_cast<std::size_t>(lane)] |
                                       std::uint64_t{w.r[(o.reg + 1u) & 255u][static_cast<std::size_t>(lane)]} << 32;
                break;
            case OperandKind::ureg:
                v = o.reg == kURZ ? 0 : w.ur[o.reg] | std::uint64_t{w.ur[(o.reg + 1u) & 63u]} << 32;
                break;
            case OperandKind::imm: v = static_cast<std::uint64_t>(o.imm); break;
            case OperandKind::cbank: v = cbank(o, lane, 0) | std::uint64_t{cbank(o, lane, 4)} << 32; break;
            default: fail("operand " + std::to_string(i) + " is not a 64-bit value");
        }
        if (o.negate) v = 0 - v;
        if (o.invert) v = ~v;
        return v;
    }
    float f32(int i, int lane) const {
        const Operand& o = op(i);
        float v = o.kind == OperandKind::fimm ? static_cast<float>(o.fimm) : std::bit_cast<float>(raw(i, lane));
        if (o.absolute) v = v < 0 ? -v : v;
        if (o.negate) v = -v;
        return v;
    }
    [[gnu::always_inline]] bool pred(int i, int lane) const {
        const Operand& o = op(i);
        bool v = o.kind == OperandKind::pred    ? ((w.p[o.reg] >> lane) & 1u) != 0
                 : o.kind == OperandKind::upred ? w.up[o.reg]
                                                : fail_bool(i);
        return o.invert ? !v : v;
    }
    std::uint32_t cbank(const Operand& o, int lane, int extra) const {
        std::int64_t offset = o.imm + extra;
        if (o.index_reg != kRZ) offset += std::int64_t{w.r[o.index_reg][static_cast<std::size_t>(lane)]} * o.scale;
        if (o.index_ureg != kURZ) offset += w.ur[o.index_ureg];
        const auto& bank = cta.program->bank0();
        std::uint32_t v = 0;
        if (offset < 0) fail("constant bank offset below 0");
        if (static_cast<std::size_t>(offset) + 4 <= bank.size()) std::memcpy(&v, bank.data() + offset, 4);
        else fail("constant bank read beyond the parameters");
        return v;
    }

    [[gnu::always_inline]] void set(int i, int lane, std::uint32_t v, int part = 0) {
        if (part == 0 && i < 4 && out[static_cast<std::size_t>(i)] != nullptr) {
            out[static_cast<std::size_t>(i)][static_cast<std::size_t>(lane) * out_step[static_cast<std::size_t>(i)]] = v;
            return;
        }
        set_general(i, lane, v, part);
    }
    void set_general(int i, int lane, std::uint32_t v, int part) {
        const Operand& o = op(i);
        if (o.kind == OperandKind::reg) {
            if (o.reg != kRZ) w.r[(o.reg + part) & 255][static_cast<std::size_t>(lane)] = v;
        } else if (o.kind == OperandKind::ureg) {
            if (o.reg != kURZ) w.ur[(o.reg + part) & 63] = v;
        } else {
            fail("operand " + std::to_string(i) + " is not a register");
        }
    }
    void set64(int i, int lane, std::uint64_t v) {
        set(i, lane, static_cast<std::uint32_t>(v), 0);
        set(i, lane, static_cast<std::uint32_t>(v >> 32), 1);
    }
    [[gnu::always_inline]] void set_pred(int i, int lane, bool v) {
        const Operand& o = op(i);
        if (o.reg == kPT) return;
        if (o.kind == OperandKind::pred) {
            const std::uint32_t bit = 1u << lane;
            w.p[o.reg] = v ? (w.p[o.reg] | bit) : (w.p[o.reg] & ~bit);
        } else if (o.kind == OperandKind::upred) {
            w.up[o.reg] = v;
        } else {
            fail("operand " + std::to_string(i) + " is not a predicate");
        }
    }

    template <typename F>
    void each(F&& f) {
        for (std::uint32_t m = mask; m != 0; m &= m - 1) f(std::countr_zero(m));
    }

private:
    [[noreturn]] bool fail_bool(int i) const { fail("operand " + std::to_string(i) + " is not a predicate"); }
};

}  // namespace stcsim::isa::sass
