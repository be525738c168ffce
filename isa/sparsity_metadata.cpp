// Metadata of whole matrices: row-major packing of nibbles and CUTLASS's reordered layout
// (declared in isa/sparsity.h, where the layout is documented).
#include <fmt/format.h>

#include "common/errors.h"
#include "isa/sparsity.h"

namespace stcsim::isa {
namespace {

int nibbles_per_element(int meta_bits) {
    if (meta_bits != 16 && meta_bits != 32) {
        throw UserError(fmt::format("metadata elements are 16 or 32 bits, not {}", meta_bits));
    }
    return meta_bits / 4;
}

std::size_t element_count(int rows, int meta_cols) {
    return static_cast<std::size_t>(rows) * static_cast<std::size_t>(meta_cols);
}

void check_count(std::size_t count, int rows, int meta_cols) {
    if (rows < 0 || meta_cols < 0 || count != element_count(rows, meta_cols)) {
        throw UserError(fmt::format("metadata holds {} elements; {} rows x {} columns need {}",
                                    count, rows, meta_cols, rows * meta_cols));
    }
}

void check_fits(std::span<const std::uint32_t> elements, int meta_bits) {
    if (meta_bits == 32) return;
    for (std::size_t i = 0; i < elements.size(); ++i) {
        if (elements[i] > 0xFFFFu) {
            throw UserError(fmt::format("metadata element {} (0x{:X}) does not fit 16 bits", i,
                                        elements[i]));
        }
    }
}

// Rows per reordering group: 32 for 16-bit elements, 16 for 32-bit ones.
int cutlass_group(int meta_bits) { return meta_bits == 16 ? 32 : 16; }

void check_cutlass_shape(int rows, int meta_cols, int meta_bits) {
    nibbles_per_element(meta_bits);
    const int group = cutlass_group(meta_bits);
    if (rows <= 0 || rows % group != 0) {
        throw UserError(fmt::format(
            "CUTLASS metadata layout needs a positive multiple of {} rows for {}-bit elements, "
            "got {}", group, meta_bits, rows));
    }
    if (meta_cols <= 0 || meta_cols % 2 != 0) {
        throw UserError(fmt::format(
            "CUTLASS metadata layout needs a positive, even number of metadata columns, got {}",
            meta_cols));
    }
}

// The three steps of the layout, as documented in the header.
std::size_t offset_unchecked(int row, int col, int rows, int meta_bits) {
    const int group = cutlass_group(meta_bits);
    const int interweave = group / 8;
    const int r1 = group * (row / group) + interweave * (row % 8) + (row % group) / 8;
    const int r2 = r1 - r1 % 2 + col % 2;  // transpose the 2x2 block
    const int c2 = col - col % 2 + r1 % 2;
    return static_cast<std::size_t>(c2 / 2) * static_cast<std::size_t>(2 * rows) +
           static_cast<std::size_t>(2 * r2 + c2 % 2);
}

}  // namespace

int metadata_bits(ElemType a_type) {
    switch (a_type) {
        case ElemType::f16: case ElemType::bf16: case ElemType::tf32: return 16;
        case ElemType::e4m3: case ElemType::e5m2: case ElemType::s8: case ElemType::u8:
        case ElemType::s4: case ElemType::u4:
            return 32;
        case ElemType::f32: case ElemType::s32: break;
    }
    throw UserError(fmt::format("{} is not a sparse A type, so it has no metadata", name(a_type)));
}

std::vector<std::uint32_t> pack_metadata_row_major(const CompressedMatrix& compressed,
                                                   int meta_bits) {
    const int per = nibbles_per_element(meta_bits);
    const int rows = compressed.values.rows;
    if (compressed.chunks_per_row % per != 0) {
        throw UserError(fmt::format("{} chunks per row do not fill whole {}-bit metadata "
                                    "elements of {} nibbles", compressed.chunks_per_row,
                                    meta_bits, per));
    }
    const int meta_cols = compressed.chunks_per_row / per;
    if (compressed.nibbles.size() != element_count(rows, compressed.chunks_per_row)) {
        throw UserError(fmt::format("compressed A has {} nibbles; {} rows x {} chunks need {}",
                                    compressed.nibbles.size(), rows, compressed.chunks_per_row,
                                    rows * compressed.chunks_per_row));
    }
    std::vector<std::uint32_t> out(element_count(rows, meta_cols), 0u);
    for (std::size_t i = 0; i < compressed.nibbles.size(); ++i) {
        const std::uint32_t nibble = compressed.nibbles[i];
        if (nibble > 0xFu) {
            throw UserError(
                fmt::format("metadata nibble {} (0x{:X}) does not fit 4 bits", i, nibble));
        }
        const auto nibbles_per = static_cast<std::size_t>(per);
        out[i / nibbles_per] |= nibble << (4 * (i % nibbles_per));
    }
    return out;
}

std::vector<std::uint8_t> unpack_metadata_row_major(std::span<const std::uint32_t> row_major,
                                                    int rows, int meta_cols, int meta_bits) {
    const auto per = static_cast<std::size_t>(nibbles_per_element(meta_bits));
    check_count(row_major.size(), rows, meta_cols);
    check_fits(row_major, meta_bits);
    std::vector<std::uint8_t> nibbles(row_major.size() * per);
    for (std::size_t i = 0; i < nibbles.size(); ++i) {
        nibbles[i] = static_cast<std::uint8_t>((row_major[i / per] >> (4 * (i % per))) & 0xFu);
    }
    return nibbles;
}

std::size_t cutlass_metadata_offset(int row, int col, int rows, int meta_cols, int meta_bits) {
    check_cutlass_shape(rows, meta_cols, meta_bits);
    if (row < 0 || row >= rows || col < 0 || col >= meta_cols) {
        throw InternalError(fmt::format("metadata element ({}, {}) outside {}x{}", row, col, rows,
                                        meta_cols));
    }
    return offset_unchecked(row, col, rows, meta_bits);
}

std::vector<std::uint32_t> reorder_metadata_cutlass(std::span<const std::uint32_t> row_major,
                                                    int rows, int meta_cols, int meta_bits) {
    check_cutlass_shape(rows, meta_cols, meta_bits);
    check_count(row_major.size(), rows, meta_cols);
    check_fits(row_major, meta_bits);
    std::vector<std::uint32_t> out(row_major.size());
    for (int row = 0; row < rows; ++row) {
        for (int col = 0; col < meta_cols; ++col) {
            out[offset_unchecked(row, col, rows, meta_bits)] =
                row_major[static_cast<std::size_t>(row * meta_cols + col)];
        }
    }
    return out;
}

std::vector<std::uint32_t> unreorder_metadata_cutlass(std::span<const std::uint32_t> reordered,
                                                      int rows, int meta_cols, int meta_bits) {
    check_cutlass_shape(rows, meta_cols, meta_bits);
    check_count(reordered.size(), rows, meta_cols);
    check_fits(reordered, meta_bits);
    std::vector<std::uint32_t> out(reordered.size());
    for (int row = 0; row < rows; ++row) {
        for (int col = 0; col < meta_cols; ++col) {
            out[static_cast<std::size_t>(row * meta_cols + col)] =
                reordered[offset_unchecked(row, col, rows, meta_bits)];
        }
    }
    return out;
}

}  // namespace stcsim::isa
