#include "isa/wgmma_fragments.h"

#include "common/errors.h"
#include "isa/sparsity.h"

namespace stcsim::isa {
namespace {

constexpr int kSliceRows = 16;

Operand slice_operand(WgmmaOperand operand) { return operand == WgmmaOperand::A ? Operand::A : Operand::D; }

ElemType operand_type(const WgmmaForm& form, WgmmaOperand operand) {
    return operand == WgmmaOperand::A ? form.a : form.d;
}

int operand_cols(const WgmmaForm& form, WgmmaOperand operand) {
    return operand == WgmmaOperand::A ? form.stored_a_cols() : form.shape.n;
}

}  // namespace

int wgmma_registers(const WgmmaForm& form, WgmmaOperand operand) {
    if (operand == WgmmaOperand::D) return form.d_regs;
    return kWgmmaM * form.stored_a_cols() * container_bits(form.a) / (32 * kWarpgroupSize);
}

MatrixCoord wgmma_element_coord(const WgmmaForm& form, WgmmaOperand operand, FragmentSlot slot) {
    const MmaForm slice = warp_slice_form(form);
    const int warp = slot.lane / kWarpSize;
    const int per_block = operand == WgmmaOperand::D ? slice.d_regs : wgmma_registers(form, operand);
    const int block = slot.reg / per_block;
    const MatrixCoord inner = element_coord(slice, slice_operand(operand),
                                            {slot.lane % kWarpSize, slot.reg % per_block, slot.sub});
    return {kSliceRows * warp + inner.row, inner.col + 8 * block};
}

FragmentSlot wgmma_element_slot(const WgmmaForm& form, WgmmaOperand operand, MatrixCoord coord) {
    const MmaForm slice = warp_slice_form(form);
    const int per_block = operand == WgmmaOperand::D ? slice.d_regs : wgmma_registers(form, operand);
    const int block = operand == WgmmaOperand::D ? coord.col / 8 : 0;
    const FragmentSlot inner = element_slot(slice, slice_operand(operand),
                                            {coord.row % kSliceRows, coord.col - 8 * block});
    return {inner.lane + kWarpSize * (coord.row / kSliceRows), inner.reg + per_block * block, inner.sub};
}

WarpgroupFragment wgmma_to_fragment(const WgmmaForm& form, WgmmaOperand operand, const Matrix& matrix) {
    const int cols = operand_cols(form, operand);
    if (matrix.rows != kWgmmaM || matrix.cols != cols)
        throw InternalError("wgmma_to_fragment: matrix shape does not match the form");
    const int bits = container_bits(operand_type(form, operand));
    WarpgroupFragment fragment(wgmma_registers(form, operand));
    for (int row = 0; row < kWgmmaM; ++row)
        for (int col = 0; col < cols; ++col) {
            const FragmentSlot s = wgmma_element_slot(form, operand, {row, col});
            const std::uint32_t value = matrix.at(row, col) & container_mask(operand_type(form, operand));
            fragment.at(s.lane, s.reg) |= bits == 32 ? value : value << (bits * s.sub);
        }
    return fragment;
}

Matrix wgmma_from_fragment(const WgmmaForm& form, WgmmaOperand operand, const WarpgroupFragment& fragment) {
    const ElemType type = operand_type(form, operand);
    const int cols = operand_cols(form, operand);
    const int bits = container_bits(type);
    Matrix matrix(type, kWgmmaM, cols);
    for (int row = 0; row < kWgmmaM; ++row)
        for (int col = 0; col < cols; ++col) {
            const FragmentSlot s = wgmma_element_slot(form, operand, {row, col});
            const std::uint32_t word = fragment.at(s.lane, s.reg);
            matrix.at(row, col) = (bits == 32 ? word : word >> (bits * s.sub)) & container_mask(type);
        }
    return matrix;
}

MetadataSlot wgmma_metadata_slot(const WgmmaForm& form, int selector, int row, int chunk) {
    const MetadataSlot inner = metadata_slot(warp_slice_form(form), selector, row % kSliceRows, chunk);
    return {inner.lane + kWarpSize * (row / kSliceRows), inner.bit};
}

PackedWgmmaA pack_wgmma_sparse_a(const WgmmaForm& form, const Matrix& logical_a, int selector) {
    if (!form.sparse || logical_a.rows != kWgmmaM || logical_a.cols != form.shape.k)
        throw InternalError("pack_wgmma_sparse_a: needs a sparse form and a 64 x K matrix");
    const CompressedMatrix compressed = compress(logical_a, sparsity_pattern(form.a));
    PackedWgmmaA packed;
    packed.values = compressed.values;
    for (int row = 0; row < kWgmmaM; ++row)
        for (int chunk = 0; chunk < compressed.chunks_per_row; ++chunk) {
            const MetadataSlot slot = wgmma_metadata_slot(form, selector, row, chunk);
            const std::uint32_t nibble = compressed.nibbles[static_cast<std::size_t>(row * compressed.chunks_per_row + chunk)];
            packed.metadata[static_cast<std::size_t>(slot.lane)] |= nibble << slot.bit;
        }
    return packed;
}

}  // namespace stcsim::isa
