// Fragment layouts: which lane and register of a warp holds which matrix element of an mma / mma.sp
// operand, and where a sparse A chunk's metadata nibble sits (mma-sp-isa.md §3).
//
// Matrices as seen here: A is M x K (dense) or M x K/2 (compressed, for .sp), row-major; B is K x N;
// C and D are M x N. Registers are 32-bit; the elements of one register are numbered from the low
// bits up (16-bit halves, bytes or nibbles). g = lane / 4 (group), t = lane % 4 (thread in group).
#pragma once

#include <cstdint>

#include "isa/catalog.h"

namespace stcsim::isa {

enum class Operand { A, B, C, D };

inline constexpr int kWarpSize = 32;

struct FragmentSlot {
    int lane = 0;
    int reg = 0;
    int sub = 0;  // element index inside the register, from the low bits
    bool operator==(const FragmentSlot&) const = default;
};

struct MatrixCoord {
    int row = 0;
    int col = 0;
    bool operator==(const MatrixCoord&) const = default;
};

ElemType operand_type(const MmaForm& form, Operand operand);
int operand_rows(const MmaForm& form, Operand operand);
int operand_cols(const MmaForm& form, Operand operand);  // A: stored columns (K/2 for .sp)
int operand_registers(const MmaForm& form, Operand operand);
int elements_per_register(const MmaForm& form, Operand operand);

MatrixCoord element_coord(const MmaForm& form, Operand operand, FragmentSlot slot);
FragmentSlot element_slot(const MmaForm& form, Operand operand, MatrixCoord coord);

// Where the metadata nibble of chunk `chunk` (dense K / chunk width) of A row `row` lives for
// selector `selector`: lane and lowest bit in that lane's metadata register.
struct MetadataSlot {
    int lane = 0;
    int bit = 0;
};
MetadataSlot metadata_slot(const MmaForm& form, int selector, int row, int chunk);
// Dense K columns described by one metadata nibble (4 for 2:4, 2 for tf32, 8 for int4).
int metadata_chunk_width(const MmaForm& form);
// True for the lanes whose metadata register the instruction reads with `selector`.
bool metadata_lane_used(const MmaForm& form, int selector, int lane);

}  // namespace stcsim::isa
