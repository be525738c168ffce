// MmaTiming: what the tensor-core pipeline needs to know about one mma / mma.sp form on one
// configured tensor core, resolved once before cycle 0 (never per instruction).
//
// interval (initiation interval, cycles the dot-product units are busy) follows from the
// datapath: ceil(real_multiplies * max(1, datapath_rows / m) / (dot_product_units *
// dot_product_width * rate_factor)) + warp_mma_overhead_cycles (+ sparse_mma_overhead_cycles for
// mma.sp), where real_multiplies = m*n*k for dense and m*n*k/2 for sparse (only kept A values are
// multiplied); a form with fewer rows than the datapath processes per pass pays for the full pass.
// A latency entry may override it. latency (issue to dependent issue, unloaded) comes from the
// first matching latency entry, or default_fixed_cycles + interval (+ sparse stages).
//
// Warp-group MMA (wgmma, sm_90a; resolve_wgmma_timing): the four warps of a warp group each issue
// the instruction (as in SASS, every warp issues HGMMA) and each warp's slice runs on its own
// sub-partition's tensor core (warp w sits on sub-partition w mod 4, so a warp group covers all
// four): a slice is the warp's 16 rows of the m64 tile, 16*N*K multiplies (half for .sp). The
// slice holds the units for interval = max(compute, operands) cycles, with
//   compute  = ceil(slice multiplies / (dot_product_units * dot_product_width * rate factor)),
//              no warp_mma_overhead_cycles or sparse_mma_overhead_cycles (the warp-synchronous
//              path's costs) and no
//              datapath_rows padding (a slice has 16 rows);
//   operands = ceil(slice bytes / (wgmma.operand_bytes_per_cycle / 4)), slice bytes = a quarter of
//              the shared-memory bytes of the warp group's instruction: A (when from a
//              descriptor, 64 rows) + B (N columns, read once and broadcast to the four slices).
// The operand streams are assumed bank-conflict free (the canonical swizzled layouts are) and to
// have that share of the shared-memory bandwidth to themselves (LDS/STS traffic of the same SM
// does not slow them; not modelled). The four slices are not synchronised with each other: each
// starts when its own warp's instruction reaches the tensor core. latency (issue to dependent
// issue, unloaded) = wgmma.fixed_cycles + interval (+ sparse stages); dense_fma is the slice's
// share (16*N*K), so warp-level accounting (warps x instructions x dense_fma) stays right.
#pragma once

#include <cstdint>
#include <string>

#include "isa/catalog.h"
#include "isa/wgmma_catalog.h"
#include "sim/config/gpu_spec.h"

namespace stcsim::sim {

struct MmaTiming {
    std::string opcode;          // HMMA | IMMA | QMMA
    std::string inputs;          // rate family: f16, bf16, tf32, fp8, int8, int4
    std::string accumulator;     // f16, f32, s32
    bool sparse = false;
    std::int64_t dense_fma = 0;  // m*n*k (logical, dense-equivalent)
    std::int64_t real_multiplies = 0;
    double rate_factor = 1.0;
    int interval = 0;      // cycles the dot-product units are occupied
    int front_cycles = 0;  // sparse: metadata decode + B select, before the dot-product units
    int latency = 0;       // unloaded, issue to dependent issue
    std::string latency_source;
    bool wgmma = false;    // a warp-group MMA slice (resolve_wgmma_timing)
    int compute_cycles = 0;  // wgmma: the slice's dot-product cycles
    int operand_cycles = 0;  // wgmma: the slice's shared-memory operand cycles
};

std::string input_family(isa::ElemType type);

// Throws UserError naming the config key when no rate entry covers the form.
MmaTiming resolve_timing(const isa::MmaForm& form, const TensorCoreSpec& spec);

// One warp's slice of a wgmma form (see above). Throws UserError naming the key when the config
// has no wgmma path (sm.tensor_core.wgmma.fixed_cycles 0) or no rate entry covers the form.
MmaTiming resolve_wgmma_timing(const isa::WgmmaForm& form, const TensorCoreSpec& spec, int sub_partitions);

// Peak dense-equivalent FMAs per cycle of one tensor core for a form: dense_fma / interval.
double peak_fma_per_cycle(const MmaTiming& timing);

}  // namespace stcsim::sim
