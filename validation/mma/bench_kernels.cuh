// The mma microbenchmark kernel: every warp of one CTA runs ILP independent chains of N dependent
// instructions (each instruction's D is the next one's C; A, B and metadata stay constant), timed
// with clock64 per warp. Included by bench_{dense,sp,spo}.cu, which instantiate it per form, and
// by bench_own_ab.cu (A and B per chain, a few forms).
//
// Timing fences: the start is read after every input register has arrived (a volatile fold of the
// inputs forces the loads to complete) and after __syncthreads; the end is read after a volatile
// fold of every accumulator, which cannot issue before the last instruction of every chain has
// written back. So cycles = iters x dependent latency (ILP 1, one warp) exactly, plus a few cycles.
#pragma once

#include <cstdint>

#include "validation/common/mma_asm.cuh"
#include "validation/mma/bench_launch.h"

namespace stcsim::validation {

__device__ __forceinline__ std::uint32_t fold_fence(std::uint32_t x) {
    std::uint32_t y;
    asm volatile("mov.b32 %0, %1;" : "=r"(y) : "r"(x));
    return y;
}

// The benchmark of one warp. With OWN_AB, chain c reads A and B registers of its own (the inputs
// plus c), so that consecutive instructions never name the same A or B register and ptxas can set
// no operand-reuse flag between them; otherwise every chain reads the same A and B.
template <class F, int ILP, bool OWN_AB>
__device__ __forceinline__ void mma_bench_warp(const std::uint32_t* __restrict__ in, std::uint32_t* __restrict__ out,
                                               long long* __restrict__ cycles, int iters) {
    constexpr int kAB = OWN_AB ? ILP : 1;
    const int lane = static_cast<int>(threadIdx.x) & 31;
    const int warp = static_cast<int>(threadIdx.x) >> 5;
    const std::uint32_t* mine = in + lane * kBenchWordsPerLane;
    std::uint32_t a[kAB][4], b[kAB][4], acc[ILP][4];
    for (int c = 0; c < kAB; ++c)
        for (int i = 0; i < 4; ++i) a[c][i] = mine[i] + static_cast<std::uint32_t>(c), b[c][i] = mine[4 + i] + static_cast<std::uint32_t>(c);
    const std::uint32_t e = mine[12];
    for (int c = 0; c < ILP; ++c)
        for (int i = 0; i < 4; ++i) acc[c][i] = mine[8 + i] + static_cast<std::uint32_t>(c);
    std::uint32_t fold = e;
    for (int c = 0; c < kAB; ++c)
        for (int i = 0; i < 4; ++i) fold ^= a[c][i] ^ b[c][i];
    for (int c = 0; c < ILP; ++c)
        for (int i = 0; i < 4; ++i) fold ^= acc[c][i];
    fold = fold_fence(fold);
    __syncthreads();
    const long long start = clock64();
#pragma unroll 4
    for (int it = 0; it < iters; ++it) {
#pragma unroll
        for (int c = 0; c < ILP; ++c) F::template run<0>(acc[c], acc[c], a[OWN_AB ? c : 0], b[OWN_AB ? c : 0], e);
    }
    std::uint32_t result = 0;
    for (int c = 0; c < ILP; ++c)
        for (int i = 0; i < F::kD; ++i) result ^= acc[c][i];
    result = fold_fence(result);
    const long long end = clock64();
    out[threadIdx.x] = result ^ fold;
    if (lane == 0) {
        cycles[3 * warp + 0] = start;
        cycles[3 * warp + 1] = end;
        cycles[3 * warp + 2] = end - start;
    }
}

template <class F, int ILP>
__global__ void __launch_bounds__(1024) mma_bench_kernel(const std::uint32_t* __restrict__ in,
                                                         std::uint32_t* __restrict__ out,
                                                         long long* __restrict__ cycles, int iters) {
    mma_bench_warp<F, ILP, false>(in, out, cycles, iters);
}

// The same with A and B per chain (bench_own_ab.cu instantiates it for a few forms). ILP comes
// first, so that its mangled name never holds the plain kernel's "Form_<id>ELi<ILP>E".
template <int ILP, class F>
__global__ void __launch_bounds__(1024) mma_bench_own_ab_kernel(const std::uint32_t* __restrict__ in,
                                                                std::uint32_t* __restrict__ out,
                                                                long long* __restrict__ cycles, int iters) {
    mma_bench_warp<F, ILP, true>(in, out, cycles, iters);
}

template <class F>
bool launch_bench(const BenchLaunch& p) {
    if constexpr (!F::kInPlace) {
        return false;
    } else {
        const dim3 block(static_cast<unsigned>(32 * p.warps));
        if (p.own_ab) return false;  // bench_own_ab.cu's forms only
        switch (p.ilp) {
            case 1: mma_bench_kernel<F, 1><<<1, block>>>(p.in, p.out, p.cycles, p.iters); break;
            case 2: mma_bench_kernel<F, 2><<<1, block>>>(p.in, p.out, p.cycles, p.iters); break;
            case 3: mma_bench_kernel<F, 3><<<1, block>>>(p.in, p.out, p.cycles, p.iters); break;
            case 4: mma_bench_kernel<F, 4><<<1, block>>>(p.in, p.out, p.cycles, p.iters); break;
            default: return false;
        }
        return true;
    }
}

}  // namespace stcsim::validation

