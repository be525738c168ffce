// Comparisons, predicates and selects: ISETP, FSETP, P2R, R2P, SEL, FSEL, FMNMX and uniform twins.
//
// Sources of the semantics: PTX ISA "setp" (compare, then combine with a predicate by .AND / .OR /
// .XOR; the second destination receives the negated compare combined the same way; the float
// compares with U are true on unordered operands), "selp" (SEL: P ? a : b), "min" / "max". The
// extended compare ISETP.*.EX (the upper words of a 64-bit compare, its last operand the result of
// the lower words' compare) and P2R / R2P (predicates P0..P6 to and from bits 0..6 of a register,
// under a mask, .B1..B3 and register suffixes moving the byte) were derived from compiled 64-bit
// compares and predicate spills, and are checked by the integer tests.
#include <cmath>

#include "isa/sass/semantics.h"

namespace stcsim::isa::sass {
namespace {

enum Cmp : std::uint32_t { kF, kLT, kEQ, kLE, kGT, kNE, kGE, kT, kNUM, kNAN, kLTU, kEQU, kLEU, kGTU, kNEU, kGEU };
enum : std::uint32_t { kUnsigned = 1u << 8, kEx = 1u << 9, kAnd = 0u << 10, kOr = 1u << 10, kXor = 2u << 10 };

void decode_setp(Decoded& d) {
    static const std::pair<const char*, Cmp> names[] = {
        {"F", kF},     {"LT", kLT},   {"EQ", kEQ},   {"LE", kLE},   {"GT", kGT},   {"NE", kNE},
        {"GE", kGE},   {"T", kT},     {"NUM", kNUM}, {"NAN", kNAN}, {"LTU", kLTU}, {"EQU", kEQU},
        {"LEU", kLEU}, {"GTU", kGTU}, {"NEU", kNEU}, {"GEU", kGEU}};
    bool found = false;
    for (const auto& [name, cmp] : names)
        if (has(d, name)) d.mode |= cmp, found = true;
    if (!found) unsupported(d, "a compare without a condition");
    if (has(d, "U32")) d.mode |= kUnsigned;
    if (has(d, "EX")) d.mode |= kEx;
    if (has(d, "OR")) d.mode |= kOr;
    else if (has(d, "XOR")) d.mode |= kXor;
    else if (!has(d, "AND")) unsupported(d, "a compare without .AND, .OR or .XOR");
}

bool combine(std::uint32_t mode, bool a, bool b) {
    switch (mode & (3u << 10)) {
        case kOr: return a || b;
        case kXor: return a != b;
        default: return a && b;
    }
}

template <typename T>
bool compare(std::uint32_t cmp, T a, T b) {
    switch (cmp) {
        case kLT: return a < b;
        case kEQ: return a == b;
        case kLE: return a <= b;
        case kGT: return a > b;
        case kNE: return a != b;
        case kGE: return a >= b;
        case kT: return true;
        default: return false;
    }
}

// The upper-word compare of a 64-bit compare: equal upper words defer to the lower words' result.
template <typename T>
bool compare_ex(std::uint32_t cmp, T a, T b, bool low) {
    switch (cmp) {
        case kEQ: return a == b && low;
        case kNE: return a != b || low;
        case kLT: case kLE: return a < b || (a == b && low);
        case kGT: case kGE: return a > b || (a == b && low);
        default: return compare(cmp, a, b);
    }
}

void isetp(Exec& x) {
    const std::uint32_t mode = x.d.mode, cmp = mode & 0xffu;
    const bool u = mode & kUnsigned, ex = mode & kEx;
    x.each([&](int lane) {
        const std::uint32_t a = x.u32(2, lane), b = x.u32(3, lane);
        bool c;
        if (ex) {
            const bool low = x.pred(5, lane);
            c = u ? compare_ex(cmp, a, b, low)
                  : compare_ex(cmp, static_cast<std::int32_t>(a), static_cast<std::int32_t>(b), low);
        } else {
            c = u ? compare(cmp, a, b) : compare(cmp, static_cast<std::int32_t>(a), static_cast<std::int32_t>(b));
        }
        const bool p = x.pred(4, lane);
        x.set_pred(0, lane, combine(mode, c, p));
        x.set_pred(1, lane, combine(mode, !c, p));
    });
}

bool fcompare(std::uint32_t cmp, float a, float b) {
    const bool unordered = std::isnan(a) || std::isnan(b);
    switch (cmp) {
        case kNUM: return !unordered;
        case kNAN: return unordered;
        case kLTU: return unordered || a < b;
        case kEQU: return unordered || a == b;
        case kLEU: return unordered || a <= b;
        case kGTU: return unordered || a > b;
        case kNEU: return unordered || a != b;
        case kGEU: return unordered || a >= b;
        default: return !unordered && compare(cmp, a, b);
    }
}

void fsetp(Exec& x) {
    const std::uint32_t mode = x.d.mode, cmp = mode & 0xffu;
    x.each([&](int lane) {
        const bool c = fcompare(cmp, x.f32(2, lane), x.f32(3, lane));
        const bool p = x.pred(4, lane);
        x.set_pred(0, lane, combine(mode, c, p));
        x.set_pred(1, lane, combine(mode, !c, p));
    });
}

int byte_shift(const Decoded& d) {
    for (int i = 1; i <= 3; ++i)
        if (has(d, "B" + std::to_string(i))) return 8 * i;
    return 0;
}

// P2R d, PR, b, mask: d = (b & ~mask) | (P0..P6 as bits & mask), with .Bn the byte n.
void p2r(Exec& x) {
    const int shift = byte_shift(x.d);
    const std::uint32_t mask = (x.raw(3, 0) & 0x7fu) << shift;
    for (int i = 0; i < 7; ++i)
        if (((mask >> shift) >> i) & 1u) x.known = x.known && (x.w.p_known[static_cast<std::size_t>(i)] & x.mask) == x.mask;
    x.each([&](int lane) {
        std::uint32_t bits = 0;
        for (int i = 0; i < 7; ++i) bits |= ((x.w.p[static_cast<std::size_t>(i)] >> lane) & 1u) << i;
        x.set(0, lane, (x.u32(2, lane) & ~mask) | ((bits << shift) & mask));
    });
}

// R2P PR, a, mask: P_i = bit i of a (of its byte n with a.Bn) where bit i of mask is set.
void r2p(Exec& x) {
    const Operand& a = x.op(1);
    int shift = 0;
    if (a.suffix.size() == 3 && a.suffix[1] == 'B') shift = 8 * (a.suffix[2] - '0');
    const std::uint32_t mask = x.raw(2, 0) & 0x7fu;
    x.each([&](int lane) {
        const std::uint32_t v = x.raw(1, lane) >> shift;
        for (int i = 0; i < 7; ++i) {
            if (((mask >> i) & 1u) == 0) continue;
            const std::uint32_t bit = 1u << lane;
            auto& p = x.w.p[static_cast<std::size_t>(i)];
            p = ((v >> i) & 1u) ? (p | bit) : (p & ~bit);
        }
    });
    for (int i = 0; i < 7; ++i)
        if ((mask >> i) & 1u) {
            auto& k = x.w.p_known[static_cast<std::size_t>(i)];
            k = (k & ~x.mask) | (x.known ? x.mask : 0u);
        }
}

void sel(Exec& x) {
    x.each([&](int lane) { x.set(0, lane, x.pred(3, lane) ? x.u32(1, lane) : x.u32(2, lane)); });
}

void fsel(Exec& x) {
    x.each([&](int lane) {
        const float v = x.pred(3, lane) ? x.f32(1, lane) : x.f32(2, lane);
        x.set(0, lane, std::bit_cast<std::uint32_t>(v));
    });
}

void fmnmx(Exec& x) {
    x.each([&](int lane) {
        const float a = x.f32(1, lane), b = x.f32(2, lane);
        const float v = x.pred(3, lane) ? std::fmin(a, b) : std::fmax(a, b);
        x.set(0, lane, std::bit_cast<std::uint32_t>(v));
    });
}

const Semantics kTable[] = {
    {"ISETP", isetp, 2, Kind::alu, decode_setp},
    {"UISETP", isetp, 2, Kind::alu, decode_setp},
    {"FSETP", fsetp, 2, Kind::alu, decode_setp},
    {"P2R", p2r, 1, Kind::alu, nullptr},
    {"R2P", r2p, 0, Kind::alu, nullptr},
    {"SEL", sel, 1, Kind::alu, nullptr},
    {"USEL", sel, 1, Kind::alu, nullptr},
    {"FSEL", fsel, 1, Kind::alu, nullptr},
    {"FMNMX", fmnmx, 1, Kind::alu, nullptr},
};

}  // namespace

std::span<const Semantics> compare_semantics() { return kTable; }

}  // namespace stcsim::isa::sass
