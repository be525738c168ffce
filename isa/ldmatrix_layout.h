// The fragment layout of ldmatrix .m8n8 .b16 (PTX ISA, "ldmatrix"): which element of which 8x8
// matrix each lane's register receives. Used by the SASS emulator (LDSM values) and by the
// shared-memory model's tests.
#pragma once

namespace stcsim::isa {

// Where fragment element `half` (0 or 1) of register `reg` (= matrix index) in lane `lane` comes
// from: row and column (b16 element) of that 8x8 matrix. Non-transposed: lane t holds row t/4,
// columns 2*(t%4) and 2*(t%4)+1; .trans: column t/4, rows 2*(t%4) and 2*(t%4)+1.
struct MatrixElement {
    int matrix = 0;
    int row = 0;
    int col = 0;
};

constexpr MatrixElement ldmatrix_source(int lane, int reg, int half, bool trans) {
    const int group = lane / 4;
    const int pair = 2 * (lane % 4) + half;
    return trans ? MatrixElement{reg, pair, group} : MatrixElement{reg, group, pair};
}

}  // namespace stcsim::isa
