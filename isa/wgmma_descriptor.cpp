#include "isa/wgmma_descriptor.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/errors.h"

namespace stcsim::isa {
namespace {

constexpr std::uint64_t kFieldMask = 0x3fff;  // 14-bit address fields
// Bits 15..14, 31..30, 48..46 and 61..52: no field.
constexpr std::uint64_t kReservedMask = (0x3ull << 14) | (0x3ull << 30) | (0x7ull << 46) | (0x3ffull << 52);

std::uint32_t field(std::uint64_t bits, int shift) {
    return static_cast<std::uint32_t>((bits >> shift) & kFieldMask) << 4;
}

std::uint64_t encode_field(std::uint32_t bytes, const char* what) {
    if (bytes % 16 != 0 || bytes >= (1u << 18))
        throw InternalError(fmt::format("encode_descriptor: {} {} is not a multiple of 16 below 2^18", what, bytes));
    return bytes >> 4;
}

int log2_chunks(Swizzle swizzle) { return swizzle == Swizzle::b128 ? 3 : swizzle == Swizzle::b64 ? 2 : 1; }

}  // namespace

int swizzle_bytes(Swizzle swizzle) {
    switch (swizzle) {
        case Swizzle::none: return 16;
        case Swizzle::b128: return 128;
        case Swizzle::b64: return 64;
        case Swizzle::b32: return 32;
    }
    return 16;
}

std::string swizzle_name(Swizzle swizzle) {
    return swizzle == Swizzle::none ? "none" : fmt::format("{}B", swizzle_bytes(swizzle));
}

MatrixDescriptor decode_descriptor(std::uint64_t bits) {
    if (const std::uint64_t reserved = bits & kReservedMask)
        throw UserError(fmt::format("descriptor 0x{:016x}: reserved bits 0x{:016x} are set (only bits 13..0, "
                                    "29..16, 45..32, 51..49 and 63..62 are fields)", bits, reserved));
    MatrixDescriptor d;
    d.start_address = field(bits, 0);
    d.leading_byte_offset = field(bits, 16);
    d.stride_byte_offset = field(bits, 32);
    d.base_offset = static_cast<int>((bits >> 49) & 0x7);
    d.swizzle = static_cast<Swizzle>((bits >> 62) & 0x3);
    if (d.swizzle == Swizzle::none && d.base_offset != 0)
        throw UserError(fmt::format("descriptor 0x{:016x}: base offset {} given without a swizzle mode (it is valid "
                                    "only for the 32B, 64B and 128B swizzles)", bits, d.base_offset));
    return d;
}

std::uint64_t encode_descriptor(const MatrixDescriptor& d) {
    if (d.base_offset < 0 || d.base_offset > 7) throw InternalError("encode_descriptor: base offset outside 0..7");
    return encode_field(d.start_address, "start address") | encode_field(d.leading_byte_offset, "LBO") << 16 |
           encode_field(d.stride_byte_offset, "SBO") << 32 | static_cast<std::uint64_t>(d.base_offset) << 49 |
           static_cast<std::uint64_t>(d.swizzle) << 62;
}

void check_tile_fits(const MatrixDescriptor& d, const OperandTile& tile) {
    if (d.swizzle == Swizzle::none) return;  // every 16-byte start is legal
    const std::uint32_t width = static_cast<std::uint32_t>(swizzle_bytes(d.swizzle));
    const std::uint32_t offset = d.start_address % width;
    if (tile.major == Major::mn) {
        if (offset != 0)
            throw UserError(fmt::format("start address 0x{:x} is not aligned to the {}-byte row of the {} swizzle "
                                        "(M/N-major operands start at a row)", d.start_address, width,
                                        swizzle_name(d.swizzle)));
        return;
    }
    const auto k_bytes = static_cast<std::uint32_t>(tile.k_extent * tile.element_bits / 8);
    if (k_bytes > width)
        throw UserError(fmt::format("a K-major operand with {} bytes of K does not fit the {}-byte rows of the {} swizzle "
                                    "(K-major swizzled layouts hold K inside one row)", k_bytes, width,
                                    swizzle_name(d.swizzle)));
    if (offset + k_bytes > width)
        throw UserError(fmt::format("start address 0x{:x} is misaligned for the {} swizzle: {} bytes of K from byte {} "
                                    "of a {}-byte row cross into the next row", d.start_address,
                                    swizzle_name(d.swizzle), k_bytes, offset, width));
}

std::uint32_t element_address(const MatrixDescriptor& d, const OperandTile& tile, int mn, int k) {
    const auto e = static_cast<std::uint32_t>(tile.element_bits / 8);
    const auto w = static_cast<std::uint32_t>(swizzle_bytes(d.swizzle));
    const auto umn = static_cast<std::uint32_t>(mn), uk = static_cast<std::uint32_t>(k);
    const std::uint32_t lbo = d.leading_byte_offset, sbo = d.stride_byte_offset;
    std::uint32_t offset = 0;
    if (tile.major == Major::k) {
        const std::uint32_t kb = uk * e;
        // Without a swizzle w is 16: core matrices along K at LBO. With one, K lies in the row.
        offset = (umn / 8) * sbo + (umn % 8) * w + (d.swizzle == Swizzle::none ? (kb / 16) * lbo + kb % 16 : kb);
    } else if (d.swizzle == Swizzle::none) {
        const std::uint32_t mb = umn * e;
        offset = (mb / 16) * sbo + mb % 16 + (uk / 8) * lbo + (uk % 8) * 16;
    } else {
        const std::uint32_t mb = umn * e;
        offset = (mb / w) * lbo + mb % w + (uk / 8) * sbo + (uk % 8) * w;
    }
    const std::uint32_t address = d.start_address + offset;
    if (d.swizzle == Swizzle::none) return address;
    const std::uint32_t mask = (1u << log2_chunks(d.swizzle)) - 1;
    const std::uint32_t phase = ((address >> 7) - static_cast<std::uint32_t>(d.base_offset)) & mask;
    return address ^ (phase << 4);
}

namespace {

std::size_t image_offset(const SharedMemoryImage& smem, std::uint32_t address, int bytes, int row, int col) {
    if (address < smem.base || address - smem.base + static_cast<std::uint32_t>(bytes) > smem.bytes.size())
        throw UserError(fmt::format("element [{}][{}] lies at shared-memory address 0x{:x}, outside the image "
                                    "0x{:x}..0x{:x}", row, col, address, smem.base,
                                    smem.base + smem.bytes.size()));
    return address - smem.base;
}

}  // namespace

Matrix read_operand(const SharedMemoryImage& smem, const MatrixDescriptor& d, const OperandTile& tile, ElemType type,
                    bool mn_is_row) {
    check_tile_fits(d, tile);
    const int bytes = tile.element_bits / 8;
    Matrix m(type, mn_is_row ? tile.mn_extent : tile.k_extent, mn_is_row ? tile.k_extent : tile.mn_extent);
    for (int mn = 0; mn < tile.mn_extent; ++mn)
        for (int k = 0; k < tile.k_extent; ++k) {
            const int row = mn_is_row ? mn : k, col = mn_is_row ? k : mn;
            const std::size_t at = image_offset(smem, element_address(d, tile, mn, k), bytes, row, col);
            std::uint32_t value = 0;
            for (int i = 0; i < bytes; ++i) value |= std::uint32_t{smem.bytes[at + static_cast<std::size_t>(i)]} << (8 * i);
            m.at(row, col) = value & container_mask(type);
        }
    return m;
}

void write_operand(SharedMemoryImage& smem, const MatrixDescriptor& d, const OperandTile& tile, const Matrix& matrix,
                   bool mn_is_row) {
    check_tile_fits(d, tile);
    const int bytes = tile.element_bits / 8;
    for (int mn = 0; mn < tile.mn_extent; ++mn)
        for (int k = 0; k < tile.k_extent; ++k) {
            const int row = mn_is_row ? mn : k, col = mn_is_row ? k : mn;
            const std::size_t at = image_offset(smem, element_address(d, tile, mn, k), bytes, row, col);
            for (int i = 0; i < bytes; ++i)
                smem.bytes[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(matrix.at(row, col) >> (8 * i));
        }
}

}  // namespace stcsim::isa
