#include "isa/fragments.h"

#include "common/errors.h"

namespace stcsim::isa {
namespace {

int group_of(int lane) { return lane >> 2; }
int thread_of(int lane) { return lane & 3; }

bool is_metadata_family_b(const MmaForm& form) {
    // 8-bit and 4-bit types: one thread's 32 bits describe 8 chunks of one row (§3.4 family B).
    return container_bits(form.a) <= 8;
}

}  // namespace

ElemType operand_type(const MmaForm& form, Operand operand) {
    switch (operand) {
        case Operand::A: return form.a;
        case Operand::B: return form.b;
        case Operand::C: return form.c;
        case Operand::D: return form.d;
    }
    return form.a;
}

int operand_rows(const MmaForm& form, Operand operand) {
    return operand == Operand::B ? form.shape.k : form.shape.m;
}

int operand_cols(const MmaForm& form, Operand operand) {
    switch (operand) {
        case Operand::A: return form.stored_a_cols();
        default: return form.shape.n;
    }
}

int operand_registers(const MmaForm& form, Operand operand) {
    switch (operand) {
        case Operand::A: return form.a_regs;
        case Operand::B: return form.b_regs;
        case Operand::C: return form.c_regs;
        case Operand::D: return form.d_regs;
    }
    return 0;
}

int elements_per_register(const MmaForm& form, Operand operand) {
    return 32 / container_bits(operand_type(form, operand));
}

// A (and compressed A): like the dense A of the same M and stored K (§3.1).
//   row = g + 8 * (reg & 1), col = E*t + e + 4E * (reg >> 1)   (M = 8: reg 0 only, row = g)
// B: col n = g, row k = E*t + e + 4E * reg.
// C/D with 32-bit elements: row = g + 8 * (reg >> 1), col = 2t + (reg & 1);
//     with f16 elements:    row = g + 8 * reg,        col = 2t + e.
MatrixCoord element_coord(const MmaForm& form, Operand operand, FragmentSlot slot) {
    const int g = group_of(slot.lane), t = thread_of(slot.lane);
    const int per_reg = elements_per_register(form, operand);
    switch (operand) {
        case Operand::A:
            return {g + 8 * (slot.reg & 1), per_reg * t + slot.sub + 4 * per_reg * (slot.reg >> 1)};
        case Operand::B:
            return {per_reg * t + slot.sub + 4 * per_reg * slot.reg, g};
        case Operand::C:
        case Operand::D:
            if (per_reg == 1) return {g + 8 * (slot.reg >> 1), 2 * t + (slot.reg & 1)};
            return {g + 8 * slot.reg, 2 * t + slot.sub};
    }
    throw InternalError("element_coord: unknown operand");
}

FragmentSlot element_slot(const MmaForm& form, Operand operand, MatrixCoord coord) {
    const int per_reg = elements_per_register(form, operand);
    switch (operand) {
        case Operand::A: {
            const int within = coord.col % (4 * per_reg);
            const int reg = (coord.row >> 3) + 2 * (coord.col / (4 * per_reg));
            return {4 * (coord.row & 7) + within / per_reg, reg, within % per_reg};
        }
        case Operand::B: {
            const int within = coord.row % (4 * per_reg);
            return {4 * coord.col + within / per_reg, coord.row / (4 * per_reg), within % per_reg};
        }
        case Operand::C:
        case Operand::D: {
            const int lane = 4 * (coord.row & 7) + coord.col / 2;
            if (per_reg == 1) return {lane, 2 * (coord.row >> 3) + (coord.col & 1), 0};
            return {lane, coord.row >> 3, coord.col & 1};
        }
    }
    throw InternalError("element_slot: unknown operand");
}

int metadata_chunk_width(const MmaForm& form) {
    switch (form.a) {
        case ElemType::tf32: return 2;
        case ElemType::s4: case ElemType::u4: return 8;
        default: return 4;
    }
}

// §3.4. Family A (16-bit and tf32 types): each selected thread holds 4 chunks of row g in bits
// [15:0] and the same chunks of row g+8 in bits [31:16]; a second thread (pair shapes) covers the
// next 4 chunks. Family B (8-bit and 4-bit types): each thread holds 8 chunks of one row.
MetadataSlot metadata_slot(const MmaForm& form, int selector, int row, int chunk) {
    const int g = row & 7, h = row >> 3;
    if (is_metadata_family_b(form)) {
        return {4 * g + 2 * selector + h + 2 * (chunk >> 3), 4 * (chunk & 7)};
    }
    const int base = form.selector_count == 4 ? selector : 2 * selector;
    return {4 * g + base + (chunk >> 2), 16 * h + 4 * (chunk & 3)};
}

bool metadata_lane_used(const MmaForm& form, int selector, int lane) {
    const int chunks = form.shape.k / metadata_chunk_width(form);
    for (int row : {lane >> 2, (lane >> 2) + 8})
        for (int chunk = 0; chunk < chunks; ++chunk)
            if (metadata_slot(form, selector, row, chunk).lane == lane) return true;
    return false;
}

}  // namespace stcsim::isa
