#include <gtest/gtest.h>

#include <random>
#include <set>

#include "common/errors.h"
#include "isa/sparsity.h"

namespace stcsim::isa {
namespace {

CompressedMatrix with_nibbles(int rows, int chunks_per_row, std::vector<std::uint8_t> nibbles) {
    return {Matrix(ElemType::f16, rows, 2 * chunks_per_row), std::move(nibbles), chunks_per_row};
}

TEST(SparsityMetadata, BitsPerAType) {
    EXPECT_EQ(metadata_bits(ElemType::f16), 16);
    EXPECT_EQ(metadata_bits(ElemType::bf16), 16);
    EXPECT_EQ(metadata_bits(ElemType::tf32), 16);
    for (ElemType t : {ElemType::e4m3, ElemType::e5m2, ElemType::s8, ElemType::u8, ElemType::s4,
                       ElemType::u4}) {
        EXPECT_EQ(metadata_bits(t), 32) << name(t);
    }
    EXPECT_THROW(metadata_bits(ElemType::f32), UserError);
}

TEST(SparsityMetadata, PacksNibblesLsbFirst) {
    const CompressedMatrix c = with_nibbles(2, 8, {0x4, 0x8, 0x9, 0xC, 0xD, 0xE, 0x4, 0x4,
                                                   0xE, 0xE, 0xE, 0xE, 0x4, 0x8, 0x4, 0x8});
    EXPECT_EQ(pack_metadata_row_major(c, 16),
              (std::vector<std::uint32_t>{0xC984, 0x44ED, 0xEEEE, 0x8484}));
    EXPECT_EQ(pack_metadata_row_major(c, 32), (std::vector<std::uint32_t>{0x44EDC984, 0x8484EEEE}));
    const auto words = pack_metadata_row_major(c, 16);
    EXPECT_EQ(unpack_metadata_row_major(words, 2, 2, 16), c.nibbles);
    EXPECT_THROW(pack_metadata_row_major(with_nibbles(1, 4, {4, 4, 4, 4}), 32), UserError);
    EXPECT_THROW(pack_metadata_row_major(c, 8), UserError);
}

TEST(SparsityMetadata, ReorderRoundTripsAndIsAPermutation) {
    std::mt19937 rng(11);
    struct Size { int rows, cols, bits; };
    for (Size s : {Size{32, 2, 16}, Size{64, 4, 16}, Size{96, 6, 16}, Size{16, 2, 32},
                   Size{48, 4, 32}, Size{64, 8, 32}}) {
        std::vector<std::uint32_t> meta(static_cast<std::size_t>(s.rows * s.cols));
        for (auto& v : meta) {
            v = static_cast<std::uint32_t>(rng()) & (s.bits == 16 ? 0xFFFFu : 0xFFFFFFFFu);
        }
        const auto reordered = reorder_metadata_cutlass(meta, s.rows, s.cols, s.bits);
        EXPECT_EQ(unreorder_metadata_cutlass(reordered, s.rows, s.cols, s.bits), meta);
        std::set<std::size_t> offsets;
        for (int r = 0; r < s.rows; ++r) {
            for (int c = 0; c < s.cols; ++c) {
                offsets.insert(cutlass_metadata_offset(r, c, s.rows, s.cols, s.bits));
            }
        }
        EXPECT_EQ(offsets.size(), meta.size());
        EXPECT_EQ(*offsets.rbegin(), meta.size() - 1);
    }
}

// Hand-derived from CUTLASS reorder_meta + ColumnMajorInterleaved<2> (see sparsity.h).
// 16-bit, 32 rows x 2 columns, G = 32, W = 4:
//  (0,1): r1 = 0, col odd on an even row -> transposed to (1,0) -> offset 2*1 + 0 = 2.
//  (8,0): r1 = 0 + 0 + 8/8 = 1, col even on an odd row -> (0,1) -> offset 0 + 1 = 1.
//  (24,0): r1 = 3 -> (2,1) -> 5.  (1,0): r1 = 4 -> 8.  (0,2) with 4 columns: pair 1 -> 2*32 = 64.
// So 32-bit word 0 = {row 0 | row 8 << 16} of metadata column 0, word 1 the same for column 1,
// word 2 = rows 16/24: the registers of lanes 4g+0..3 in mma.sp m16n8k32 f16 (selector 0 / 1).
TEST(SparsityMetadata, KnownPositions16Bit) {
    EXPECT_EQ(cutlass_metadata_offset(0, 0, 32, 2, 16), 0u);
    EXPECT_EQ(cutlass_metadata_offset(8, 0, 32, 2, 16), 1u);
    EXPECT_EQ(cutlass_metadata_offset(0, 1, 32, 2, 16), 2u);
    EXPECT_EQ(cutlass_metadata_offset(8, 1, 32, 2, 16), 3u);
    EXPECT_EQ(cutlass_metadata_offset(16, 0, 32, 2, 16), 4u);
    EXPECT_EQ(cutlass_metadata_offset(24, 0, 32, 2, 16), 5u);
    EXPECT_EQ(cutlass_metadata_offset(1, 0, 32, 2, 16), 8u);
    EXPECT_EQ(cutlass_metadata_offset(0, 2, 32, 4, 16), 64u);
    EXPECT_EQ(cutlass_metadata_offset(32, 0, 64, 2, 16), 64u);
}

// 32-bit, 16 rows x 2 columns, G = 16, W = 2: (8,0): r1 = 1 -> (0,1) -> 1; (0,1) -> (1,0) -> 2;
// (1,0): r1 = 2 -> 4; (0,2) with 4 columns -> 2*16 = 32. Word 0..3 = row 0 K0-31, row 8 K0-31,
// row 0 K32-63, row 8 K32-63: lanes 4g+0..3 of mma.sp m16n8k64 s8.
TEST(SparsityMetadata, KnownPositions32Bit) {
    EXPECT_EQ(cutlass_metadata_offset(8, 0, 16, 2, 32), 1u);
    EXPECT_EQ(cutlass_metadata_offset(0, 1, 16, 2, 32), 2u);
    EXPECT_EQ(cutlass_metadata_offset(8, 1, 16, 2, 32), 3u);
    EXPECT_EQ(cutlass_metadata_offset(1, 0, 16, 2, 32), 4u);
    EXPECT_EQ(cutlass_metadata_offset(0, 2, 16, 4, 32), 32u);
}

// The closed form equals the gather offsets of PyTorch's earlier `sparse_semi_structured_to_dense`
// (constants [0,1,4,5] per 8-row block for int16, [0,1,32,33] for int32), found independently
// of the scatter formulation that the implementation follows.
TEST(SparsityMetadata, MatchesTheClosedForm) {
    const int rows = 64, cols = 6;
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
            const int q16 = (r % 32) / 8, q32 = (r % 16) / 8;
            const int base = (c / 2) * 2 * rows + 2 * (c % 2);
            const int want16 = base + 64 * (r / 32) + 8 * (r % 8) + 4 * (q16 / 2) + q16 % 2;
            const int want32 = base + 32 * (r / 16) + 4 * (r % 8) + q32;
            EXPECT_EQ(cutlass_metadata_offset(r, c, rows, cols, 16), std::size_t(want16));
            EXPECT_EQ(cutlass_metadata_offset(r, c, rows, cols, 32), std::size_t(want32));
        }
    }
}

TEST(SparsityMetadata, ReorderValidatesItsInput) {
    const std::vector<std::uint32_t> meta(32 * 2, 0u);
    EXPECT_THROW(reorder_metadata_cutlass(std::span(meta).first(32), 16, 2, 16), UserError);
    EXPECT_THROW(reorder_metadata_cutlass(std::span(meta).first(48), 16, 3, 32), UserError);
    EXPECT_THROW(reorder_metadata_cutlass(meta, 32, 2, 8), UserError);
    EXPECT_THROW(reorder_metadata_cutlass(meta, 32, 4, 16), UserError);  // wrong count
    std::vector<std::uint32_t> wide = meta;
    wide[5] = 0x10000;
    EXPECT_THROW(reorder_metadata_cutlass(wide, 32, 2, 16), UserError);
    EXPECT_NO_THROW(reorder_metadata_cutlass(wide, 16, 4, 32));
}

TEST(SparsityMetadata, CompressPackReorderPipeline) {
    std::mt19937 rng(5);
    Matrix dense(ElemType::bf16, 32, 64);
    for (auto& b : dense.bits) b = static_cast<std::uint32_t>(rng()) & 0xFFFFu;
    const SparsityPattern p = sparsity_pattern(ElemType::bf16);
    const CompressedMatrix c = compress(prune_by_magnitude(dense, p), p);
    const auto row_major = pack_metadata_row_major(c, 16);
    ASSERT_EQ(row_major.size(), 32u * 4u);
    const auto reordered = reorder_metadata_cutlass(row_major, 32, 4, 16);
    EXPECT_EQ(reordered[1], row_major[8 * 4]);  // (row 8, col 0) lands at offset 1
    const auto back = unreorder_metadata_cutlass(reordered, 32, 4, 16);
    EXPECT_EQ(unpack_metadata_row_major(back, 32, 4, 16), c.nibbles);
}

}  // namespace
}  // namespace stcsim::isa
