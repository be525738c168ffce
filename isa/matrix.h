// A logical matrix of raw element bits, row-major. Used for A, B, C and D as users see them, and
// for compressed A (rows x K/2).
#pragma once

#include <cstdint>
#include <vector>

#include "isa/types.h"

namespace stcsim::isa {

struct Matrix {
    ElemType type = ElemType::f32;
    int rows = 0;
    int cols = 0;
    std::vector<std::uint32_t> bits;  // rows * cols raw elements, each in its container's low bits

    Matrix() = default;
    Matrix(ElemType element_type, int row_count, int col_count)
        : type(element_type), rows(row_count), cols(col_count),
          bits(static_cast<std::size_t>(row_count) * static_cast<std::size_t>(col_count), 0u) {}

    std::uint32_t& at(int row, int col) { return bits[index(row, col)]; }
    std::uint32_t at(int row, int col) const { return bits[index(row, col)]; }
    bool operator==(const Matrix&) const = default;

private:
    std::size_t index(int row, int col) const {
        return static_cast<std::size_t>(row) * static_cast<std::size_t>(cols) +
               static_cast<std::size_t>(col);
    }
};

}  // namespace stcsim::isa
