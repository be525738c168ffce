// Host side of gemm_bench: the kernel configurations, and the input data in the layouts the GEMM
// kernel reads (those `stcsim trace gen gemm` describes, sim/trace/gemm_trace.h): A row-major
// (M x K, or compressed M x K/2 for 2:4 sparse), B row-major K x N, and the sparse metadata E
// tile-blocked: per (CTA row tile, K tile) one contiguous block, inside it one 32-word block per
// (selector group, 16-row MMA tile), word `lane` = that lane's metadata register (the
// isa::metadata_slot layout). Values are multiples of 1/8 in [-1, 1]: every product and every sum
// of up to 2^16 of them is exact in f32, so the kernel must match the reference exactly.
// Host code only; no CUDA.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stcsim::validation::gemm {

struct GemmConfig {
    int tm, tn, tk;  // CTA tile (tk: dense K)
    int wm, wn;      // warp tile (each warp covers the whole tk)
    int stages;
    bool sparse;
    int mma_k() const { return sparse ? 32 : 16; }
    int steps() const { return tk / mma_k(); }
    int metadata_words_per_stage() const { return sparse ? (steps() + 1) / 2 * (tm / 16) * 32 : 0; }
};

struct GemmData {
    std::vector<std::uint16_t> a;        // stored A
    std::vector<std::uint16_t> a_dense;  // logical A, M x K (the reference's)
    std::vector<std::uint16_t> b;        // K x N
    std::vector<std::uint32_t> e;        // metadata (sparse)
};

// dtype: f16 or bf16. Throws std::invalid_argument for anything else.
GemmData make_gemm_data(std::int64_t m, std::int64_t n, std::int64_t k, const std::string& dtype, const GemmConfig& config,
                        std::uint32_t seed);

}  // namespace stcsim::validation::gemm
