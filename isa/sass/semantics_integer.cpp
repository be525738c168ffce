// Integer arithmetic: IMAD, IADD3, LEA, IMNMX, IABS, POPC, FLO, BREV, BMSK, SGXT (and sm_90's VIADD,
// VIMNMX, VIADDMNMX: the two-input add, min/max and their fusion) and their
// uniform-datapath twins (UIMAD, UIADD3, ULEA, ...), which compute the same on one value per warp.
//
// Sources of the semantics. The opcode names and operand order are those of NVIDIA's "CUDA Binary
// Utilities" instruction-set reference (Ampere / Hopper tables). What each computes is the PTX
// instruction that ptxas lowers to it (PTX ISA, "Integer Arithmetic Instructions"): mad.lo / mad.wide
// / mad.hi for IMAD (.MOV, .SHL and .IADD are the same multiply-add written for a move, a shift or
// an add), add with three inputs and carry chain (add.cc / addc) for IADD3, shl + add for LEA (its
// .HI form is the upper word of a 64-bit shift), min/max for IMNMX (third operand PT: min), popc,
// bfind (FLO), brev, bmsk, and sign/zero extension (SGXT). The carry rules (`-x` counts as ~x + 1,
// the carry out is bit 32 of the sum, .X adds the carry-in predicates) and the funnel forms of
// LEA.HI were derived from compiled kernels and are checked by the integer tests
// (isa/sass/tests/), which compare the emulated addresses of compiled expressions with the
// expressions evaluated on the host.
#include <bit>

#include "isa/sass/semantics.h"

namespace stcsim::isa::sass {
namespace {

enum : std::uint32_t { kWide = 1, kHi = 2, kU32 = 4, kX = 8, kSX32 = 16 };

void decode_int_mode(Decoded& d) {
    if (has(d, "WIDE")) d.mode |= kWide;
    if (has(d, "HI")) d.mode |= kHi;
    if (has(d, "U32")) d.mode |= kU32;
    if (has(d, "X")) d.mode |= kX;
    if (has(d, "SX32")) d.mode |= kSX32;
}

// The value of a source operand as an addend of a carry chain: `-x` is ~x + 1, 33 bits wide.
[[gnu::always_inline]] inline std::uint64_t addend(const Exec& x, int i, int lane) {
    const Operand& o = x.op(i);
    const std::uint32_t v = x.raw(i, lane);
    if (o.negate) return std::uint64_t{~v} + 1;
    if (o.invert) return ~v;
    return v;
}

// The carry-in predicates at the end of an operand list (.X forms), summed.
[[gnu::always_inline]] inline std::uint64_t carry_in(const Exec& x, int first, int lane) {
    std::uint64_t c = 0;
    for (int i = first; i < x.nops(); ++i)
        if (x.op(i).kind == OperandKind::pred || x.op(i).kind == OperandKind::upred) c += x.pred(i, lane) ? 1 : 0;
    return c;
}

// Writes the carry-out predicates (operands 1..ndst-1): the first is set when the carry is at least
// 1, the second when it is 2.
[[gnu::always_inline]] inline void set_carries(Exec& x, int lane, std::uint64_t carry) {
    for (int i = 1; i < x.d.ndst; ++i) x.set_pred(i, lane, carry >= static_cast<std::uint64_t>(i));
}

void imad(Exec& x) {
    const std::uint32_t mode = x.d.mode;
    const int a = x.d.ndst, b = a + 1, c = a + 2;
    x.each([&](int lane) {
        if (mode & kWide) {
            const std::uint64_t pa = (mode & kU32) ? std::uint64_t{x.raw(a, lane)}
                                                   : static_cast<std::uint64_t>(std::int64_t{x.s32(a, lane)});
            const std::uint64_t pb = (mode & kU32) ? std::uint64_t{x.u32(b, lane)}
                                                   : static_cast<std::uint64_t>(std::int64_t{x.s32(b, lane)});
            std::uint64_t pc = x.u64(c, lane);
            if (x.op(c).kind == OperandKind::imm && !x.op(c).from_bank && (mode & kU32)) pc = static_cast<std::uint32_t>(pc);
            x.set64(0, lane, pa * pb + pc + ((mode & kX) ? carry_in(x, c + 1, lane) : 0));
        } else if (mode & kHi) {
            // The upper word of a * b + c, with c a 64-bit register pair: ptxas adds q to
            // __umulhi(q, e) by passing {R2 = 0, R3 = q} as c.
            const std::uint64_t product =
                (mode & kU32) ? std::uint64_t{x.u32(a, lane)} * x.u32(b, lane)
                              : static_cast<std::uint64_t>(std::int64_t{x.s32(a, lane)} * std::int64_t{x.s32(b, lane)});
            const std::uint64_t sum = product + x.u64(c, lane);
            const std::uint64_t carry_out = sum < product ? 1 : 0;
            const std::uint64_t cin = (mode & kX) ? carry_in(x, c + 1, lane) : 0;
            x.set(0, lane, static_cast<std::uint32_t>((sum >> 32) + cin));
            set_carries(x, lane, carry_out);
        } else {
            const std::uint32_t product = x.u32(a, lane) * x.u32(b, lane);
            const std::uint64_t sum = std::uint64_t{product} + addend(x, c, lane) +
                                      ((mode & kX) ? carry_in(x, c + 1, lane) : 0);
            x.set(0, lane, static_cast<std::uint32_t>(sum));
            set_carries(x, lane, sum >> 32);
        }
    });
}

void iadd3(Exec& x) {
    const int a = x.d.ndst;
    const bool extended = x.d.mode & kX;
    if (!extended && a == 1) {  // no carry in or out: a 32-bit sum
        x.each([&](int lane) { x.set(0, lane, x.u32(a, lane) + x.u32(a + 1, lane) + x.u32(a + 2, lane)); });
        return;
    }
    x.each([&](int lane) {
        const std::uint64_t sum = addend(x, a, lane) + addend(x, a + 1, lane) + addend(x, a + 2, lane) +
                                  (extended ? carry_in(x, a + 3, lane) : 0);
        x.set(0, lane, static_cast<std::uint32_t>(sum));
        set_carries(x, lane, sum >> 32);
    });
}

// LEA d, a, b, sh: (a << sh) + b.  LEA.HI d, a, b, a_hi, sh: b + upper word of ({a_hi, a} << sh);
// .SX32 takes a_hi as the sign of a. .X adds the carry-in predicates.
void lea(Exec& x) {
    const std::uint32_t mode = x.d.mode;
    const int a = x.d.ndst, b = a + 1;
    const bool hi = mode & kHi, sx = mode & kSX32;
    const int sh = (hi && !sx) ? a + 3 : a + 2;
    x.each([&](int lane) {
        const std::uint32_t va = x.u32(a, lane);
        const std::uint32_t shift = x.raw(sh, lane) & 63u;
        std::uint64_t shifted;
        if (hi) {
            const std::uint32_t va_hi = sx ? static_cast<std::uint32_t>(static_cast<std::int32_t>(va) >> 31)
                                           : x.u32(a + 2, lane);
            const std::uint64_t wide = (std::uint64_t{va_hi} << 32) | va;
            shifted = (shift >= 64 ? 0 : wide << shift) >> 32;
            shifted &= 0xffffffffu;
        } else {
            shifted = shift >= 32 ? 0 : static_cast<std::uint32_t>(va << shift);
        }
        const std::uint64_t sum = shifted + addend(x, b, lane) + ((mode & kX) ? carry_in(x, sh + 1, lane) : 0);
        x.set(0, lane, static_cast<std::uint32_t>(sum));
        set_carries(x, lane, sum >> 32);
    });
}

void imnmx(Exec& x) {
    const bool u = x.d.mode & kU32;
    x.each([&](int lane) {
        const std::uint32_t a = x.u32(1, lane), b = x.u32(2, lane);
        const bool min = x.pred(3, lane);
        const bool a_less = u ? a < b : static_cast<std::int32_t>(a) < static_cast<std::int32_t>(b);
        x.set(0, lane, (a_less == min) ? a : b);
    });
}

// VIADD d, a, b (sm_90): a + b.
void viadd(Exec& x) {
    x.each([&](int lane) { x.set(0, lane, x.u32(1, lane) + x.u32(2, lane)); });
}

// VIADDMNMX d, a, b, c, P (sm_90): min (P true) or max (P false) of a + b and c, as IMNMX.
void viaddmnmx(Exec& x) {
    const bool u = x.d.mode & kU32;
    x.each([&](int lane) {
        const std::uint32_t sum = x.u32(1, lane) + x.u32(2, lane), c = x.u32(3, lane);
        const bool min = x.pred(4, lane);
        const bool sum_less = u ? sum < c : static_cast<std::int32_t>(sum) < static_cast<std::int32_t>(c);
        x.set(0, lane, (sum_less == min) ? sum : c);
    });
}

void iabs(Exec& x) {
    x.each([&](int lane) {
        const std::int32_t v = static_cast<std::int32_t>(x.raw(1, lane));
        x.set(0, lane, v < 0 ? 0u - static_cast<std::uint32_t>(v) : static_cast<std::uint32_t>(v));
    });
}

void popc(Exec& x) {
    x.each([&](int lane) { x.set(0, lane, static_cast<std::uint32_t>(std::popcount(x.u32(1, lane)))); });
}

// FLO[.U32][.SH] d, a: the position of the most significant 1 (signed: of the most significant bit
// that differs from the sign), 0xffffffff when there is none; .SH gives 31 - position.
void flo(Exec& x) {
    const bool u = x.d.mode & kU32;
    const bool sh = has(x.d, "SH");
    x.each([&](int lane) {
        std::uint32_t v = x.u32(1, lane);
        if (!u && static_cast<std::int32_t>(v) < 0) v = ~v;
        std::uint32_t pos = v == 0 ? 0xffffffffu : 31u - static_cast<std::uint32_t>(std::countl_zero(v));
        if (sh && pos != 0xffffffffu) pos = 31 - pos;
        x.set(0, lane, pos);
    });
}

void brev(Exec& x) {
    x.each([&](int lane) {
        std::uint32_t v = x.u32(1, lane), r = 0;
        for (int i = 0; i < 32; ++i) r |= ((v >> i) & 1u) << (31 - i);
        x.set(0, lane, r);
    });
}

// BMSK d, pos, width: `width` ones starting at bit `pos` (clamped to the word; .W wraps both mod 32).
void bmsk(Exec& x) {
    const bool wrap = has(x.d, "W");
    x.each([&](int lane) {
        std::uint32_t pos = x.u32(1, lane), width = x.u32(2, lane);
        if (wrap) pos &= 31, width &= 31;
        pos = pos > 32 ? 32 : pos;
        width = width > 32 ? 32 : width;
        const std::uint64_t ones = (std::uint64_t{1} << width) - 1;
        x.set(0, lane, static_cast<std::uint32_t>((ones << pos) & 0xffffffffu));
    });
}

// SGXT[.U32] d, a, bits: a's low `bits` bits, sign-extended (zero-extended with .U32).
void sgxt(Exec& x) {
    const bool u = x.d.mode & kU32;
    x.each([&](int lane) {
        const std::uint32_t v = x.u32(1, lane), bits = x.u32(2, lane);
        std::uint32_t r = v;
        if (bits == 0) r = 0;
        else if (bits < 32) {
            const std::uint32_t m = (1u << bits) - 1;
            r = v & m;
            if (!u && ((r >> (bits - 1)) & 1u)) r |= ~m;
        }
        x.set(0, lane, r);
    });
}

const Semantics kTable[] = {
    {"IMAD", imad, kRegAndPreds, Kind::alu, decode_int_mode},
    {"UIMAD", imad, kRegAndPreds, Kind::alu, decode_int_mode},
    {"IADD3", iadd3, kRegAndPreds, Kind::alu, decode_int_mode},
    {"UIADD3", iadd3, kRegAndPreds, Kind::alu, decode_int_mode},
    {"LEA", lea, kRegAndPreds, Kind::alu, decode_int_mode},
    {"ULEA", lea, kRegAndPreds, Kind::alu, decode_int_mode},
    {"IMNMX", imnmx, 1, Kind::alu, decode_int_mode},
    {"UIMNMX", imnmx, 1, Kind::alu, decode_int_mode},
    {"VIADD", viadd, 1, Kind::alu, nullptr},
    {"VIMNMX", imnmx, 1, Kind::alu, decode_int_mode},
    {"VIADDMNMX", viaddmnmx, 1, Kind::alu, decode_int_mode},
    {"IABS", iabs, 1, Kind::alu, nullptr},
    {"POPC", popc, 1, Kind::alu, nullptr},
    {"UPOPC", popc, 1, Kind::alu, nullptr},
    {"FLO", flo, 1, Kind::alu, decode_int_mode},
    {"UFLO", flo, 1, Kind::alu, decode_int_mode},
    {"BREV", brev, 1, Kind::alu, nullptr},
    {"UBREV", brev, 1, Kind::alu, nullptr},
    {"BMSK", bmsk, 1, Kind::alu, nullptr},
    {"UBMSK", bmsk, 1, Kind::alu, nullptr},
    {"SGXT", sgxt, 1, Kind::alu, decode_int_mode},
    {"USGXT", sgxt, 1, Kind::alu, decode_int_mode},
};

}  // namespace

std::span<const Semantics> integer_semantics() { return kTable; }

}  // namespace stcsim::isa::sass
