// MmaTiming: what the tensor-core pipeline needs to know about one mma / mma.sp form on one
// configured tensor core, resolved once before cycle 0 (never per instruction).
//
// interval (initiation interval, cycles the dot-product units are busy) follows from the
// datapath: ceil(real_multiplies * max(1, datapath_rows / m) / (dot_product_units *
// dot_product_width * rate_factor)) + warp_mma_overhead_cycles, where real_multiplies = m*n*k
// for dense and m*n*k/2 for sparse (only kept A values are multiplied); a form with fewer rows
// than the datapath processes per pass pays for the full pass.
// A latency entry may override it. latency (issue to dependent issue, unloaded) comes from the
// first matching latency entry, or default_fixed_cycles + interval (+ sparse stages).
#pragma once

#include <cstdint>
#include <string>

#include "isa/catalog.h"
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
};

std::string input_family(isa::ElemType type);

// Throws UserError naming the config key when no rate entry covers the form.
MmaTiming resolve_timing(const isa::MmaForm& form, const TensorCoreSpec& spec);

// Peak dense-equivalent FMAs per cycle of one tensor core for a form: dense_fma / interval.
double peak_fma_per_cycle(const MmaTiming& timing);

}  // namespace stcsim::sim
