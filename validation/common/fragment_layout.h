// Which matrix element each lane register of an mma / mma.sp operand holds (mma-sp-isa.md §3), for
// the host side of the probes: building A and B fragments with a chosen element at a chosen
// (row, column), and turning the D registers the GPU returns into a row-major M x N matrix.
//
// g = lane / 4, t = lane % 4; sub = element index inside the 32-bit register from the low bits;
// p = elements per register. A is the stored A (M x K/2 for .sp), laid out like the dense A of the
// half-K shape (§3.1). Formulas, for every form in the table:
//   A  (M = 16): row = g + 8 (reg & 1), col = p t + sub + 4 p (reg >> 1);  (M = 8): row = g, col = p t + sub
//   B:           k   = p t + sub + 4 p reg, n = g
//   C/D 32-bit:  row = g + 8 (reg >> 1), col = 2 t + (reg & 1)  (M = 8, two registers: row = g)
//   C/D f16x2:   row = g + 8 reg, col = 2 t + sub
#pragma once

#include "validation/common/mma_forms.h"

namespace stcsim::validation {

struct Coord {
    int row = 0;
    int col = 0;
};

enum class Operand { A, B, C, D };

int operand_regs(const FormInfo& form, Operand op);
Elem operand_elem(const FormInfo& form, Operand op);
int elements_per_reg(const FormInfo& form, Operand op);
// (row, col) of element `sub` of register `reg` of `lane`. For B, row is k and col is n.
Coord fragment_coord(const FormInfo& form, Operand op, int lane, int reg, int sub);

// Dense K column of stored A column `kc` when every metadata nibble is 0x4 (the chunk keeps its
// first positions): 2:4 -> 4 (kc/2) + kc%2; tf32 1:2 -> 2 kc; int4 4:8 pairs -> 8 (kc/4) + kc%4.
int dense_k_for_nibble4(const FormInfo& form, int kc);

}  // namespace stcsim::validation
