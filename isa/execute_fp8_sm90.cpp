#include "isa/execute_fp8_sm90.h"

#include <fmt/format.h>

#include "common/errors.h"
#include "isa/arithmetic.h"
#include "isa/packing.h"

namespace stcsim::isa {
namespace {

constexpr int kParts = 2;

bool is_fp8(ElemType type) { return type == ElemType::e4m3 || type == ElemType::e5m2; }

// F2FP.F16.E4M3 / .E5M2.UNPACK_B: every fp8 value (Inf and NaN included) is an f16 value.
std::uint32_t to_f16(ElemType type, std::uint32_t bits) {
    return encode_exact(ElemType::f16, to_double(type, bits)).value();
}

// The f16 tensor instruction each part runs on: half the K, the same C/D types and sparse kind.
MmaForm f16_form(const MmaForm& form, Arch arch) {
    const char* op = form.sparse == SparseKind::dense ? "mma"
                     : form.sparse == SparseKind::sp  ? "mma.sp"
                                                      : "mma.sp::ordered_metadata";
    return parse_mma(fmt::format("{}.sync.aligned.m16n8k{}.row.col.{}.f16.f16.{}", op, form.shape.k / 2,
                                 name(form.d), name(form.c)),
                     arch);
}

// The fp8 (stored) A column that F2FP puts at f16 column `col` of part `part`: the low (part 0)
// or high (part 1) 16 bits of each register. For .sp this is chunk 2c + part of the compressed A.
int a_col(int col, int part) { return 4 * (col / 2) + 2 * part + col % 2; }

// The fp8 B row at f16 row `row` of part `part`: unpacked halves (dense) or whole chunks (.sp).
int b_row(const MmaForm& form, int row, int part) {
    return form.is_sparse() ? 4 * (2 * (row / 4) + part) + row % 4 : a_col(row, part);
}

Matrix part_of_a(const MmaForm& form, const MmaForm& half, const Matrix& a, int part) {
    Matrix out(ElemType::f16, half.shape.m, half.stored_a_cols());
    for (int row = 0; row < out.rows; ++row)
        for (int col = 0; col < out.cols; ++col)
            out.at(row, col) = to_f16(form.a, a.at(row, a_col(col, part)));
    return out;
}

Matrix part_of_b(const MmaForm& form, const MmaForm& half, const Matrix& b, int part) {
    Matrix out(ElemType::f16, half.shape.k, half.shape.n);
    for (int row = 0; row < out.rows; ++row)
        for (int col = 0; col < out.cols; ++col)
            out.at(row, col) = to_f16(form.b, b.at(b_row(form, row, part), col));
    return out;
}

// Each nibble of fp8 chunk 2c + part moves to the slot of f16 chunk c under selector `part`.
MetadataRegisters part_of_metadata(const MmaForm& form, const MmaForm& half, const MmaOperands& ops,
                                    int part) {
    MetadataRegisters out{};
    for (int row = 0; row < form.shape.m; ++row) {
        for (int chunk = 0; chunk < half.shape.k / metadata_chunk_width(half); ++chunk) {
            const MetadataSlot from = metadata_slot(form, ops.selector, row, 2 * chunk + part);
            const MetadataSlot to = metadata_slot(half, part, row, chunk);
            const std::uint32_t nibble = (ops.metadata[static_cast<std::size_t>(from.lane)] >> from.bit) & 0xfu;
            out[static_cast<std::size_t>(to.lane)] |= nibble << to.bit;
        }
    }
    return out;
}

}  // namespace

bool is_lowered_fp8(const MmaForm& form, Arch arch) { return is_hopper(arch) && is_fp8(form.a); }

WarpFragment execute_fp8_sm90(const MmaForm& form, Arch arch, const MmaOperands& ops,
                              const ExecuteOptions& options) {
    if (!is_lowered_fp8(form, arch) || !is_fp8(form.b) || form.c != form.d) {
        throw InternalError(fmt::format("execute_fp8_sm90: {} is not lowered on this architecture", form.ptx));
    }
    if (form.is_sparse()) check_sparse_operands(form, ops, options);
    const MmaForm half = f16_form(form, arch);
    const Matrix a = from_fragment(form, Operand::A, ops.a);
    const Matrix b = from_fragment(form, Operand::B, ops.b);
    WarpFragment t = to_fragment(half, Operand::C, Matrix(half.c, half.shape.m, half.shape.n));  // RZ
    for (int part = 0; part < kParts; ++part) {
        MmaOperands h;
        h.a = to_fragment(half, Operand::A, part_of_a(form, half, a, part));
        h.b = to_fragment(half, Operand::B, part_of_b(form, half, b, part));
        h.c = t;
        if (form.is_sparse()) {
            h.metadata = part_of_metadata(form, half, ops, part);
            h.selector = part;
        }
        t = execute(half, arch, h, options);
    }
    // FADD / HADD2: D = C + T.
    const Matrix c = from_fragment(form, Operand::C, ops.c);
    const Matrix sum = from_fragment(half, Operand::D, t);
    Matrix d(form.d, form.shape.m, form.shape.n);
    for (int row = 0; row < d.rows; ++row) {
        for (int col = 0; col < d.cols; ++col) {
            d.at(row, col) = form.d == ElemType::f16 ? f16_add_rne(c.at(row, col), sum.at(row, col))
                                                     : f32_add_rne(c.at(row, col), sum.at(row, col));
        }
    }
    return to_fragment(form, Operand::D, d);
}

}  // namespace stcsim::isa
