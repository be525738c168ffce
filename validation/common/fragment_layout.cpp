#include "validation/common/fragment_layout.h"

namespace stcsim::validation {

int operand_regs(const FormInfo& form, Operand op) {
    switch (op) {
        case Operand::A: return form.a_regs;
        case Operand::B: return form.b_regs;
        case Operand::C: return form.c_regs;
        case Operand::D: return form.d_regs;
    }
    return 0;
}

Elem operand_elem(const FormInfo& form, Operand op) {
    switch (op) {
        case Operand::A: return form.a;
        case Operand::B: return form.b;
        case Operand::C: return form.c;
        case Operand::D: return form.d;
    }
    return form.a;
}

int elements_per_reg(const FormInfo& form, Operand op) { return 32 / elem_bits(operand_elem(form, op)); }

Coord fragment_coord(const FormInfo& form, Operand op, int lane, int reg, int sub) {
    const int g = lane / 4, t = lane % 4;
    const int p = elements_per_reg(form, op);
    switch (op) {
        case Operand::A:
            if (form.m == 8) return {g, p * t + sub};
            return {g + 8 * (reg & 1), p * t + sub + 4 * p * (reg >> 1)};
        case Operand::B:
            return {p * t + sub + 4 * p * reg, g};
        case Operand::C:
        case Operand::D:
            if (p == 2) return {g + 8 * reg, 2 * t + sub};  // f16x2
            if (form.m == 8) return {g, 2 * t + reg};
            return {g + 8 * (reg >> 1), 2 * t + (reg & 1)};
    }
    return {};
}

int dense_k_for_nibble4(const FormInfo& form, int kc) {
    if (!form.sparse()) return kc;
    if (form.a == Elem::tf32) return 2 * kc;
    if (form.a == Elem::s4 || form.a == Elem::u4) return 8 * (kc / 4) + kc % 4;
    return 4 * (kc / 2) + kc % 2;
}

}  // namespace stcsim::validation
