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
    const std::uint32_t* in = nullptr;
    std::uint32_t* out = nullptr;
    long long* cycles = nullptr;
};

inline constexpr int kBenchMaxIlp = 4;
inline constexpr int kBenchWordsPerLane = 13;

// Each returns false when the form is not in its part or cannot chain (C and D of different types).
bool launch_mma_bench_dense(const BenchLaunch& launch);
bool launch_mma_bench_sp(const BenchLaunch& launch);
bool launch_mma_bench_spo(const BenchLaunch& launch);

}  // namespace stcsim::validation
