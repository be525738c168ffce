// The launch interface of the mma throughput/latency kernel (bench_kernels.cuh), one entry point per
// part of the form table so that the kernels compile in three translation units.
#pragma once

#include <cstdint>

namespace stcsim::validation {

// One CTA of `warps` warps; every warp runs `ilp` independent chains of `iters` dependent
// instructions of form `form`. Per lane, `in` holds 13 words: A[4], B[4], C[4], metadata.
// `out` gets one word per thread (a fold of the final D, so nothing is dead code); `cycles` gets
// three values per warp: clock64 at start, at end, and end - start.
struct BenchLaunch {
    int form = 0;
    int ilp = 1;
    int warps = 1;
    int iters = 0;
    bool own_ab = false;  // A and B registers per chain (launch_mma_bench_own_ab), else shared by all chains
    const std::uint32_t* in = nullptr;
    std::uint32_t* out = nullptr;
    long long* cycles = nullptr;
};

inline constexpr int kBenchMaxIlp = 4;

// The forms whose kernels also come with A and B per chain (mma_bench --own-ab): the half- and
// full-size f16 forms with 2- and 4-register accumulators, dense and sparse, where several warps
// interleaving on one tensor core cost the H200 the most (validation/measurements/h200-sxm).
#define STC_OWN_AB_FORMS(X)             \
    X(dense_m16n8k8_f16_f16_f16_f16)   \
    X(dense_m16n8k8_f32_f16_f16_f32)   \
    X(dense_m16n8k16_f32_f16_f16_f32)  \
    X(sp_m16n8k16_f32_f16_f16_f32)     \
    X(sp_m16n8k32_f32_f16_f16_f32)
inline constexpr int kBenchWordsPerLane = 13;

// Each returns false when the form is not in its part or cannot chain (C and D of different types).
bool launch_mma_bench_dense(const BenchLaunch& launch);
bool launch_mma_bench_sp(const BenchLaunch& launch);
bool launch_mma_bench_spo(const BenchLaunch& launch);
// The kernels with A and B per chain, for the forms kOwnAbForms names only (false for the others).
bool launch_mma_bench_own_ab(const BenchLaunch& launch);

}  // namespace stcsim::validation
