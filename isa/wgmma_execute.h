// Executes one warp-group `wgmma.mma_async` / `wgmma.mma_async.sp` bit-exactly.
//
// Arithmetic: Hopper's block fused-dot-add model (isa/arithmetic.h) with the parameters that the
// warp-level mma of the same input type uses on sm_90. Every wgmma K equals the K of one
// warp-level mma of its type (f16/bf16 k16, tf32 k8, 8-bit k32; .sp twice that), so each D
// element is one dot product of K (kept) products in K order, split into the same blocks as
// mma.sync's (f16/bf16: one block of 16; tf32: 8; fp8: 32 with the e8m13 result). Assumption,
// not measured: no wgmma output from a GPU is at hand to test against; MMA-Sim fits H100 wgmma
// with these parameters, and the tests check wgmma against the GPU-checked mma model slice by
// slice (4 warps x N/8 column blocks of m16n8kK).
//
// Immediates: scale-d = false computes D = A*B, modelled as an accumulator of +0; imm-scale-a/b
// = -1 negates every element of A/B (its sign bit), floating types only; imm-trans-a/b = 1 reads
// the shared-memory operand M/N-major, f16/bf16 only (never for A from registers).
// Sparse: the metadata of the selected lanes is decoded as for mma.sp (wgmma has no
// ::ordered_metadata variant); illegal nibbles and selectors are UserErrors unless
// InvalidMetadataMode::mux. Errors name the operand (A descriptor, metadata lane, ...).
#pragma once

#include <array>
#include <cstdint>

#include "isa/arch.h"
#include "isa/execute.h"
#include "isa/matrix.h"
#include "isa/wgmma_catalog.h"
#include "isa/wgmma_descriptor.h"
#include "isa/wgmma_fragments.h"

namespace stcsim::isa {

struct WgmmaImmediates {
    bool scale_d = true;
    bool negate_a = false;  // imm-scale-a = -1
    bool negate_b = false;  // imm-scale-b = -1
    bool trans_a = false;   // imm-trans-a = 1
    bool trans_b = false;   // imm-trans-b = 1
};

// The instruction's operands as the hardware sees them.
struct WgmmaOperands {
    WarpgroupFragment a;             // A from registers (packed for .sp)
    std::uint64_t a_descriptor = 0;  // A from shared memory
    std::uint64_t b_descriptor = 0;
    SharedMemoryImage smem;
    WarpgroupFragment d;  // the accumulator read (d_regs per lane)
    WarpgroupMetadata metadata{};  // .sp: sp-meta of every thread
    int selector = 0;              // .sp: sp-sel
    WgmmaImmediates imm;
};

// The same operands as logical matrices: A as stored (64 x K, or 64 x K/2 packed for .sp), B
// (K x N), C = the accumulator (64 x N), plus metadata and immediates.
struct WgmmaMatrices {
    Matrix a, b, c;
    WarpgroupMetadata metadata{};
    int selector = 0;
    WgmmaImmediates imm;
};

// Reads A and B through registers or descriptors. UserError for a bad descriptor or immediate.
WgmmaMatrices gather_wgmma(const WgmmaForm& form, const WgmmaOperands& operands);
// D (64 x N) of `form` on `arch`. UserError for an illegal selector or metadata nibble.
Matrix compute_wgmma(const WgmmaForm& form, Arch arch, const WgmmaMatrices& inputs, const ExecuteOptions& options = {});
// gather + compute, returning the D fragment.
WarpgroupFragment execute_wgmma(const WgmmaForm& form, Arch arch, const WgmmaOperands& operands,
                                const ExecuteOptions& options = {});

// The tile a descriptor operand covers: A (64 x stored K) or B (K x N).
OperandTile wgmma_tile(const WgmmaForm& form, bool operand_a, bool transposed);

}  // namespace stcsim::isa
