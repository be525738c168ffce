// The wgmma microbenchmark kernel (launch interface: wgmma/bench_launch.h). Included by
// bench_{dense,sp}.cu, which instantiate it per form, A source and ILP.
//
// Timing fences as in mma/bench_kernels.cuh: the start is read after every input register has
// arrived (a volatile fold of the inputs) and after __syncthreads; the end after wait_group 0 and
// a volatile fold of every accumulator. The loop is not unrolled: ptxas keeps one
// WARPGROUP.ARRIVE per iteration (the wgmma.fence it injects at a loop head) and, unlike an
// unrolled loop with one chain, does not serialize the instructions.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "validation/wgmma/bench_launch.h"
#include "validation/wgmma/descriptor.h"
#include "validation/wgmma/wgmma_asm.cuh"

namespace stcsim::validation {

__device__ __forceinline__ std::uint32_t wgmma_fold_fence(std::uint32_t x) {
    std::uint32_t y;
    asm volatile("mov.b32 %0, %1;" : "=r"(y) : "r"(x));
    return y;
}

// Threads a CTA may have, by accumulator registers per thread, so that ptxas may give each thread
// the registers the whole pipeline needs (128 accumulators take about 155).
constexpr int wgmma_bench_max_threads(int accumulator_regs) {
    return accumulator_regs >= 128 ? 384 : accumulator_regs >= 64 ? 512 : 768;
}

template <class F, bool REGS, int ILP>
__global__ void __launch_bounds__(wgmma_bench_max_threads(ILP * F::kD)) wgmma_bench_kernel(WgmmaBenchLaunch p) {
    extern __shared__ __align__(1024) std::uint32_t smem[];
    const int tid = static_cast<int>(threadIdx.x);
    for (std::uint32_t i = static_cast<std::uint32_t>(tid); i < p.smem_words; i += blockDim.x) smem[i] = p.smem_image[i];
    device::fence_async_shared();
    const auto base = static_cast<std::uint32_t>(__cvta_generic_to_shared(smem));
    const std::uint64_t desc_a = make_descriptor(plain_k_major(base + p.a_offset, p.a_k_bytes));
    const std::uint64_t desc_b = make_descriptor(plain_k_major(base + p.b_offset, p.b_k_bytes));
    std::uint32_t a[4];
    for (int i = 0; i < 4; ++i) a[i] = p.a_regs[(tid % 128) * 4 + i];
    const std::uint32_t e = p.metadata;
    std::uint32_t acc[ILP][F::kD];
#pragma unroll
    for (int c = 0; c < ILP; ++c)
#pragma unroll
        for (int i = 0; i < F::kD; ++i) acc[c][i] = 0;
    std::uint32_t fold = e ^ static_cast<std::uint32_t>(desc_a) ^ static_cast<std::uint32_t>(desc_b);
    for (int i = 0; i < 4; ++i) fold ^= a[i];
    fold = wgmma_fold_fence(fold);
    __syncthreads();
    const long long start = clock64();
    device::wgmma_fence();
#pragma unroll 1
    for (int it = 0; it < p.iters; ++it) {
#pragma unroll
        for (int c = 0; c < ILP; ++c) F::template run<REGS, 0>(acc[c], a, desc_a, desc_b, e);
        device::wgmma_commit();
        device::wgmma_wait<1>();
    }
    device::wgmma_wait<0>();
    std::uint32_t result = 0;
#pragma unroll
    for (int c = 0; c < ILP; ++c)
#pragma unroll
        for (int i = 0; i < F::kD; ++i) result ^= acc[c][i];
    result = wgmma_fold_fence(result);
    const long long end = clock64();
    p.out[tid] = result ^ fold;
    if (tid % 32 == 0) {
        const int warp = tid / 32;
        p.cycles[3 * warp + 0] = start;
        p.cycles[3 * warp + 1] = end;
        p.cycles[3 * warp + 2] = end - start;
    }
}

// The kernel of (F, A source, ILP), or nullptr when that ILP is not instantiated for F.
template <class F, bool REGS>
void* wgmma_bench_entry(int ilp) {
    constexpr int max_ilp = wgmma_max_ilp(F::kD);
    switch (ilp) {
        case 1: return reinterpret_cast<void*>(&wgmma_bench_kernel<F, REGS, 1>);
        case 2: if constexpr (max_ilp >= 2) return reinterpret_cast<void*>(&wgmma_bench_kernel<F, REGS, 2>); else return nullptr;
        case 3: if constexpr (max_ilp >= 3) return reinterpret_cast<void*>(&wgmma_bench_kernel<F, REGS, 3>); else return nullptr;
        case 4: if constexpr (max_ilp >= 4) return reinterpret_cast<void*>(&wgmma_bench_kernel<F, REGS, 4>); else return nullptr;
        default: return nullptr;
    }
}

template <class F>
void* wgmma_bench_entry(const WgmmaBenchLaunch& p) {
    return p.a_from_registers ? wgmma_bench_entry<F, true>(p.ilp) : wgmma_bench_entry<F, false>(p.ilp);
}

inline bool launch_wgmma_bench_entry(void* kernel, const WgmmaBenchLaunch& p) {
    if (kernel == nullptr) return false;
    WgmmaBenchLaunch copy = p;
    void* args[] = {&copy};
    const dim3 block(static_cast<unsigned>(128 * p.groups));
    const std::size_t smem = p.smem_words * sizeof(std::uint32_t);
    return cudaLaunchKernel(kernel, dim3(1), block, args, smem, nullptr) == cudaSuccess;
}

inline WgmmaKernelInfo wgmma_bench_entry_info(void* kernel) {
    cudaFuncAttributes attributes{};
    if (kernel == nullptr || cudaFuncGetAttributes(&attributes, kernel) != cudaSuccess) return {};
    return {attributes.numRegs, attributes.maxThreadsPerBlock};
}

}  // namespace stcsim::validation
