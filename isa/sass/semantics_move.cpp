// Moves, constants, special registers and warp-wide exchanges: MOV, UMOV, ULDC, LDC, S2R, S2UR,
// CS2R, R2UR, SHFL, VOTE, VOTEU.
//
// Sources of the semantics: PTX ISA "mov", "ld.const" (ULDC / LDC read constant bank 0, whose
// layout at the architecture's ABI offsets is documented in program.h), "Special Registers"
// (%tid, %ctaid, %laneid, %lanemask_*; %clock, %smid and the like are values the emulator cannot
// know and are opaque), "shfl.sync" (its pseudocode: the clamp value in c[4:0], the segment mask
// in c[12:8], out-of-range lanes read their own value and clear the predicate) and "vote.sync"
// (ballot into the register, .ALL / .ANY / .EQ into the predicate). CS2R with SRZ writes zero to a
// register pair (.32: one register), which is how compiled code clears accumulators.
#include "isa/sass/semantics.h"

namespace stcsim::isa::sass {
namespace {

void mov(Exec& x) {
    x.each([&](int lane) { x.set(0, lane, x.u32(1, lane)); });
}

// ULDC / LDC: .64 reads two words; .U8 / .S8 / .U16 / .S16 one narrow value.
void ldc(Exec& x) {
    const bool wide = has(x.d, "64");
    const int narrow = has(x.d, "U8") || has(x.d, "S8") ? 8 : has(x.d, "U16") || has(x.d, "S16") ? 16 : 0;
    const bool sign = has(x.d, "S8") || has(x.d, "S16");
    x.each([&](int lane) {
        if (wide) {
            x.set64(0, lane, x.u64(1, lane));
        } else if (narrow != 0) {
            std::uint32_t v = x.raw(1, lane) & ((1u << narrow) - 1);
            if (sign && ((v >> (narrow - 1)) & 1u)) v |= ~((1u << narrow) - 1);
            x.set(0, lane, v);
        } else {
            x.set(0, lane, x.raw(1, lane));
        }
    });
}

// The value of a special register in a lane; false when the emulator cannot know it.
bool special(const Exec& x, const std::string& name, int lane, std::uint32_t& v) {
    const auto l = static_cast<std::size_t>(lane);
    const std::uint32_t bit = 1u << lane;
    if (name == "SR_TID.X") v = x.w.tid_x[l];
    else if (name == "SR_TID.Y") v = x.w.tid_y[l];
    else if (name == "SR_TID.Z") v = x.w.tid_z[l];
    else if (name == "SR_CTAID.X") v = x.cta.ctaid.x;
    else if (name == "SR_CTAID.Y") v = x.cta.ctaid.y;
    else if (name == "SR_CTAID.Z") v = x.cta.ctaid.z;
    else if (name == "SR_LANEID") v = static_cast<std::uint32_t>(lane);
    else if (name == "SR_EQMASK") v = bit;
    else if (name == "SR_LTMASK") v = bit - 1;
    else if (name == "SR_LEMASK") v = bit | (bit - 1);
    else if (name == "SR_GTMASK") v = ~(bit | (bit - 1));
    else if (name == "SR_GEMASK") v = ~(bit - 1);
    else if (name == "SRZ") v = 0;
    else if (name == "SR_CgaCtaId") v = 0;  // the CTA's rank in its cluster: launches have no clusters here
    else return false;
    return true;
}

void s2r(Exec& x) {
    const std::string& name = x.op(1).text;
    x.each([&](int lane) {
        std::uint32_t v = 0;
        if (!special(x, name, lane, v)) x.known = false;
        x.set(0, lane, v);
    });
}

void decode_s2r(Decoded& d) {
    if (d.ops.size() < 2) throw UserError("S2R needs a destination and a special register");
    const std::string& name = d.ops[1].text;
    static const char* opaque[] = {"SR_CLOCKLO", "SR_CLOCKHI", "SR_GLOBALTIMERLO", "SR_GLOBALTIMERHI", "SR_SMID",
                                   "SR_VIRTUALSMID", "SR_WARPID", "SR_VIRTID", "SR_NSMID"};
    for (const char* o : opaque)
        if (name == o) return;
    static const char* known[] = {"SR_TID.X", "SR_TID.Y", "SR_TID.Z", "SR_CTAID.X", "SR_CTAID.Y", "SR_CTAID.Z",
                                  "SR_LANEID", "SR_EQMASK", "SR_LTMASK", "SR_LEMASK", "SR_GTMASK", "SR_GEMASK", "SRZ",
                                  "SR_CgaCtaId"};
    for (const char* k : known)
        if (name == k) return;
    unsupported(d, "special register " + name);
}

void cs2r(Exec& x) {
    const bool narrow = has(x.d, "32");
    const bool zero = x.op(1).text == "SRZ";
    if (!zero) x.known = false;
    x.each([&](int lane) {
        x.set(0, lane, 0);
        if (!narrow) x.set(0, lane, 0, 1);
    });
}

void shfl(Exec& x) {
    const std::string mode = x.d.inst->modifiers.empty() ? "" : x.d.inst->modifiers[0];
    std::array<std::uint32_t, kLanes> src{};
    for (int lane = 0; lane < kLanes; ++lane) src[static_cast<std::size_t>(lane)] = x.u32(2, lane);
    x.each([&](int lane) {
        const auto l = static_cast<std::uint32_t>(lane);
        const std::uint32_t b = x.u32(3, lane) & 31u, c = x.u32(4, lane);
        const std::uint32_t clamp = c & 31u, seg = (c >> 8) & 31u;
        const std::uint32_t max_lane = (l & seg) | (clamp & ~seg), min_lane = l & seg;
        std::int64_t j = 0;
        bool valid = false;
        if (mode == "UP") j = std::int64_t{l} - b, valid = j >= std::int64_t{max_lane};
        else if (mode == "DOWN") j = std::int64_t{l} + b, valid = j <= std::int64_t{max_lane};
        else if (mode == "BFLY") j = l ^ b, valid = j <= std::int64_t{max_lane};
        else j = min_lane | (b & ~seg), valid = j <= std::int64_t{max_lane};
        if (!valid) j = l;
        x.set(1, lane, src[static_cast<std::size_t>(j & 31)]);
        x.set_pred(0, lane, valid);
    });
}

void decode_shfl(Decoded& d) {
    const auto& m = d.inst->modifiers;
    if (m.size() != 1 || (m[0] != "IDX" && m[0] != "UP" && m[0] != "DOWN" && m[0] != "BFLY"))
        unsupported(d, "a shuffle mode other than IDX, UP, DOWN, BFLY");
}

// VOTE.{ALL,ANY,EQ} d, Pout, Pin and VOTEU (the ballot into a uniform register).
void vote(Exec& x) {
    const bool uniform_dst = x.op(0).kind == OperandKind::ureg || x.op(0).kind == OperandKind::upred;
    const int pin = x.nops() - 1;
    std::uint32_t ballot = 0;
    x.each([&](int lane) { ballot |= x.pred(pin, lane) ? (1u << lane) : 0u; });
    const bool all = ballot == x.mask, any = ballot != 0, eq = all || !any;
    const std::string& m = x.d.inst->modifiers.empty() ? std::string() : x.d.inst->modifiers[0];
    const bool p = m == "ALL" ? all : m == "ANY" ? any : eq;
    x.each([&](int lane) {
        int i = 0;
        if (x.op(0).kind == OperandKind::reg || x.op(0).kind == OperandKind::ureg) x.set(i++, lane, ballot);
        if (i < x.d.ndst) x.set_pred(i, lane, p);
    });
    (void)uniform_dst;
}

void decode_vote(Decoded& d) {
    const auto& m = d.inst->modifiers;
    if (m.size() != 1 || (m[0] != "ALL" && m[0] != "ANY" && m[0] != "EQ")) unsupported(d, "a vote mode");
    d.ndst = static_cast<std::uint8_t>(d.ops.size() - 1);
}

// R2UR UR, R: the register's value in the lowest active lane (compilers use it for warp-uniform values).
// R2UR P, UR, R (sm_90): the same, and P true in the lanes whose R differs from it; compilers loop
// over the distinct values of R this way (`@P BRA.U.ANY` back until no lane differs).
void r2ur(Exec& x) {
    if (x.mask == 0) return;
    const int lane = std::countr_zero(x.mask);
    if (x.d.ndst == 2) {
        const std::uint32_t v = x.u32(2, lane);
        x.set(1, lane, v);
        x.each([&](int l) { x.set_pred(0, l, x.u32(2, l) != v); });
        return;
    }
    x.set(0, lane, x.u32(1, lane));
}

void decode_r2ur(Decoded& d) {
    if (!d.ops.empty() && d.ops[0].kind == OperandKind::pred) d.ndst = 2;
}

const Semantics kTable[] = {
    {"MOV", mov, 1, Kind::alu, nullptr},
    {"UMOV", mov, 1, Kind::alu, nullptr},
    {"ULDC", ldc, 1, Kind::alu, nullptr},
    {"LDC", ldc, 1, Kind::alu, nullptr},
    {"S2R", s2r, 1, Kind::alu, decode_s2r},
    {"S2UR", s2r, 1, Kind::alu, decode_s2r},
    {"CS2R", cs2r, 1, Kind::alu, decode_s2r},
    {"SHFL", shfl, 2, Kind::alu, decode_shfl},
    {"VOTE", vote, 2, Kind::alu, decode_vote},
    {"VOTEU", vote, 2, Kind::alu, decode_vote},
    {"R2UR", r2ur, 1, Kind::alu, decode_r2ur},
};

}  // namespace

std::span<const Semantics> move_semantics() { return kTable; }

}  // namespace stcsim::isa::sass
