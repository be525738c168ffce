// Shared-memory matrix descriptors of wgmma (PTX ISA §9.7.15.5.1.2): decoding the 64-bit
// descriptor, the byte address of each operand element under the four swizzle modes, and reading
// (or, for tests and tools, writing) an operand tile in a shared-memory image.
//
// Descriptor fields: bits 13..0 start address >> 4; 29..16 leading-dimension byte offset (LBO)
// >> 4; 45..32 stride-dimension byte offset (SBO) >> 4; 51..49 base offset; 63..62 swizzle
// (0 none, 1 128B, 2 64B, 3 32B). The other bits are reserved and must be zero.
//
// Layout (a "core matrix" is 8 rows of 16 bytes; mn is the M index of A or the N index of B, k
// the K index; e the element size in bytes; W the swizzle width in bytes):
//   K-major,  no swizzle: (mn/8)*SBO + (mn%8)*16 + (k*e/16)*LBO + (k*e)%16
//   K-major,  swizzle W : (mn/8)*SBO + (mn%8)*W  + k*e             (LBO unused)
//   MN-major, no swizzle: (mn*e/16)*SBO + (mn*e)%16 + (k/8)*LBO + (k%8)*16
//   MN-major, swizzle W : (mn*e/W)*LBO  + (mn*e)%W  + (k/8)*SBO + (k%8)*W
// added to the start address; then a swizzled address has its 16-byte chunk bits [4, 4+s) XORed
// with bits [7, 7+s) (s = log2(W/16)): CuTe's Swizzle<s,4,3>, a pattern that repeats every 8*W
// bytes. These are the canonical layouts of PTX ISA §9.7.15.5.1.2.1.3 (CuTe notation): K-major
// LBO separates core matrices along K only without a swizzle ("not used" with one); MN-major
// swizzled, LBO separates W-byte atoms along MN and SBO groups of 8 K rows.
// Assumption: a non-zero base offset b says the pattern starts at a row phase b, so the XOR uses
// ((address >> 7) - b); base offset 0 is the pattern aligned to 8*W bytes, as CUTLASS uses it.
//
// Errors (UserError, message without a place; the caller prefixes it): reserved bits set, a base
// offset with no swizzle, a tile that does not fit the swizzle row (K-major: the K extent must
// lie inside one W-byte row, so more than W bytes of K, e.g. the 64 bytes of a sparse B under the
// 32B swizzle, have no layout; MN-major swizzled: start aligned to W), an element outside the
// shared-memory image.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "isa/matrix.h"
#include "isa/types.h"

namespace stcsim::isa {

enum class Swizzle { none = 0, b128 = 1, b64 = 2, b32 = 3 };  // the descriptor's field values
enum class Major { k, mn };  // K-major (imm-trans 0) or M/N-major (imm-trans 1)

struct MatrixDescriptor {
    std::uint32_t start_address = 0;        // bytes, a multiple of 16 below 2^18
    std::uint32_t leading_byte_offset = 0;  // bytes
    std::uint32_t stride_byte_offset = 0;   // bytes
    int base_offset = 0;                    // 0..7
    Swizzle swizzle = Swizzle::none;
    bool operator==(const MatrixDescriptor&) const = default;
};

int swizzle_bytes(Swizzle swizzle);  // 32, 64, 128; 16 for none (one core-matrix row)
std::string swizzle_name(Swizzle swizzle);  // "none", "128B", ...

MatrixDescriptor decode_descriptor(std::uint64_t bits);
// InternalError if a field does not fit (addresses and offsets: multiples of 16 below 2^18).
std::uint64_t encode_descriptor(const MatrixDescriptor& descriptor);

// The tile an instruction reads: mn_extent x k_extent elements of `element_bits` (8, 16, 32).
struct OperandTile {
    Major major = Major::k;
    int element_bits = 16;
    int mn_extent = 64;
    int k_extent = 16;
};

// UserError if the tile does not fit the swizzle row from the start address.
void check_tile_fits(const MatrixDescriptor& descriptor, const OperandTile& tile);
// Byte address of the first byte of element (mn, k).
std::uint32_t element_address(const MatrixDescriptor& descriptor, const OperandTile& tile, int mn, int k);

struct SharedMemoryImage {
    std::uint32_t base = 0;           // shared-memory address of bytes[0]
    std::vector<std::uint8_t> bytes;  // elements little-endian
};

// The tile as a logical matrix: rows = mn and cols = k when `mn_is_row` (A: 64 x K), otherwise
// rows = k and cols = mn (B: K x N). Checks alignment and that every byte lies in the image.
Matrix read_operand(const SharedMemoryImage& smem, const MatrixDescriptor& descriptor, const OperandTile& tile,
                    ElemType type, bool mn_is_row);
// Stores `matrix` (oriented as read_operand returns it) into the image, which must be large enough.
void write_operand(SharedMemoryImage& smem, const MatrixDescriptor& descriptor, const OperandTile& tile,
                   const Matrix& matrix, bool mn_is_row);

}  // namespace stcsim::isa
