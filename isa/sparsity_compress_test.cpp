#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "common/errors.h"
#include "isa/sparsity.h"

namespace stcsim::isa {
namespace {

constexpr ElemType kSparseTypes[] = {ElemType::f16, ElemType::bf16, ElemType::tf32,
                                     ElemType::e4m3, ElemType::e5m2, ElemType::s8,
                                     ElemType::u8, ElemType::s4, ElemType::u4};

const SparsityPattern kTwoFour = sparsity_pattern(ElemType::f16);

std::uint32_t random_nonzero(std::mt19937& rng, ElemType type) {
    std::uint32_t bits = 0;
    while (bits == 0) bits = static_cast<std::uint32_t>(rng()) & container_mask(type);
    return bits;
}

// A random matrix that satisfies the pattern: each chunk keeps a random set of 0..kept units,
// and each element of a kept unit is random (int4: possibly zero, the pair stays non-zero).
Matrix random_sparse(std::mt19937& rng, ElemType type, int rows, int cols) {
    const SparsityPattern p = sparsity_pattern(type);
    Matrix m(type, rows, cols);
    std::uniform_int_distribution<int> kept_count(0, p.kept_units());
    for (int row = 0; row < rows; ++row) {
        for (int chunk = 0; chunk < cols / p.chunk_width; ++chunk) {
            std::vector<int> units(static_cast<std::size_t>(p.units_per_chunk()));
            for (std::size_t u = 0; u < units.size(); ++u) units[u] = static_cast<int>(u);
            std::shuffle(units.begin(), units.end(), rng);
            units.resize(static_cast<std::size_t>(kept_count(rng)));
            for (int u : units) {
                const int col = chunk * p.chunk_width + u * p.unit_width();
                m.at(row, col) = random_nonzero(rng, type);
                if (p.pairwise) {
                    m.at(row, col + 1) = static_cast<std::uint32_t>(rng()) & container_mask(type);
                }
            }
        }
    }
    return m;
}

TEST(SparsityCompress, RoundTripsRandomMatricesOfEveryType) {
    std::mt19937 rng(2024);
    for (ElemType t : kSparseTypes) {
        const SparsityPattern p = sparsity_pattern(t);
        for (int trial = 0; trial < 20; ++trial) {
            const Matrix dense = random_sparse(rng, t, 16, 64);
            const CompressedMatrix c = compress(dense, p);
            ASSERT_EQ(c.values.rows, 16);
            ASSERT_EQ(c.values.cols, 32);
            ASSERT_EQ(c.chunks_per_row, 64 / p.chunk_width);
            ASSERT_EQ(c.nibbles.size(), static_cast<std::size_t>(16 * c.chunks_per_row));
            for (std::uint8_t n : c.nibbles) {
                ASSERT_FALSE(metadata_violation(n, p, MetadataRule::ordered)) << name(t);
            }
            ASSERT_EQ(decompress(c, p), dense) << name(t) << " trial " << trial;
        }
    }
}

// Compresses one 2:4 chunk of f16 1.0s at the given positions.
CompressedMatrix compress_chunk(std::initializer_list<int> nonzero) {
    Matrix m(ElemType::f16, 1, 4);
    for (int col : nonzero) m.at(0, col) = 0x3c00;
    return compress(m, kTwoFour);
}

TEST(SparsityCompress, PadsWithTheHighestZeroPositions) {
    EXPECT_EQ(compress_chunk({}).nibbles[0], 0xE);
    EXPECT_EQ(compress_chunk({0}).nibbles[0], 0xC);
    EXPECT_EQ(compress_chunk({1}).nibbles[0], 0xD);
    EXPECT_EQ(compress_chunk({2}).nibbles[0], 0xE);
    EXPECT_EQ(compress_chunk({3}).nibbles[0], 0xE);
    EXPECT_EQ(compress_chunk({1, 2}).nibbles[0], 0x9);
    EXPECT_EQ(compress_chunk({2}).values.bits, (std::vector<std::uint32_t>{0x3c00, 0}));
    EXPECT_EQ(compress_chunk({3}).values.bits, (std::vector<std::uint32_t>{0, 0x3c00}));
    EXPECT_EQ(compress_chunk({0}).values.bits, (std::vector<std::uint32_t>{0x3c00, 0}));
}

TEST(SparsityCompress, Tf32AndInt4Padding) {
    const SparsityPattern one_two = sparsity_pattern(ElemType::tf32);
    Matrix tf32(ElemType::tf32, 1, 6);
    tf32.at(0, 2) = 0x3f800000;  // chunk 1 keeps element 0
    tf32.at(0, 5) = 0x3f800000;  // chunk 2 keeps element 1
    const CompressedMatrix c = compress(tf32, one_two);
    EXPECT_EQ(c.nibbles, (std::vector<std::uint8_t>{0xE, 0x4, 0xE}));
    EXPECT_EQ(c.values.bits, (std::vector<std::uint32_t>{0, 0x3f800000, 0x3f800000}));

    Matrix s4(ElemType::s4, 1, 8);
    s4.at(0, 3) = 0x7;  // pair 1
    const CompressedMatrix p = compress(s4, sparsity_pattern(ElemType::s4));
    EXPECT_EQ(p.nibbles, (std::vector<std::uint8_t>{0xD}));  // pairs 1 and 3
    EXPECT_EQ(p.values.bits, (std::vector<std::uint32_t>{0, 0x7, 0, 0}));
}

TEST(SparsityCompress, RejectsMatricesThatBreakThePattern) {
    Matrix m(ElemType::f16, 3, 8);
    m.at(2, 4) = m.at(2, 5) = m.at(2, 6) = 0x3c00;
    try {
        compress(m, kTwoFour);
        FAIL() << "expected UserError";
    } catch (const UserError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "A row 2 chunk 1 (columns 4..7) has 3 non-zero values; 2:4 sparsity keeps at "
                  "most 2");
    }
}

TEST(SparsityCompress, DecompressReadsReversedPairsAndRejectsDuplicates) {
    CompressedMatrix c = compress_chunk({0, 3});
    c.values.bits = {0x1111, 0x2222};
    c.nibbles[0] = 0x3;  // .sp: slot 0 -> position 3, slot 1 -> position 0
    EXPECT_EQ(decompress(c, kTwoFour).bits, (std::vector<std::uint32_t>{0x2222, 0, 0, 0x1111}));
    c.nibbles[0] = 0xF;
    EXPECT_THROW(decompress(c, kTwoFour), UserError);
    c.nibbles[0] = 0x4;
    c.chunks_per_row = 2;
    EXPECT_THROW(decompress(c, kTwoFour), UserError);
}

}  // namespace
}  // namespace stcsim::isa
