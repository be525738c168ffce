// Functional tests of execute(): layouts and metadata checked with exactly representable values
// (independently of rounding), sparse against dense on the decompressed A, and the sparse-only
// semantics (pruned B never read, invalid metadata, selectors).
#include "isa/execute.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "common/errors.h"
#include "isa/arithmetic.h"
#include "isa/packing.h"
#include "isa/sparsity.h"

namespace stcsim::isa {
namespace {

// Values whose products and sums are exact in every type and accumulator width used below.
double small_value(ElemType type, std::mt19937& rng) {
    if (is_integer(type)) {
        const int bits = std::min(container_bits(type), 16);  // s32 accumulators: sums stay far from overflow
        const int lo = is_signed_integer(type) ? -(1 << (bits - 1)) : 0;
        const int hi = is_signed_integer(type) ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        return std::uniform_int_distribution<int>(lo, hi)(rng);
    }
    static constexpr double kValues[] = {-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2};
    return kValues[std::uniform_int_distribution<int>(0, 7)(rng)];
}

Matrix random_matrix(ElemType type, int rows, int cols, std::mt19937& rng) {
    Matrix m(type, rows, cols);
    for (auto& bits : m.bits) bits = *encode_exact(type, small_value(type, rng));
    return m;
}

Matrix random_sparse_a(const MmaForm& form, std::mt19937& rng) {
    Matrix dense = random_matrix(form.a, form.shape.m, form.shape.k, rng);
    // Random values everywhere, then keep a random legal subset per chunk (not always the largest).
    for (auto& bits : dense.bits)
        if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) bits = *encode_exact(form.a, 0.0);
    return prune_by_magnitude(dense, sparsity_pattern(form.a));
}

// D computed in double / int64 from the logical matrices: the exact answer.
std::vector<double> exact_product(const MmaForm& form, const Matrix& a, const Matrix& b, const Matrix& c) {
    std::vector<double> d;
    for (int r = 0; r < form.shape.m; ++r)
        for (int n = 0; n < form.shape.n; ++n) {
            double sum = to_double(form.c, c.at(r, n));
            for (int k = 0; k < form.shape.k; ++k) sum += to_double(form.a, a.at(r, k)) * to_double(form.b, b.at(k, n));
            if (form.d == ElemType::s32) {
                const auto wide = static_cast<std::int64_t>(sum);
                sum = form.satfinite ? static_cast<double>(std::clamp<std::int64_t>(wide, INT32_MIN, INT32_MAX))
                                     : static_cast<double>(static_cast<std::int32_t>(wide));
            }
            d.push_back(sum);
        }
    return d;
}

struct Case {
    Matrix a, b, c;
    MmaOperands ops;
};

Case random_case(const MmaForm& form, int selector, std::mt19937& rng) {
    Case cs;
    cs.a = form.is_sparse() ? random_sparse_a(form, rng) : random_matrix(form.a, form.shape.m, form.shape.k, rng);
    cs.b = random_matrix(form.b, form.shape.k, form.shape.n, rng);
    cs.c = random_matrix(form.c, form.shape.m, form.shape.n, rng);
    if (form.is_sparse()) {
        PackedSparseA packed = pack_sparse_a(form, cs.a, selector);
        cs.ops.a = packed.values;
        cs.ops.metadata = packed.metadata;
        cs.ops.selector = selector;
    } else {
        cs.ops.a = to_fragment(form, Operand::A, cs.a);
    }
    cs.ops.b = to_fragment(form, Operand::B, cs.b);
    cs.ops.c = to_fragment(form, Operand::C, cs.c);
    return cs;
}

std::vector<double> d_values(const MmaForm& form, const WarpFragment& d) {
    const Matrix m = from_fragment(form, Operand::D, d);
    std::vector<double> out;
    for (auto bits : m.bits) out.push_back(to_double(form.d, bits));
    return out;
}

TEST(Execute, EveryFormGivesTheExactProductOnRepresentableValues) {
    std::mt19937 rng(2024);
    int checked = 0;
    for (Arch arch : kAllArchs)
        for (const MmaForm& form : catalog(arch))
            for (int sel = 0; sel < std::max(1, form.selector_count); ++sel)
                for (int trial = 0; trial < 3; ++trial) {
                    Case cs = random_case(form, sel, rng);
                    const WarpFragment d = execute(form, arch, cs.ops);
                    ASSERT_EQ(d_values(form, d), exact_product(form, cs.a, cs.b, cs.c))
                        << form.ptx << " on " << name(arch) << " selector " << sel;
                    ++checked;
                }
    EXPECT_GT(checked, 500);
}

// The rows x cols block of `m` whose top-left element is (row0, col0).
Matrix block_of(const Matrix& m, int row0, int col0, int rows, int cols) {
    Matrix block(m.type, rows, cols);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) block.at(r, c) = m.at(row0 + r, col0 + c);
    return block;
}

// Random bits of a normal number with an exponent in [-4, 4]: values that need rounding.
std::uint32_t random_normal(ElemType type, std::mt19937& rng) {
    const FloatFormat fmt = float_format(type);
    const int stored_fraction = type == ElemType::f32 ? 23 : fmt.fraction_bits;
    const auto exponent = static_cast<std::uint32_t>(std::uniform_int_distribution<int>(-4, 4)(rng) + fmt.bias);
    const std::uint32_t fraction = std::uniform_int_distribution<std::uint32_t>(0, (1u << stored_fraction) - 1)(rng);
    const std::uint32_t sign = std::uniform_int_distribution<std::uint32_t>(0, 1)(rng);
    return (sign << (stored_fraction + fmt.exponent_bits)) | (exponent << stored_fraction) | fraction;
}

// Sparse m16n8k32 against two chained dense m16n8k16 on the decompressed A (dense K 0-15, then
// 16-31 with the first D as C), on values that need rounding. The sparse block is set to half the
// dense block (a dense block of P products over a 2:4 A holds P/2 kept ones), so both paths fuse
// the same K ranges and any difference is a layout or metadata error.
TEST(Execute, SparseEqualsDenseOnTheDecompressedA) {
    std::mt19937 rng(99);
    for (Arch arch : kAllArchs)
        for (const char* type : {"f16", "bf16"}) {
            const MmaForm sparse = parse_mma(fmt::format("mma.sp.sync.aligned.m16n8k32.row.col.f32.{0}.{0}.f32", type), arch);
            const MmaForm dense = parse_mma(fmt::format("mma.sync.aligned.m16n8k16.row.col.f32.{0}.{0}.f32", type), arch);
            ExecuteOptions options;
            options.sparse_products_per_block = block_fma_model(arch, sparse.a, false).products_per_block / 2;
            for (int trial = 0; trial < 20; ++trial) {
                Matrix a(sparse.a, 16, 32), b(sparse.b, 32, 8), c(ElemType::f32, 16, 8);
                for (auto& bits : a.bits) bits = random_normal(sparse.a, rng);
                for (auto& bits : b.bits) bits = random_normal(sparse.b, rng);
                for (auto& bits : c.bits) bits = random_normal(ElemType::f32, rng);
                a = prune_by_magnitude(a, sparsity_pattern(sparse.a));
                const PackedSparseA packed = pack_sparse_a(sparse, a, 1);
                const MmaOperands sparse_ops{packed.values, to_fragment(sparse, Operand::B, b),
                                             to_fragment(sparse, Operand::C, c), packed.metadata, 1};
                const Matrix d_sparse = from_fragment(sparse, Operand::D, execute(sparse, arch, sparse_ops, options));

                Matrix acc = c;
                for (int half = 0; half < 2; ++half) {
                    const Matrix a_half = block_of(a, 0, 16 * half, 16, 16);
                    const Matrix b_half = block_of(b, 16 * half, 0, 16, 8);
                    const MmaOperands ops{to_fragment(dense, Operand::A, a_half), to_fragment(dense, Operand::B, b_half),
                                          to_fragment(dense, Operand::C, acc), {}, 0};
                    acc = from_fragment(dense, Operand::D, execute(dense, arch, ops));
                }
                for (int r = 0; r < 16; ++r)
                    for (int n = 0; n < 8; ++n)
                        ASSERT_EQ(d_sparse.at(r, n), acc.at(r, n))
                            << type << " on " << name(arch) << " trial " << trial << " d[" << r << "][" << n << "]";
            }
        }
}

MmaForm sparse_f16_k32() { return parse_mma("mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32", Arch::sm_80); }

Case identity_like_case(const MmaForm& form) {
    std::mt19937 rng(5);
    return random_case(form, 0, rng);
}

// In every row of A, columns 0 and 1 are pruned, so no kept value multiplies B row 0 or 1: a NaN
// there must not reach D. The dense unit on the same (decompressed) A does see 0 * NaN.
TEST(Execute, PrunedPositionsOfBAreNeverRead) {
    const MmaForm form = sparse_f16_k32();
    Case cs = identity_like_case(form);
    Matrix a = cs.a;
    for (int r = 0; r < 16; ++r) { a.at(r, 0) = 0; a.at(r, 1) = 0; a.at(r, 2) = 0x3c00; a.at(r, 3) = 0x3c00; }
    const PackedSparseA packed = pack_sparse_a(form, a, 0);
    Matrix b = cs.b;
    for (int n = 0; n < 8; ++n) b.at(0, n) = 0x7e00;  // NaN
    const MmaOperands ops{packed.values, to_fragment(form, Operand::B, b), cs.ops.c, packed.metadata, 0};
    for (double v : d_values(form, execute(form, Arch::sm_80, ops))) EXPECT_FALSE(std::isnan(v));

    const MmaForm dense = parse_mma("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", Arch::sm_80);
    const Matrix a_half = block_of(a, 0, 0, 16, 16);
    const Matrix b_half = block_of(b, 0, 0, 16, 8);
    const MmaOperands dense_ops{to_fragment(dense, Operand::A, a_half), to_fragment(dense, Operand::B, b_half), cs.ops.c, {}, 0};
    for (double v : d_values(dense, execute(dense, Arch::sm_80, dense_ops))) EXPECT_TRUE(std::isnan(v));
}

TEST(Execute, MetadataOutsideTheSelectedLanesIsIgnored) {
    const MmaForm form = sparse_f16_k32();
    Case cs = identity_like_case(form);
    const WarpFragment expected = execute(form, Arch::sm_80, cs.ops);
    for (int lane = 0; lane < kWarpSize; ++lane)
        if (!metadata_lane_used(form, 0, lane)) cs.ops.metadata[static_cast<std::size_t>(lane)] = 0x5555aaaau;
    EXPECT_EQ(execute(form, Arch::sm_80, cs.ops), expected);
}

TEST(Execute, RejectsIllegalMetadataNamingLaneBitsRowAndColumns) {
    const MmaForm form = sparse_f16_k32();
    Case cs = identity_like_case(form);
    // Row 3, chunk 5 lives in lane 13 bits 7:4 (mma-sp-isa.md §3.5). 0x5 repeats index 1.
    cs.ops.metadata[13] = (cs.ops.metadata[13] & ~0xf0u) | 0x50u;
    try {
        execute(form, Arch::sm_80, cs.ops);
        FAIL() << "accepted a duplicate index";
    } catch (const UserError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("lane 13 bits 7:4"), std::string::npos) << msg;
        EXPECT_NE(msg.find("row 3, columns 20..23"), std::string::npos) << msg;
    }
    ExecuteOptions mux;
    mux.invalid_metadata = InvalidMetadataMode::mux;
    EXPECT_NO_THROW(execute(form, Arch::sm_80, cs.ops, mux));
}

TEST(Execute, MuxModeMultipliesBothStoredValuesWithTheSameBRow) {
    const MmaForm form = sparse_f16_k32();
    MmaOperands ops{WarpFragment(4), WarpFragment(4), WarpFragment(4), {}, 0};
    Matrix values(ElemType::f16, 16, 16), b(ElemType::f16, 32, 8);
    values.at(0, 0) = 0x3c00;  // 1.0, stored slot 0 of row 0 chunk 0
    values.at(0, 1) = 0x4000;  // 2.0, stored slot 1
    b.at(1, 0) = 0x4200;       // B[1][0] = 3.0
    ops.a = to_fragment(form, Operand::A, values);
    ops.b = to_fragment(form, Operand::B, b);
    for (auto& word : ops.metadata) word = 0xeeeeeeeeu;
    ops.metadata[0] = (ops.metadata[0] & ~0xfu) | 0x5u;  // both indices 1
    ExecuteOptions mux;
    mux.invalid_metadata = InvalidMetadataMode::mux;
    const Matrix d = from_fragment(form, Operand::D, execute(form, Arch::sm_80, ops, mux));
    EXPECT_EQ(to_double(ElemType::f32, d.at(0, 0)), 9.0);  // (1 + 2) * 3
}

// tf32 metadata indices select 16-bit halves of B: idx0 the low half, idx1 the high half of the
// value that the stored A element multiplies, among the halves of B[2c] and B[2c+1]. Row 0 of
// cases of sp_m16n8k8_f32_tf32_tf32_f32.invalid.cases.jsonl measured on H200 (h200-sxm/probes),
// every nibble of the case the same illegal one; the other rows are zeroed here.
TEST(Execute, MuxModeSelectsSixteenBitHalvesOfBForTf32) {
    struct Measured {
        int line;
        std::uint32_t nibble;
        std::array<std::uint32_t, 4> a_row0;  // stored (compressed) A, one value per chunk
        std::array<std::uint32_t, 8> b_col0;
        std::uint32_t c00, d00;
    };
    const Measured cases[] = {
        {1, 0x0, {0xbf8810f5, 0x3ebb8588, 0x3e6f9dec, 0x41380131},
         {0x3fcb7e1f, 0xc1501d18, 0xbffbcf3f, 0x3ef0cd1a, 0x3e498cc0, 0xbedb6cb4, 0x410d6d3e, 0xc03cf7f0},
         0x3ff69a3a, 0xfe295600},
        {3, 0x1, {0x41b365e3, 0x4189b7aa, 0xbe52d45d, 0xc1abf10c},
         {0xbf1e2ce2, 0x3f347142, 0xbfc94eda, 0xbdc82e55, 0xbdae3936, 0xbef3b874, 0x3f343df1, 0x3fe9c853},
         0xc0a18fcf, 0x50eb1088},
        {17, 0x9, {0xbe73759d, 0x41e18b5b, 0x416420a5, 0xc19ae3d6},
         {0xc0fe67c7, 0x3fb927c5, 0x3f1e478e, 0xbf907a87, 0xc1867873, 0x3dc46b82, 0xbe710680, 0xc028ac2c},
         0x405940a7, 0x7cee0d60},
        {21, 0xB, {0x405df67b, 0xbf15f429, 0xc179e2b8, 0xbd914e0b},
         {0xc1ebbf5b, 0xc0114adc, 0xc1464194, 0xbda05a45, 0xbeb63037, 0xc011bf7f, 0x3e2000ca, 0x3e815250},
         0x3e8a130a, 0xd9e76635},
    };
    const MmaForm form = parse_mma("mma.sp.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32", Arch::sm_90);
    ExecuteOptions mux;
    mux.invalid_metadata = InvalidMetadataMode::mux;
    for (const Measured& m : cases) {
        Matrix values(ElemType::tf32, 16, 4), b(ElemType::tf32, 8, 8), c(ElemType::f32, 16, 8);
        for (int chunk = 0; chunk < 4; ++chunk) values.at(0, chunk) = m.a_row0[static_cast<std::size_t>(chunk)];
        for (int k = 0; k < 8; ++k) b.at(k, 0) = m.b_col0[static_cast<std::size_t>(k)];
        c.at(0, 0) = m.c00;
        MmaOperands ops{to_fragment(form, Operand::A, values), to_fragment(form, Operand::B, b),
                        to_fragment(form, Operand::C, c), {}, 0};
        ops.metadata.fill(m.nibble * 0x11111111u);
        EXPECT_THROW(execute(form, Arch::sm_90, ops), UserError);
        const Matrix d = from_fragment(form, Operand::D, execute(form, Arch::sm_90, ops, mux));
        EXPECT_EQ(d.at(0, 0), m.d00) << "line " << m.line << fmt::format(": D[0][0] 0x{:08x}", d.at(0, 0));
    }
    // The legal nibbles select whole elements: 0x4 the first, 0xE the second of the chunk.
    EXPECT_EQ(tf32_sparse_b(0x4, 0x11112222u, 0x33334444u), 0x11112222u);
    EXPECT_EQ(tf32_sparse_b(0xE, 0x11112222u, 0x33334444u), 0x33334444u);
    EXPECT_EQ(tf32_sparse_b(0x1, 0x11112222u, 0x33334444u), 0x22221111u);
    EXPECT_EQ(tf32_sparse_b(0x0, 0x11112222u, 0x33334444u), 0x22222222u);
    EXPECT_EQ(tf32_sparse_b(0x9, 0x11112222u, 0x33334444u), 0x44441111u);
}

TEST(Execute, OrderedMetadataRejectsReversedPairsThatSpAccepts) {
    const MmaForm sp = sparse_f16_k32();
    const MmaForm ordered = parse_mma("mma.sp::ordered_metadata.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32", Arch::sm_80);
    Case cs = identity_like_case(sp);
    cs.ops.metadata[0] = (cs.ops.metadata[0] & ~0xfu) | 0x1u;  // idx0 = 1, idx1 = 0
    EXPECT_NO_THROW(execute(sp, Arch::sm_80, cs.ops));
    EXPECT_THROW(execute(ordered, Arch::sm_80, cs.ops), UserError);
}

TEST(Execute, RejectsAnIllegalSelector) {
    const MmaForm form = sparse_f16_k32();
    Case cs = identity_like_case(form);
    cs.ops.selector = 2;
    EXPECT_THROW(execute(form, Arch::sm_80, cs.ops), UserError);
}

// Four products of 2^-25 among the first 8 kept products, then 1.0: two blocks of 8 keep the small
// ones (block 0 sums them to 2^-23 exactly, which survives alignment to 1.0 with F = 24); one block
// of 16 truncates each 2^-25 to zero against e_max = 0.
TEST(Execute, SparseBlockSizeIsAParameterThatChangesTheResult) {
    const MmaForm form = sparse_f16_k32();
    Matrix a(ElemType::f16, 16, 32), b(ElemType::f16, 32, 8), c(ElemType::f32, 16, 8);
    for (int k : {0, 1, 4, 5}) {
        a.at(0, k) = *encode_exact(ElemType::f16, std::ldexp(1.0, -12));
        b.at(k, 0) = *encode_exact(ElemType::f16, std::ldexp(1.0, -13));
    }
    a.at(0, 16) = *encode_exact(ElemType::f16, 1.0);
    b.at(16, 0) = *encode_exact(ElemType::f16, 1.0);
    const PackedSparseA packed = pack_sparse_a(form, a, 0);
    const MmaOperands ops{packed.values, to_fragment(form, Operand::B, b), to_fragment(form, Operand::C, c), packed.metadata, 0};
    ExecuteOptions one_block;
    one_block.sparse_products_per_block = 16;
    const auto d00 = [&](const ExecuteOptions& options) {
        return to_double(ElemType::f32, from_fragment(form, Operand::D, execute(form, Arch::sm_80, ops, options)).at(0, 0));
    };
    EXPECT_EQ(d00({}), 1.0 + std::ldexp(1.0, -23));
    EXPECT_EQ(d00(one_block), 1.0);
}

}  // namespace
}  // namespace stcsim::isa
