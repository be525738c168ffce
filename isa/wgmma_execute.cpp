#include "isa/wgmma_execute.h"

#include <fmt/format.h>

#include "common/errors.h"
#include "isa/arithmetic.h"
#include "isa/sparsity.h"

namespace stcsim::isa {
namespace {

void check_immediates(const WgmmaForm& form, const WgmmaImmediates& imm) {
    const auto fail = [&](const char* what) {
        return UserError(fmt::format("{}: {}", form.ptx, what));
    };
    if ((imm.negate_a || imm.negate_b) && !form.negate_allowed)
        throw fail("imm-scale-a/b = -1 (negate) exists only for floating-point types");
    if ((imm.trans_a || imm.trans_b) && !form.transpose_allowed)
        throw fail("imm-trans-a/b = 1 (transpose) exists only for .f16 and .bf16");
    if (imm.trans_a && form.a_source == WgmmaSource::registers)
        throw fail("imm-trans-a applies only to A in shared memory, not to A in registers");
}

Matrix read_descriptor_operand(const WgmmaForm& form, const WgmmaOperands& ops, bool operand_a) {
    const char* label = operand_a ? "A" : "B";
    const std::uint64_t bits = operand_a ? ops.a_descriptor : ops.b_descriptor;
    try {
        const MatrixDescriptor descriptor = decode_descriptor(bits);
        const OperandTile tile = wgmma_tile(form, operand_a, operand_a ? ops.imm.trans_a : ops.imm.trans_b);
        return read_operand(ops.smem, descriptor, tile, operand_a ? form.a : form.b, operand_a);
    } catch (const UserError& error) {
        throw UserError(fmt::format("{} descriptor: {}", label, error.what()));
    }
}

std::uint32_t negate(ElemType type, std::uint32_t bits) { return bits ^ (1u << (container_bits(type) - 1)); }

// One A value with the dense K row of B it multiplies; tf32 .sp: the chunk's first row, and B is
// spliced from rows k and k+1 by the nibble (isa/sparsity.h tf32_sparse_b).
struct Kept {
    int k;
    std::uint32_t a;
    int tf32_nibble = -1;
};

std::uint32_t b_operand(const Matrix& b, const Kept& e, int col) {
    if (e.tf32_nibble < 0) return b.at(e.k, col);
    return tf32_sparse_b(static_cast<std::uint32_t>(e.tf32_nibble), b.at(e.k, col), b.at(e.k + 1, col));
}

std::vector<std::vector<Kept>> kept_products(const WgmmaForm& form, const WgmmaMatrices& in,
                                             const ExecuteOptions& options) {
    std::vector<std::vector<Kept>> kept(kWgmmaM);
    if (!form.sparse) {
        for (int row = 0; row < kWgmmaM; ++row)
            for (int k = 0; k < form.shape.k; ++k) kept[static_cast<std::size_t>(row)].push_back({k, in.a.at(row, k)});
        return kept;
    }
    if (in.selector < 0 || in.selector >= form.selector_count)
        throw UserError(fmt::format("selector {} is illegal for {}: legal values are 0..{}", in.selector, form.ptx,
                                    form.selector_count - 1));
    const SparsityPattern pattern = sparsity_pattern(form.a);
    const int chunks = form.shape.k / pattern.chunk_width;
    for (int row = 0; row < kWgmmaM; ++row)
        for (int chunk = 0; chunk < chunks; ++chunk) {
            const MetadataSlot slot = wgmma_metadata_slot(form, in.selector, row, chunk);
            const std::uint32_t nibble = (in.metadata[static_cast<std::size_t>(slot.lane)] >> slot.bit) & 0xfu;
            if (options.invalid_metadata == InvalidMetadataMode::reject) {
                if (auto why = metadata_violation(nibble, pattern, MetadataRule::sp)) {
                    throw UserError(fmt::format("metadata lane {} bits {}:{} (A row {}, columns {}..{}): {}", slot.lane,
                                                slot.bit + 3, slot.bit, row, chunk * pattern.chunk_width,
                                                chunk * pattern.chunk_width + pattern.chunk_width - 1, *why));
                }
            }
            if (form.a == ElemType::tf32) {
                kept[static_cast<std::size_t>(row)].push_back(
                    {chunk * pattern.chunk_width, in.a.at(row, chunk), static_cast<int>(nibble)});
                continue;
            }
            const ChunkPositions positions = decode_nibble(nibble, pattern);
            for (int s = 0; s < positions.count; ++s)
                kept[static_cast<std::size_t>(row)].push_back(
                    {chunk * pattern.chunk_width + positions.position[static_cast<std::size_t>(s)],
                     in.a.at(row, chunk * pattern.kept_per_chunk + s)});
        }
    return kept;
}

}  // namespace

OperandTile wgmma_tile(const WgmmaForm& form, bool operand_a, bool transposed) {
    OperandTile tile;
    tile.major = transposed ? Major::mn : Major::k;
    tile.element_bits = container_bits(operand_a ? form.a : form.b);
    tile.mn_extent = operand_a ? kWgmmaM : form.shape.n;
    tile.k_extent = operand_a ? form.stored_a_cols() : form.shape.k;
    return tile;
}

WgmmaMatrices gather_wgmma(const WgmmaForm& form, const WgmmaOperands& ops) {
    check_immediates(form, ops.imm);
    WgmmaMatrices in;
    if (form.a_source == WgmmaSource::registers) {
        if (ops.a.regs_per_lane != wgmma_registers(form, WgmmaOperand::A))
            throw InternalError("gather_wgmma: A fragment has the wrong register count");
        in.a = wgmma_from_fragment(form, WgmmaOperand::A, ops.a);
    } else {
        in.a = read_descriptor_operand(form, ops, true);
    }
    in.b = read_descriptor_operand(form, ops, false);
    if (ops.d.regs_per_lane != form.d_regs) throw InternalError("gather_wgmma: D fragment has the wrong register count");
    in.c = wgmma_from_fragment(form, WgmmaOperand::D, ops.d);
    in.metadata = ops.metadata;
    in.selector = ops.selector;
    in.imm = ops.imm;
    return in;
}

Matrix compute_wgmma(const WgmmaForm& form, Arch arch, const WgmmaMatrices& in, const ExecuteOptions& options) {
    if (!has_wgmma(arch)) throw UserError(fmt::format("{}: wgmma needs sm_90a, not {}", form.ptx, name(arch)));
    check_immediates(form, in.imm);
    const auto kept = kept_products(form, in, options);
    const bool integer = is_integer(form.a);
    BlockFmaModel model{};
    if (!integer) {
        model = block_fma_model(arch, form.a, form.sparse);
        if (form.sparse && options.sparse_products_per_block > 0) model.products_per_block = options.sparse_products_per_block;
    }
    Matrix d(form.d, kWgmmaM, form.shape.n);
    std::vector<Product> products;
    for (int row = 0; row < kWgmmaM; ++row)
        for (int col = 0; col < form.shape.n; ++col) {
            products.clear();
            for (const Kept& e : kept[static_cast<std::size_t>(row)]) {
                const std::uint32_t a = in.imm.negate_a ? negate(form.a, e.a) : e.a;
                const std::uint32_t b_read = b_operand(in.b, e, col);
                const std::uint32_t b = in.imm.negate_b ? negate(form.b, b_read) : b_read;
                products.push_back({a, b});
            }
            const std::uint32_t c = in.imm.scale_d ? in.c.at(row, col) : 0u;
            d.at(row, col) = integer ? integer_dot_add(form.a, form.b, products, c, form.satfinite)
                                     : fused_dot_add(form.a, form.b, form.d, form.d, products, c, model);
        }
    return d;
}

WarpgroupFragment execute_wgmma(const WgmmaForm& form, Arch arch, const WgmmaOperands& ops,
                                const ExecuteOptions& options) {
    return wgmma_to_fragment(form, WgmmaOperand::D, compute_wgmma(form, arch, gather_wgmma(form, ops), options));
}

}  // namespace stcsim::isa
