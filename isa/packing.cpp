#include "isa/packing.h"

#include <fmt/format.h>

#include "common/errors.h"
#include "isa/sparsity.h"

namespace stcsim::isa {
namespace {

void check_size(const MmaForm& form, Operand operand, const Matrix& m, const char* what) {
    const int rows = operand_rows(form, operand), cols = operand_cols(form, operand);
    if (m.rows != rows || m.cols != cols) {
        throw UserError(fmt::format("{} must be {} x {}, got {} x {}", what, rows, cols, m.rows, m.cols));
    }
}

}  // namespace

WarpFragment to_fragment(const MmaForm& form, Operand operand, const Matrix& matrix) {
    check_size(form, operand, matrix, "matrix");
    const int bits = container_bits(operand_type(form, operand));
    WarpFragment fragment(operand_registers(form, operand));
    for (int row = 0; row < matrix.rows; ++row)
        for (int col = 0; col < matrix.cols; ++col) {
            const FragmentSlot slot = element_slot(form, operand, {row, col});
            const std::uint32_t value = matrix.at(row, col) & container_mask(operand_type(form, operand));
            fragment.at(slot.lane, slot.reg) |= value << (slot.sub * bits);
        }
    return fragment;
}

Matrix from_fragment(const MmaForm& form, Operand operand, const WarpFragment& fragment) {
    const ElemType type = operand_type(form, operand);
    const int bits = container_bits(type);
    Matrix matrix(type, operand_rows(form, operand), operand_cols(form, operand));
    for (int lane = 0; lane < kWarpSize; ++lane)
        for (int reg = 0; reg < fragment.regs_per_lane; ++reg)
            for (int sub = 0; sub < 32 / bits; ++sub) {
                const MatrixCoord at = element_coord(form, operand, {lane, reg, sub});
                matrix.at(at.row, at.col) = (fragment.at(lane, reg) >> (sub * bits)) & container_mask(type);
            }
    return matrix;
}

PackedSparseA pack_sparse_a(const MmaForm& form, const Matrix& logical_a, int selector) {
    if (logical_a.rows != form.shape.m || logical_a.cols != form.shape.k) {
        throw UserError(fmt::format("a must be {} x {} (M x K, uncompressed), got {} x {}", form.shape.m,
                                    form.shape.k, logical_a.rows, logical_a.cols));
    }
    const SparsityPattern pattern = sparsity_pattern(form.a);
    const CompressedMatrix compressed = compress(logical_a, pattern);
    PackedSparseA packed;
    packed.values = to_fragment(form, Operand::A, compressed.values);
    for (int row = 0; row < form.shape.m; ++row)
        for (int chunk = 0; chunk < compressed.chunks_per_row; ++chunk) {
            const MetadataSlot slot = metadata_slot(form, selector, row, chunk);
            const std::uint32_t nibble =
                compressed.nibbles[static_cast<std::size_t>(row * compressed.chunks_per_row + chunk)];
            packed.metadata[static_cast<std::size_t>(slot.lane)] |= nibble << slot.bit;
        }
    return packed;
}

Matrix unpack_sparse_a(const MmaForm& form, const WarpFragment& values, const MetadataRegisters& metadata,
                       int selector) {
    const SparsityPattern pattern = sparsity_pattern(form.a);
    CompressedMatrix compressed;
    compressed.values = from_fragment(form, Operand::A, values);
    compressed.chunks_per_row = form.shape.k / pattern.chunk_width;
    for (int row = 0; row < form.shape.m; ++row)
        for (int chunk = 0; chunk < compressed.chunks_per_row; ++chunk) {
            const MetadataSlot slot = metadata_slot(form, selector, row, chunk);
            compressed.nibbles.push_back(
                static_cast<std::uint8_t>((metadata[static_cast<std::size_t>(slot.lane)] >> slot.bit) & 0xfu));
        }
    return decompress(compressed, pattern);
}

}  // namespace stcsim::isa
