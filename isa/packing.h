// Conversions between logical matrices (as users write them) and warp register fragments.
//
// For .sp the logical A (M x K) must satisfy the pattern of its type; pack_sparse_a compresses it
// (isa/sparsity.h) and writes the values into the A fragment and the nibbles into the metadata
// registers of the lanes the selector names (other lanes' metadata stays 0).
#pragma once

#include "isa/execute.h"
#include "isa/matrix.h"

namespace stcsim::isa {

WarpFragment to_fragment(const MmaForm& form, Operand operand, const Matrix& matrix);
Matrix from_fragment(const MmaForm& form, Operand operand, const WarpFragment& fragment);

struct PackedSparseA {
    WarpFragment values;
    MetadataRegisters metadata{};
};
PackedSparseA pack_sparse_a(const MmaForm& form, const Matrix& logical_a, int selector);

// The logical A that a compressed fragment and its metadata describe (pruned positions zero).
// Requires legal metadata; used by tests and tools to show what the hardware multiplies.
Matrix unpack_sparse_a(const MmaForm& form, const WarpFragment& values,
                       const MetadataRegisters& metadata, int selector);

}  // namespace stcsim::isa
