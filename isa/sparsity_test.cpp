#include "isa/sparsity.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "common/errors.h"

namespace stcsim::isa {
namespace {

constexpr ElemType kSparseTypes[] = {ElemType::f16, ElemType::bf16, ElemType::tf32,
                                     ElemType::e4m3, ElemType::e5m2, ElemType::s8,
                                     ElemType::u8, ElemType::s4, ElemType::u4};

const SparsityPattern kTwoFour = sparsity_pattern(ElemType::f16);
const SparsityPattern kOneTwo = sparsity_pattern(ElemType::tf32);
const SparsityPattern kPairs = sparsity_pattern(ElemType::s4);

std::uint32_t bits_of(ElemType type, double value) { return encode_exact(type, value).value(); }

// One row of `type` holding `values` (exactly representable).
Matrix row_of(ElemType type, std::initializer_list<double> values) {
    Matrix m(type, 1, static_cast<int>(values.size()));
    int col = 0;
    for (double v : values) m.at(0, col++) = bits_of(type, v);
    return m;
}

TEST(Sparsity, PatternOfEveryAType) {
    for (ElemType t : {ElemType::f16, ElemType::bf16, ElemType::e4m3, ElemType::e5m2, ElemType::s8,
                       ElemType::u8}) {
        EXPECT_EQ(sparsity_pattern(t), (SparsityPattern{4, 2, false})) << name(t);
    }
    EXPECT_EQ(kOneTwo, (SparsityPattern{2, 1, false}));
    EXPECT_EQ(kPairs, (SparsityPattern{8, 4, true}));
    EXPECT_EQ(sparsity_pattern(ElemType::u4), kPairs);
    EXPECT_THROW(sparsity_pattern(ElemType::f32), UserError);
    EXPECT_THROW(sparsity_pattern(ElemType::s32), UserError);
    EXPECT_EQ(pattern_name(kTwoFour), "2:4");
    EXPECT_EQ(pattern_name(kOneTwo), "1:2");
    EXPECT_EQ(pattern_name(kPairs), "4:8 pairwise");
}

TEST(Sparsity, DecodesEveryNibble) {
    for (std::uint32_t n = 0; n < 16; ++n) {
        const int idx0 = static_cast<int>(n & 3u), idx1 = static_cast<int>(n >> 2);
        const ChunkPositions two_four = decode_nibble(n, kTwoFour);
        EXPECT_EQ(two_four.count, 2);
        EXPECT_EQ(two_four.position[0], idx0);
        EXPECT_EQ(two_four.position[1], idx1);
        const ChunkPositions tf32 = decode_nibble(n, kOneTwo);
        EXPECT_EQ(tf32.count, 1);
        EXPECT_EQ(tf32.position[0], idx0 >> 1);
        const ChunkPositions pairs = decode_nibble(n, kPairs);
        EXPECT_EQ(pairs.count, 4);
        const std::array<int, 4> want{2 * idx0, 2 * idx0 + 1, 2 * idx1, 2 * idx1 + 1};
        EXPECT_EQ(pairs.position, want);
    }
    EXPECT_EQ(decode_nibble(0x4, kOneTwo).position[0], 0);
    EXPECT_EQ(decode_nibble(0xE, kOneTwo).position[0], 1);
}

std::set<std::uint32_t> legal_nibbles(const SparsityPattern& pattern, MetadataRule rule) {
    std::set<std::uint32_t> legal;
    for (std::uint32_t n = 0; n < 16; ++n) {
        if (!metadata_violation(n, pattern, rule)) legal.insert(n);
    }
    return legal;
}

TEST(Sparsity, LegalNibblesPerRule) {
    const std::set<std::uint32_t> ordered{0x4, 0x8, 0x9, 0xC, 0xD, 0xE};
    const std::set<std::uint32_t> sp{0x1, 0x2, 0x3, 0x4, 0x6, 0x7, 0x8, 0x9, 0xB, 0xC, 0xD, 0xE};
    for (const SparsityPattern& p : {kTwoFour, kPairs}) {
        EXPECT_EQ(legal_nibbles(p, MetadataRule::sp), sp);
        EXPECT_EQ(legal_nibbles(p, MetadataRule::ordered), ordered);
    }
    const std::set<std::uint32_t> tf32{0x4, 0xE};
    EXPECT_EQ(legal_nibbles(kOneTwo, MetadataRule::sp), tf32);
    EXPECT_EQ(legal_nibbles(kOneTwo, MetadataRule::ordered), tf32);
    EXPECT_TRUE(metadata_violation(0x14, kTwoFour, MetadataRule::sp).has_value());
}

TEST(Sparsity, ViolationMessagesNameTheRule) {
    EXPECT_EQ(metadata_violation(0x5, kTwoFour, MetadataRule::sp),
              "nibble 0x5 repeats index 1; .sp needs two distinct indices");
    EXPECT_EQ(metadata_violation(0x1, kTwoFour, MetadataRule::ordered),
              "nibble 0x1 is not increasing; .sp::ordered_metadata needs idx0 < idx1");
    EXPECT_EQ(metadata_violation(0xA, kPairs, MetadataRule::sp),
              "nibble 0xA repeats pair index 2; .sp needs two distinct indices");
    EXPECT_EQ(metadata_violation(0x8, kOneTwo, MetadataRule::sp),
              "nibble 0x8: tf32 nibble must be 0x4 or 0xE");
}

TEST(Sparsity, FindsTheFirstBrokenChunk) {
    Matrix m(ElemType::f16, 4, 8);
    m.at(1, 4) = m.at(1, 7) = bits_of(ElemType::f16, 1.0);   // row 1 chunk 1: two, fine
    m.at(2, 4) = m.at(2, 5) = m.at(2, 7) = bits_of(ElemType::f16, 2.0);
    m.at(3, 0) = m.at(3, 1) = m.at(3, 2) = m.at(3, 3) = 1;  // later rows are not reported
    ASSERT_FALSE(find_pattern_violation(Matrix(ElemType::f16, 4, 8), kTwoFour).has_value());
    const auto v = find_pattern_violation(m, kTwoFour);
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->row, 2);
    EXPECT_EQ(v->chunk, 1);
    EXPECT_EQ(v->nonzeros, 3);
    EXPECT_THROW(find_pattern_violation(Matrix(ElemType::f16, 1, 6), kTwoFour), UserError);
}

TEST(Sparsity, NegativeZeroIsAValueToKeep) {
    const Matrix m = row_of(ElemType::f16, {-0.0, 1.0, 0.0, 2.0});
    const auto v = find_pattern_violation(m, kTwoFour);
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->nonzeros, 3);
}

TEST(Sparsity, Tf32ChecksOneOfTwo) {
    EXPECT_FALSE(find_pattern_violation(row_of(ElemType::tf32, {0, 1, 2, 0}), kOneTwo));
    const auto v = find_pattern_violation(row_of(ElemType::tf32, {0, 1, 2, 3}), kOneTwo);
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->chunk, 1);
    EXPECT_EQ(v->nonzeros, 2);
}

TEST(Sparsity, Int4CountsNonZeroPairs) {
    // Pairs 0 and 1 each hold one non-zero element: two pairs, legal.
    EXPECT_FALSE(find_pattern_violation(row_of(ElemType::s4, {1, 0, 0, -1, 0, 0, 0, 0}), kPairs));
    EXPECT_FALSE(find_pattern_violation(row_of(ElemType::s4, {0, 0, 3, 4, 0, 0, 5, 6}), kPairs));
    const auto v = find_pattern_violation(row_of(ElemType::u4, {1, 0, 0, 1, 0, 1, 0, 0}), kPairs);
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->chunk, 0);
    EXPECT_EQ(v->nonzeros, 3);
}

TEST(Sparsity, PruneKeepsTheLargestMagnitudes) {
    EXPECT_EQ(prune_by_magnitude(row_of(ElemType::f16, {1, -3, 2, 0.5, 4, 4, 4, 4}), kTwoFour),
              row_of(ElemType::f16, {0, -3, 2, 0, 4, 4, 0, 0}));  // ties: lower index
    EXPECT_EQ(prune_by_magnitude(row_of(ElemType::tf32, {1, -2, 5, 5}), kOneTwo),
              row_of(ElemType::tf32, {0, -2, 5, 0}));
    EXPECT_EQ(prune_by_magnitude(row_of(ElemType::s8, {-128, 127, 3, -4}), kTwoFour),
              row_of(ElemType::s8, {-128, 127, 0, 0}));
    // int4 pairs by summed magnitude: {1,-1}=2, {3,0}=3, {0,0}, {-2,1}=3.
    EXPECT_EQ(prune_by_magnitude(row_of(ElemType::s4, {1, -1, 3, 0, 0, 0, -2, 1}), kPairs),
              row_of(ElemType::s4, {0, 0, 3, 0, 0, 0, -2, 1}));
}

TEST(Sparsity, PruneRanksNanAboveInfinity) {
    Matrix m(ElemType::f16, 1, 4);
    m.at(0, 0) = 0x3c00;  // 1
    m.at(0, 1) = 0x7c00;  // +Inf
    m.at(0, 2) = 0x7e00;  // NaN
    m.at(0, 3) = 0x4000;  // 2
    const Matrix pruned = prune_by_magnitude(m, kTwoFour);
    EXPECT_EQ(pruned.bits, (std::vector<std::uint32_t>{0, 0x7c00, 0x7e00, 0}));
}

TEST(Sparsity, PrunedRandomMatricesPassTheCheck) {
    std::mt19937 rng(7);
    for (ElemType t : kSparseTypes) {
        Matrix m(t, 8, 64);
        for (auto& b : m.bits) b = static_cast<std::uint32_t>(rng()) & container_mask(t);
        const SparsityPattern p = sparsity_pattern(t);
        const Matrix pruned = prune_by_magnitude(m, p);
        EXPECT_FALSE(find_pattern_violation(pruned, p).has_value()) << name(t);
        EXPECT_EQ(decompress(compress(pruned, p), p), pruned) << name(t);
    }
}

}  // namespace
}  // namespace stcsim::isa
