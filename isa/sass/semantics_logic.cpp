// Logic, shifts and byte permutes: LOP3, PLOP3, SHF, SHL, SHR, PRMT and their uniform twins.
//
// Sources of the semantics: PTX ISA "lop3" (the 8-bit look-up table indexed by (a<<2)|(b<<1)|c,
// the same table for PLOP3 on predicates, one table per destination predicate), "shf" (funnel
// shift of the 64-bit {hi, lo}; .L / .R, clamp by default, wrap with .W; SASS's .HI selects the
// upper word, .U64 / .S64 shift the 64-bit value, .S32 / .S64 shift arithmetically), "shl" / "shr"
// and "prmt" (default mode: each selector nibble picks one of the 8 bytes of {b, a}, bit 3
// replicates its sign). The predicate output of LOP3 ("LOP3.LUT P0, RZ, ...") is the result
// compared with zero, as compiled `(x & m) != 0` shows. Checked by the integer tests.
#include "isa/sass/semantics.h"

namespace stcsim::isa::sass {
namespace {

std::uint32_t lut3(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t lut) {
    std::uint32_t r = 0;
    for (std::uint32_t i = 0; i < 8; ++i) {
        if (((lut >> i) & 1u) == 0) continue;
        const std::uint32_t ma = (i & 4) ? a : ~a, mb = (i & 2) ? b : ~b, mc = (i & 1) ? c : ~c;
        r |= ma & mb & mc;
    }
    return r;
}

void decode_lop3(Decoded& d) {
    if (!has(d, "LUT")) unsupported(d, "LOP3 without .LUT");
    if (d.ndst > 1) {  // a predicate result: the trailing predicate input must be !PT
        const Operand& last = d.ops.back();
        if (!(last.kind == OperandKind::pred || last.kind == OperandKind::upred) || last.reg != kPT || !last.invert)
            unsupported(d, "a predicate input other than !PT");
    }
}

void lop3(Exec& x) {
    const int n = x.d.ndst;
    int dst = 0, pdst = -1;
    for (int i = 0; i < n; ++i) {
        const auto k = x.op(i).kind;
        if (k == OperandKind::pred || k == OperandKind::upred) pdst = pdst < 0 ? i : pdst;
        else dst = i;
    }
    x.each([&](int lane) {
        const std::uint32_t r = lut3(x.u32(n, lane), x.u32(n + 1, lane), x.u32(n + 2, lane), x.raw(n + 3, lane) & 0xffu);
        x.set(dst, lane, r);
        if (pdst >= 0) x.set_pred(pdst, lane, r != 0);
    });
}

// A PLOP3 input is a predicate or a register's sign bit (`R8.SIGN`): ptxas's saturating int4 mma
// on sm_90 tests 32-bit adds for overflow with `PLOP3.LUT P5, PT, Ra.SIGN, Rb.SIGN, Rsum.SIGN,
// 0x2, 0x0` (both addends non-negative, the sum negative) and then SELects 0x7fffffff.
bool is_sign_bit(const Operand& o) { return o.kind == OperandKind::reg && o.suffix == ".SIGN"; }

void decode_plop3(Decoded& d) {
    for (std::size_t i = 2; i < 5 && i < d.ops.size(); ++i) {
        const Operand& o = d.ops[i];
        if (!(o.kind == OperandKind::pred || o.kind == OperandKind::upred || is_sign_bit(o)))
            unsupported(d, "an input other than a predicate or a register's .SIGN");
    }
}

bool plop3_input(const Exec& x, int i, int lane) {
    if (is_sign_bit(x.op(i))) return (x.raw(i, lane) >> 31) != 0;
    return x.pred(i, lane);
}

void plop3(Exec& x) {
    x.each([&](int lane) {
        const std::uint32_t i = (plop3_input(x, 2, lane) ? 4u : 0u) | (plop3_input(x, 3, lane) ? 2u : 0u) |
                                (plop3_input(x, 4, lane) ? 1u : 0u);
        x.set_pred(0, lane, ((x.raw(5, lane) >> i) & 1u) != 0);
        x.set_pred(1, lane, x.nops() > 6 && ((x.raw(6, lane) >> i) & 1u) != 0);
    });
}

enum : std::uint32_t { kLeft = 1, kHigh = 2, kSigned = 4, k64 = 8, kWrap = 16 };

void decode_shf(Decoded& d) {
    if (has(d, "L")) d.mode |= kLeft;
    else if (!has(d, "R")) unsupported(d, "a shift without .L or .R");
    if (has(d, "HI")) d.mode |= kHigh;
    if (has(d, "S32") || has(d, "S64")) d.mode |= kSigned;
    if (has(d, "U64") || has(d, "S64")) d.mode |= k64;
    if (has(d, "W")) d.mode |= kWrap;
}

void shf(Exec& x) {
    const std::uint32_t mode = x.d.mode;
    const std::uint32_t limit = (mode & k64) ? 64 : 32;
    x.each([&](int lane) {
        const std::uint64_t value = (std::uint64_t{x.u32(3, lane)} << 32) | x.u32(1, lane);
        std::uint32_t s = x.u32(2, lane);
        s = (mode & kWrap) ? (s & (limit - 1)) : (s > limit ? limit : s);
        std::uint64_t r;
        if (mode & kLeft) r = s >= 64 ? 0 : value << s;
        else if (mode & kSigned) r = static_cast<std::uint64_t>(static_cast<std::int64_t>(value) >> (s >= 64 ? 63 : s));
        else r = s >= 64 ? 0 : value >> s;
        x.set(0, lane, static_cast<std::uint32_t>((mode & kHigh) ? r >> 32 : r));
    });
}

// SHL d, a, sh / SHR[.U32] d, a, sh (shift counts above 31 clamp, as PTX shl / shr).
void shl(Exec& x) {
    x.each([&](int lane) {
        const std::uint32_t s = x.u32(2, lane);
        x.set(0, lane, s >= 32 ? 0 : x.u32(1, lane) << s);
    });
}
void shr(Exec& x) {
    const bool u = has(x.d, "U32");
    x.each([&](int lane) {
        const std::uint32_t s = x.u32(2, lane), v = x.u32(1, lane);
        x.set(0, lane, u ? (s >= 32 ? 0 : v >> s)
                         : static_cast<std::uint32_t>(static_cast<std::int32_t>(v) >> (s >= 32 ? 31 : s)));
    });
}

void decode_prmt(Decoded& d) {
    if (!d.inst->modifiers.empty()) unsupported(d, "PRMT modes other than the default");
}

void prmt(Exec& x) {
    x.each([&](int lane) {
        const std::uint64_t bytes = (std::uint64_t{x.u32(3, lane)} << 32) | x.u32(1, lane);
        const std::uint32_t sel = x.u32(2, lane);
        std::uint32_t r = 0;
        for (int i = 0; i < 4; ++i) {
            const std::uint32_t nib = (sel >> (4 * i)) & 0xfu;
            std::uint32_t byte = static_cast<std::uint32_t>(bytes >> (8 * (nib & 7u))) & 0xffu;
            if (nib & 8u) byte = (byte & 0x80u) ? 0xffu : 0u;
            r |= byte << (8 * i);
        }
        x.set(0, lane, r);
    });
}

const Semantics kTable[] = {
    {"LOP3", lop3, kRegAndPreds, Kind::alu, decode_lop3},
    {"ULOP3", lop3, kRegAndPreds, Kind::alu, decode_lop3},
    {"PLOP3", plop3, 2, Kind::alu, decode_plop3},
    {"UPLOP3", plop3, 2, Kind::alu, decode_plop3},
    {"SHF", shf, 1, Kind::alu, decode_shf},
    {"USHF", shf, 1, Kind::alu, decode_shf},
    {"SHL", shl, 1, Kind::alu, nullptr},
    {"USHL", shl, 1, Kind::alu, nullptr},
    {"SHR", shr, 1, Kind::alu, nullptr},
    {"USHR", shr, 1, Kind::alu, nullptr},
    {"PRMT", prmt, 1, Kind::alu, decode_prmt},
    {"UPRMT", prmt, 1, Kind::alu, decode_prmt},
};

}  // namespace

std::span<const Semantics> logic_semantics() { return kTable; }

}  // namespace stcsim::isa::sass
