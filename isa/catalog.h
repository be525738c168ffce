// The catalog of warp-level `mma` and `mma.sp` / `mma.sp::ordered_metadata` forms that stcsim
// models on sm_80, sm_86, sm_89 and sm_90 (sm_90a: the same forms; its warp-group wgmma forms
// are in isa/wgmma_catalog.h), and the parser of their PTX names.
//
// A form is everything the rest of the simulator may ask about an instruction without computing
// it: shape, operand types, registers per thread, sparsity, legal selectors, the SASS opcode it
// lowers to, and the FMA count of its dense logical problem. Illegal PTX (an unknown shape, a type
// combination PTX does not define, a form newer than the target) is a UserError that says why.
// Not modelled: m8n8k4 (lowered to FPU code on sm_80+, not a tensor-core op), f64 and b1 forms.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "isa/arch.h"
#include "isa/types.h"

namespace stcsim::isa {

enum class SparseKind { dense, sp, sp_ordered };

struct Shape {
    int m = 0, n = 0, k = 0;  // k is the dense (logical) K, also for mma.sp
    bool operator==(const Shape&) const = default;
};

struct MmaForm {
    std::string ptx;  // canonical PTX instruction name
    Shape shape;
    SparseKind sparse = SparseKind::dense;
    ElemType a = ElemType::f16, b = ElemType::f16, c = ElemType::f32, d = ElemType::f32;
    bool satfinite = false;
    int a_regs = 0, b_regs = 0, c_regs = 0, d_regs = 0;  // 32-bit registers per thread; A is compressed for .sp
    int selector_count = 0;                              // legal sparsity selectors 0..n-1; 0 for dense
    Arch min_arch = Arch::sm_80;
    int min_ptx_isa = 0;  // e.g. 71 for PTX ISA 7.1
    std::string sass;     // the SASS opcode(s) it lowers to on the architecture it was parsed for
    // No tensor instruction of its own on that architecture: ptxas emits an instruction sequence
    // (sm_90: int4 and fp8 mma.sync); isa/lowering.h holds the sequences it knows.
    bool emulated = false;

    bool is_sparse() const { return sparse != SparseKind::dense; }
    int stored_a_cols() const { return is_sparse() ? shape.k / 2 : shape.k; }
    std::int64_t dense_fma_count() const {
        return std::int64_t{shape.m} * shape.n * shape.k;
    }
};

// Parses a PTX name such as "mma.sp::ordered_metadata.sync.aligned.m16n8k32.row.col.f32.bf16.bf16.f32"
// (`.satfinite` accepted before the types or at the end, as ptxas does) for `arch`.
MmaForm parse_mma(std::string_view ptx, Arch arch);

// Every legal form on `arch`, in a stable order.
std::vector<MmaForm> catalog(Arch arch);

std::string shape_name(const Shape& shape);  // "m16n8k32"

}  // namespace stcsim::isa
