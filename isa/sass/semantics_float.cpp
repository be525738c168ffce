// Floating point and conversions: FADD, FMUL, FFMA, MUFU.RCP, I2F, F2I, HFMA2 / HADD2 / HMUL2, and
// the data conversions whose values the emulator does not compute (F2F, F2FP, FRND, other MUFU).
//
// Sources of the semantics: PTX ISA "add.f32", "mul.f32", "fma.rn.f32" (computed with the host's
// IEEE single precision, round to nearest; other rounding modes make the result opaque),
// "rcp.approx.f32" (MUFU.RCP: the correctly rounded reciprocal, within the approximation's bound,
// which is what the integer-division sequence ptxas emits needs), "cvt" (I2F with .RN/.RZ/.RM/.RP,
// F2I with .TRUNC/.FLOOR/.CEIL and saturation to the integer type, NaN to 0) and the half2 forms of
// "fma.rn.f16x2" (HFMA2, used by compiled code to materialise constants, e.g. HFMA2.MMA R5, -RZ, RZ,
// 0, 5.96e-08 = 0x00000001). These values matter only where they reach an address or a branch;
// everywhere else (epilogue arithmetic on accumulators) they are opaque data.
#include <cfenv>
#include <cmath>
#include <cstring>

#include "isa/sass/semantics.h"

namespace stcsim::isa::sass {
namespace {

bool rounding_is_default(const Decoded& d) {
    return !(has(d, "RZ") || has(d, "RM") || has(d, "RP"));
}

float sat(const Decoded& d, float v) {
    if (has(d, "SAT")) return std::isnan(v) ? 0.0f : std::fmin(std::fmax(v, 0.0f), 1.0f);
    return v;
}

void fadd(Exec& x) {
    if (!rounding_is_default(x.d)) x.known = false;
    x.each([&](int lane) { x.set(0, lane, std::bit_cast<std::uint32_t>(sat(x.d, x.f32(1, lane) + x.f32(2, lane)))); });
}
void fmul(Exec& x) {
    if (!rounding_is_default(x.d)) x.known = false;
    x.each([&](int lane) { x.set(0, lane, std::bit_cast<std::uint32_t>(sat(x.d, x.f32(1, lane) * x.f32(2, lane)))); });
}
void ffma(Exec& x) {
    if (!rounding_is_default(x.d)) x.known = false;
    x.each([&](int lane) {
        x.set(0, lane, std::bit_cast<std::uint32_t>(sat(x.d, std::fma(x.f32(1, lane), x.f32(2, lane), x.f32(3, lane)))));
    });
}

void mufu(Exec& x) {
    const bool rcp = has(x.d, "RCP");
    if (!rcp) x.known = false;
    x.each([&](int lane) { x.set(0, lane, rcp ? std::bit_cast<std::uint32_t>(1.0f / x.f32(1, lane)) : 0u); });
}

// Rounds an integer to float in the instruction's mode.
float int_to_float(double exact, const Decoded& d) {
    float f = static_cast<float>(exact);  // nearest (the host's default mode)
    if (has(d, "RP") && static_cast<double>(f) < exact) f = std::nextafter(f, INFINITY);
    if (has(d, "RM") && static_cast<double>(f) > exact) f = std::nextafter(f, -INFINITY);
    if (has(d, "RZ") && std::fabs(static_cast<double>(f)) > std::fabs(exact)) f = std::nextafter(f, 0.0f);
    return f;
}

void decode_i2f(Decoded& d) {
    if (has(d, "F64") || has(d, "S64") || has(d, "U64") || has(d, "F16") || has(d, "S16") || has(d, "U16") ||
        has(d, "S8") || has(d, "U8"))
        unsupported(d, "a conversion other than 32-bit integer to f32");
}

void i2f(Exec& x) {
    const bool u = has(x.d, "U32");
    x.each([&](int lane) {
        const std::uint32_t v = x.raw(1, lane);
        const double exact = u ? static_cast<double>(v) : static_cast<double>(static_cast<std::int32_t>(v));
        x.set(0, lane, std::bit_cast<std::uint32_t>(int_to_float(exact, x.d)));
    });
}

void decode_f2i(Decoded& d) {
    if (has(d, "F64") || has(d, "S64") || has(d, "U64") || has(d, "F16"))
        unsupported(d, "a conversion other than f32 to a 32-bit integer");
}

void f2i(Exec& x) {
    const bool u = has(x.d, "U32");
    const bool trunc = has(x.d, "TRUNC"), floor = has(x.d, "FLOOR"), ceil = has(x.d, "CEIL");
    x.each([&](int lane) {
        double v = x.f32(1, lane);
        if (std::isnan(v)) {
            x.set(0, lane, 0);
            return;
        }
        v = trunc ? std::trunc(v) : floor ? std::floor(v) : ceil ? std::ceil(v) : std::nearbyint(v);
        std::uint32_t r;
        if (u) r = v <= 0 ? 0u : v >= 4294967295.0 ? 0xffffffffu : static_cast<std::uint32_t>(v);
        else r = static_cast<std::uint32_t>(v <= -2147483648.0 ? INT32_MIN
                                            : v >= 2147483647.0 ? INT32_MAX
                                                                : static_cast<std::int32_t>(v));
        x.set(0, lane, r);
    });
}

// IEEE binary16 <-> binary32, round to nearest even.
float half_to_float(std::uint16_t h) {
    const std::uint32_t sign = (h >> 15) & 1u, exp = (h >> 10) & 0x1fu, man = h & 0x3ffu;
    float v;
    if (exp == 0) v = std::ldexp(static_cast<float>(man), -24);
    else if (exp == 31) v = man ? NAN : INFINITY;
    else v = std::ldexp(static_cast<float>(man | 0x400u), static_cast<int>(exp) - 25);
    return sign ? -v : v;
}

std::uint16_t float_to_half(float f) {
    const std::uint32_t sign = std::signbit(f) ? 0x8000u : 0u;
    float a = std::fabs(f);
    if (std::isnan(f)) return static_cast<std::uint16_t>(sign | 0x7e00u);
    if (a == 0.0f) return static_cast<std::uint16_t>(sign);
    if (a >= 65520.0f) return static_cast<std::uint16_t>(sign | 0x7c00u);
    int e = 0;
    std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1)
    int exp = e - 1 + 15;
    if (exp <= 0) {  // subnormal: units of 2^-24
        const auto q = static_cast<std::uint32_t>(std::nearbyint(std::ldexp(a, 24)));
        return static_cast<std::uint16_t>(sign | q);
    }
    auto q = static_cast<std::uint32_t>(std::nearbyint(std::ldexp(a, 10 - (e - 1))));  // 1024..2048
    if (q == 2048) q = 1024, ++exp;
    if (exp >= 31) return static_cast<std::uint16_t>(sign | 0x7c00u);
    return static_cast<std::uint16_t>(sign | (static_cast<std::uint32_t>(exp) << 10) | (q & 0x3ffu));
}

// A half2 operand: a register (with .H0_H0 / .H1_H1 swizzles), or one or two immediates.
void half2(const Exec& x, int i, int lane, float out[2], int& next) {
    const Operand& o = x.op(i);
    if (o.kind == OperandKind::fimm || o.kind == OperandKind::imm) {
        // A pair of immediates is written high half first: "0, 5.96e-08" is 0x00000001.
        const bool pair = i + 1 < x.nops() && (x.op(i + 1).kind == OperandKind::fimm || x.op(i + 1).kind == OperandKind::imm);
        out[1] = static_cast<float>(o.fimm);
        out[0] = pair ? static_cast<float>(x.op(i + 1).fimm) : out[1];
        next = pair ? i + 2 : i + 1;
        return;
    }
    const std::uint32_t v = x.raw(i, lane);
    float lo = half_to_float(static_cast<std::uint16_t>(v)), hi = half_to_float(static_cast<std::uint16_t>(v >> 16));
    if (o.suffix == ".H0_H0") hi = lo;
    else if (o.suffix == ".H1_H1") lo = hi;
    if (o.absolute) lo = std::fabs(lo), hi = std::fabs(hi);
    if (o.negate) lo = -lo, hi = -hi;
    out[0] = lo;
    out[1] = hi;
    next = i + 1;
}

void decode_half2(Decoded& d) {
    for (const Operand& o : d.ops)
        if (!o.suffix.empty() && o.suffix != ".H0_H0" && o.suffix != ".H1_H1") unsupported(d, "half2 operand " + o.suffix);
    for (const auto& m : d.inst->modifiers)
        if (m != "MMA" && m != "FTZ") unsupported(d, "half2 modifier ." + m);
}

template <int kInputs>
void hop2(Exec& x) {
    x.each([&](int lane) {
        float a[2], b[2], c[2] = {0, 0};
        int next = 1;
        half2(x, next, lane, a, next);
        half2(x, next, lane, b, next);
        if (kInputs == 3) half2(x, next, lane, c, next);
        std::uint32_t r = 0;
        for (int h = 0; h < 2; ++h) {
            const float v = kInputs == 3 ? std::fma(a[h], b[h], c[h]) : kInputs == 1 ? a[h] + b[h] : a[h] * b[h];
            r |= std::uint32_t{float_to_half(v)} << (16 * h);
        }
        x.set(0, lane, r);
    });
}

// Conversions and arithmetic whose values only ever feed data (epilogue conversions, packing).
void opaque(Exec& x) {
    x.known = false;
    x.each([&](int lane) { x.set(0, lane, 0); });
}

const Semantics kTable[] = {
    {"FADD", fadd, 1, Kind::alu, nullptr},
    {"FMUL", fmul, 1, Kind::alu, nullptr},
    {"FFMA", ffma, 1, Kind::alu, nullptr},
    {"MUFU", mufu, 1, Kind::alu, nullptr},
    {"I2F", i2f, 1, Kind::alu, decode_i2f},
    {"I2FP", i2f, 1, Kind::alu, decode_i2f},  // sm_90's I2FP.F32.S32 / .U32: the same conversion
    {"F2I", f2i, 1, Kind::alu, decode_f2i},
    {"HFMA2", hop2<3>, 1, Kind::alu, decode_half2},
    {"HADD2", hop2<1>, 1, Kind::alu, decode_half2},
    {"HMUL2", hop2<2>, 1, Kind::alu, decode_half2},
    {"F2F", opaque, 1, Kind::alu, nullptr},
    {"F2FP", opaque, 1, Kind::alu, nullptr},
    {"FRND", opaque, 1, Kind::alu, nullptr},
};

}  // namespace

std::span<const Semantics> float_semantics() { return kTable; }

}  // namespace stcsim::isa::sass
