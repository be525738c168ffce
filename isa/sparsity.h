// Structured sparsity of the A operand of mma.sp: patterns, metadata nibbles, pattern checks,
// magnitude pruning, compression into kept values + metadata, decompression, and the metadata
// layouts of whole matrices (plain row-major and CUTLASS's reordered layout).
//
// Pure functions, no clock. Terms:
// - chunk: `chunk_width` consecutive dense elements of one row, described by one 4-bit nibble.
// - unit: what a metadata index selects: one element (2:4, tf32 1:2) or an element pair (int4).
//   A chunk has 4 units (2:4, int4) or 2 (tf32) and keeps half of them.
// - nibble: bits[1:0] = idx0, bits[3:2] = idx1. Stored slots of a chunk go, in order, to the
//   positions decode_nibble names. tf32 writes its nibble as if the 64-bit chunk were four
//   16-bit halves, so only 0x4 (element 0) and 0xE (element 1) are legal; the hardware's B mux
//   does select 16-bit halves (tf32_sparse_b).
// - "non-zero": raw bits != 0, so -0.0 (and a tf32 word with only low bits set) is a value to
//   keep; nothing is silently dropped. For int4 a unit is non-zero when either element is.
//
// Input problems (wrong type, bad shape, pattern broken, illegal nibble) throw UserError with a
// one-line message naming the row and chunk.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "isa/matrix.h"
#include "isa/types.h"

namespace stcsim::isa {

// The structured-sparsity pattern of an operand type.
struct SparsityPattern {
    int chunk_width;     // dense elements per nibble: 4 (2:4), 2 (tf32 1:2), 8 (int4 4:8 pairwise)
    int kept_per_chunk;  // stored values per chunk: 2, 1, 4
    bool pairwise;       // int4: indices select pairs {2p, 2p+1}

    int unit_width() const { return pairwise ? 2 : 1; }
    int units_per_chunk() const { return chunk_width / unit_width(); }
    int kept_units() const { return kept_per_chunk / unit_width(); }
    bool operator==(const SparsityPattern&) const = default;
};

// f16/bf16/s8/u8/e4m3/e5m2 -> 2:4, tf32 -> 1:2, s4/u4 -> 4:8 pairs; UserError for f32/s32.
SparsityPattern sparsity_pattern(ElemType a_type);
// "2:4", "1:2" or "4:8 pairwise", for messages.
std::string pattern_name(const SparsityPattern& pattern);

// .sp: two distinct indices in any order; .sp::ordered_metadata: idx0 < idx1.
enum class MetadataRule { sp, ordered };

// Which dense positions (within the chunk, 0..chunk_width-1) the stored slots of a chunk go to.
// 2:4: slot0 -> idx0, slot1 -> idx1. tf32: slot0 -> idx0 >> 1. int4: slots 0,1 -> 2*idx0,
// 2*idx0+1; slots 2,3 -> 2*idx1, 2*idx1+1. Reads the low 4 bits only and does not check
// legality (an illegal nibble decodes as the index mux would read it).
struct ChunkPositions {
    int count;
    std::array<int, 4> position;
};
ChunkPositions decode_nibble(std::uint32_t nibble, const SparsityPattern& pattern);

// tf32 (1:2) on the sparse datapath: the 32-bit B value that a chunk's stored A element
// multiplies, for any nibble. The operand mux works on 16-bit halves, as for 2:4 f16: of the
// chunk's four B halves (0: low half of b_first, 1: its high half, 2 and 3: those of b_second),
// idx0 selects the low half and idx1 the high half of the value. The legal 0x4 and 0xE select
// b_first and b_second whole; an illegal nibble splices halves (0x0: low half of b_first in both
// halves; 0x1: b_first's halves swapped). Measured on H200 (sm_90) for all 14 illegal nibbles,
// mma.sp, mma.sp::ordered_metadata and wgmma.sp, bit for bit; mma-sp-isa.md §2.2 had guessed
// "each index is a B-row select", i.e. the element idx0 >> 1, which no illegal nibble matches.
std::uint32_t tf32_sparse_b(std::uint32_t nibble, std::uint32_t b_first, std::uint32_t b_second);

// Empty if the nibble is legal under the rule, else a one-line reason naming the rule broken.
// Legal counts: 2:4 and int4: 12 under .sp, 6 under ordered; tf32: 0x4 and 0xE under both.
std::optional<std::string> metadata_violation(std::uint32_t nibble, const SparsityPattern& pattern,
                                              MetadataRule rule);

// The first chunk (row-major order) with more non-zero units than the pattern keeps.
struct PatternViolation {
    int row;
    int chunk;
    int nonzeros;  // non-zero elements (int4: non-zero pairs)
};
// UserError if dense.cols is not a multiple of chunk_width.
std::optional<PatternViolation> find_pattern_violation(const Matrix& dense,
                                                       const SparsityPattern& pattern);

// Keeps the kept_units() largest units per chunk and zeroes the rest. Magnitude is |to_double|
// (int4 pairs: the sum of both); NaN counts as larger than anything, ties go to the lower index.
Matrix prune_by_magnitude(const Matrix& dense, const SparsityPattern& pattern);

struct CompressedMatrix {
    Matrix values;                      // rows x (cols/2) kept values, in stored order
    std::vector<std::uint8_t> nibbles;  // rows x chunks_per_row, row-major, one nibble per chunk
    int chunks_per_row = 0;
};

// Requires the pattern (UserError naming row/chunk otherwise). Kept units are the non-zero ones,
// in increasing order, so every nibble is legal under .sp::ordered_metadata. A chunk with fewer
// non-zero units than it keeps is padded with the HIGHEST-index units not already kept
// ([0,0,0,0] -> 0xE, [x,0,0,0] -> 0xC, [0,x,0,0] -> 0xD, [0,0,x,0] and [0,0,0,x] -> 0xE; tf32
// [0,0] -> 0xE), as CuTeDSL and PyTorch do for all-zero chunks; padding stores zero bits.
CompressedMatrix compress(const Matrix& dense, const SparsityPattern& pattern);
// Inverse of compress. Every nibble must be legal under .sp (UserError naming row/chunk), so a
// reversed pair works and no stored value is lost; shapes must agree (UserError).
Matrix decompress(const CompressedMatrix& compressed, const SparsityPattern& pattern);

// ---- Metadata of whole matrices -----------------------------------------------------------
//
// A metadata element holds meta_bits / 4 nibbles: 16 bits for f16/bf16/tf32 (CUTLASS uses
// uint16_t whenever the instruction has a selector range > 1) and 32 bits for 8-bit and int4 A.
//
// Row-major layout: element (r, j) at index r * meta_cols + j holds the nibbles of chunks
// [j*per, (j+1)*per) of row r, LSB first (per = meta_bits / 4). So meta_cols = chunks_per_row /
// per = K / 16 (f16/bf16), K / 8 (tf32), K / 32 (8-bit), K / 64 (int4).
//
// CUTLASS reordered layout (tools/util/include/cutlass/util/host_reorder.h `reorder_meta`, then
// stored as layout::ColumnMajorInterleaved<2>; PyTorch `_calculate_meta_reordering_scatter_offsets`
// computes the same). With G = 32, W = 4 for 16-bit elements and G = 16, W = 2 for 32-bit:
//   1. rows are permuted inside each group of G: r1 = G*(r/G) + W*(r%8) + (r%G)/8;
//   2. each 2x2 block is transposed: (r1, c) -> (r1 - r1%2 + c%2, c - c%2 + r1%2) = (r2, c2);
//   3. ColumnMajorInterleaved<2> with `rows` rows: offset = (c2/2)*2*rows + 2*r2 + c2%2.
// Closed form, q = (r%G)/8:
//   16-bit: offset = (c/2)*2*rows + 64*(r/32) + 8*(r%8) + 4*(q/2) + 2*(c%2) + q%2
//   32-bit: offset = (c/2)*2*rows + 32*(r/16) + 4*(r%8) + 2*(c%2) + q
// e.g. 16-bit: (0,0)->0, (8,0)->1, (0,1)->2, (8,1)->3, (16,0)->4, (24,0)->5, (1,0)->8: each
// 32-bit word pairs row r with row r+8, which is what the metadata register of lane 4g+i holds.
// Requirements (UserError otherwise): meta_bits 16 or 32, rows a positive multiple of G,
// meta_cols positive and even, the span holding rows*meta_cols values that fit meta_bits.

// 16 for f16/bf16/tf32, 32 for e4m3/e5m2/s8/u8/s4/u4; UserError otherwise.
int metadata_bits(ElemType a_type);
// Packs compressed.nibbles row-major (UserError unless chunks_per_row is a multiple of
// meta_bits/4). Returns rows * meta_cols elements.
std::vector<std::uint32_t> pack_metadata_row_major(const CompressedMatrix& compressed,
                                                   int meta_bits);
// Inverse of pack: the nibbles, rows x (meta_cols * meta_bits / 4), row-major.
std::vector<std::uint8_t> unpack_metadata_row_major(std::span<const std::uint32_t> row_major,
                                                    int rows, int meta_cols, int meta_bits);
// Offset in the CUTLASS layout of row-major element (row, col); checks the shape as above.
std::size_t cutlass_metadata_offset(int row, int col, int rows, int meta_cols, int meta_bits);
std::vector<std::uint32_t> reorder_metadata_cutlass(std::span<const std::uint32_t> row_major,
                                                    int rows, int meta_cols, int meta_bits);
std::vector<std::uint32_t> unreorder_metadata_cutlass(std::span<const std::uint32_t> reordered,
                                                      int rows, int meta_cols, int meta_bits);

}  // namespace stcsim::isa
