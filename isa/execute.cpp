#include "isa/execute.h"

#include <fmt/format.h>

#include "common/errors.h"
#include "isa/arithmetic.h"
#include "isa/execute_fp8_sm90.h"
#include "isa/packing.h"
#include "isa/sparsity.h"

namespace stcsim::isa {
namespace {

// One A value that takes part in the product, with the dense K row of B it multiplies. tf32 on the
// sparse path: k is the chunk's first row and B is spliced from rows k and k+1 by the nibble.
struct KeptElement {
    int k;
    std::uint32_t a;
    int tf32_nibble = -1;
};

std::uint32_t b_operand(const Matrix& b, const KeptElement& e, int col) {
    if (e.tf32_nibble < 0) return b.at(e.k, col);
    return tf32_sparse_b(static_cast<std::uint32_t>(e.tf32_nibble), b.at(e.k, col), b.at(e.k + 1, col));
}
using KeptRow = std::vector<KeptElement>;

void check_selector(const MmaForm& form, int selector) {
    if (selector < 0 || selector >= form.selector_count) {
        throw UserError(fmt::format("selector {} is illegal for {}: legal values are 0..{}", selector,
                                    shape_name(form.shape), form.selector_count - 1));
    }
}

MetadataRule metadata_rule(const MmaForm& form) {
    return form.sparse == SparseKind::sp_ordered ? MetadataRule::ordered : MetadataRule::sp;
}

std::string metadata_place(const MmaForm& form, const MetadataSlot& slot, int row, int chunk) {
    const int width = metadata_chunk_width(form);
    return fmt::format("metadata lane {} bits {}:{} (A row {}, columns {}..{})", slot.lane,
                       slot.bit + 3, slot.bit, row, chunk * width, chunk * width + width - 1);
}

std::uint32_t metadata_nibble(const MmaForm& form, const MmaOperands& ops, int row, int chunk) {
    const MetadataSlot slot = metadata_slot(form, ops.selector, row, chunk);
    return (ops.metadata[static_cast<std::size_t>(slot.lane)] >> slot.bit) & 0xfu;
}

// Decodes the metadata of every row: which dense K each stored A value multiplies (§3.6).
std::vector<KeptRow> kept_sparse(const MmaForm& form, const MmaOperands& ops,
                                 const ExecuteOptions& options) {
    check_sparse_operands(form, ops, options);
    const Matrix values = from_fragment(form, Operand::A, ops.a);
    const SparsityPattern pattern = sparsity_pattern(form.a);
    const int chunks = form.shape.k / pattern.chunk_width;
    std::vector<KeptRow> kept(static_cast<std::size_t>(form.shape.m));
    for (int row = 0; row < form.shape.m; ++row) {
        for (int chunk = 0; chunk < chunks; ++chunk) {
            const std::uint32_t nibble = metadata_nibble(form, ops, row, chunk);
            if (form.a == ElemType::tf32) {
                kept[static_cast<std::size_t>(row)].push_back(
                    {chunk * pattern.chunk_width, values.at(row, chunk), static_cast<int>(nibble)});
                continue;
            }
            const ChunkPositions positions = decode_nibble(nibble, pattern);
            for (int s = 0; s < positions.count; ++s) {
                const int stored_col = chunk * pattern.kept_per_chunk + s;
                kept[static_cast<std::size_t>(row)].push_back(
                    {chunk * pattern.chunk_width + positions.position[static_cast<std::size_t>(s)],
                     values.at(row, stored_col)});
            }
        }
    }
    return kept;
}

std::vector<KeptRow> kept_dense(const MmaForm& form, const MmaOperands& ops) {
    const Matrix a = from_fragment(form, Operand::A, ops.a);
    std::vector<KeptRow> kept(static_cast<std::size_t>(form.shape.m));
    for (int row = 0; row < form.shape.m; ++row)
        for (int k = 0; k < form.shape.k; ++k) kept[static_cast<std::size_t>(row)].push_back({k, a.at(row, k)});
    return kept;
}

BlockFmaModel model_for(const MmaForm& form, Arch arch, const ExecuteOptions& options) {
    BlockFmaModel model = block_fma_model(arch, form.a, form.is_sparse());
    if (form.is_sparse() && options.sparse_products_per_block > 0) {
        model.products_per_block = options.sparse_products_per_block;
    }
    return model;
}

// Fragments come from packing code, so a wrong register count is a bug, not user input.
void check_register_counts(const MmaForm& form, const MmaOperands& ops) {
    for (auto [operand, fragment] : {std::pair{Operand::A, &ops.a}, {Operand::B, &ops.b}, {Operand::C, &ops.c}}) {
        if (fragment->regs_per_lane != operand_registers(form, operand)) {
            throw InternalError(fmt::format("execute: operand {} has {} registers per lane, {} needs {}",
                                            static_cast<int>(operand), fragment->regs_per_lane,
                                            form.ptx, operand_registers(form, operand)));
        }
    }
}

}  // namespace

void check_sparse_operands(const MmaForm& form, const MmaOperands& ops, const ExecuteOptions& options) {
    check_selector(form, ops.selector);
    if (options.invalid_metadata == InvalidMetadataMode::mux) return;
    const SparsityPattern pattern = sparsity_pattern(form.a);
    for (int row = 0; row < form.shape.m; ++row) {
        for (int chunk = 0; chunk < form.shape.k / pattern.chunk_width; ++chunk) {
            if (auto why = metadata_violation(metadata_nibble(form, ops, row, chunk), pattern, metadata_rule(form))) {
                const MetadataSlot slot = metadata_slot(form, ops.selector, row, chunk);
                throw UserError(fmt::format("{}: {}", metadata_place(form, slot, row, chunk), *why));
            }
        }
    }
}

WarpFragment execute(const MmaForm& form, Arch arch, const MmaOperands& ops,
                     const ExecuteOptions& options) {
    check_register_counts(form, ops);
    if (is_lowered_fp8(form, arch)) return execute_fp8_sm90(form, arch, ops, options);
    const std::vector<KeptRow> kept = form.is_sparse() ? kept_sparse(form, ops, options) : kept_dense(form, ops);
    const Matrix b = from_fragment(form, Operand::B, ops.b);
    const Matrix c = from_fragment(form, Operand::C, ops.c);
    const BlockFmaModel model = is_integer(form.a) ? BlockFmaModel{} : model_for(form, arch, options);
    Matrix d(form.d, form.shape.m, form.shape.n);
    std::vector<Product> products;
    for (int row = 0; row < form.shape.m; ++row) {
        for (int col = 0; col < form.shape.n; ++col) {
            products.clear();
            for (const KeptElement& e : kept[static_cast<std::size_t>(row)]) products.push_back({e.a, b_operand(b, e, col)});
            d.at(row, col) = is_integer(form.a)
                                 ? integer_dot_add(form.a, form.b, products, c.at(row, col), form.satfinite)
                                 : fused_dot_add(form.a, form.b, form.c, form.d, products, c.at(row, col), model);
        }
    }
    return to_fragment(form, Operand::D, d);
}

}  // namespace stcsim::isa
