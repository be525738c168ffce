// Global-store throughput kernels (memory_kernels.h: store_throughput). Every warp stores 8 bytes
// per lane (one STG.E.64) `steps` times, 4 stores per loop iteration, and its lane 0 writes the
// warp's clock64 span. Stores are posted: a warp waits only when the path to L2 is full, so over a
// long enough loop the span follows the SM's store throughput. Each warp's stores cycle over a
// window of kWindow 256-byte blocks, so the lines stay in L2 and the rate is that of the path from
// the SM to L2, not DRAM's.
//   kContiguous: lane l writes bytes 8l..8l+7 of a 256-byte block: 2 lines, 8 sectors per store.
//   kFragmentRows: lane l writes row l / 4, bytes 8 (l % 4).. of a 32-byte column strip of an
//     8-row tile whose rows lie kRowBytes apart, the layout in which an mma epilogue stores its
//     f32 accumulators (gemm_bench's STG.E.64): 8 lines, 8 sectors per store.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "validation/common/cuda_util.cuh"
#include "validation/memory/memory_kernels.h"

namespace stcsim::validation {
namespace {

constexpr int kWindow = 16;        // blocks per warp before its addresses repeat
constexpr int kRowBytes = 1024;    // kFragmentRows: bytes between a tile's rows
constexpr int kWarpSpan = 8 * kRowBytes;  // bytes of one warp's window (either pattern)

template <int PATTERN>
__device__ __forceinline__ std::uint64_t store_offset(int lane, int block) {
    if constexpr (PATTERN == static_cast<int>(StorePattern::contiguous))
        return static_cast<std::uint64_t>(block * 256 + lane * 8);
    return static_cast<std::uint64_t>((lane / 4) * kRowBytes + block * 32 + (lane % 4) * 8);
}

template <int PATTERN>
__global__ void store_kernel(int steps, std::uint8_t* out, long long* cycles) {
    const int lane = static_cast<int>(threadIdx.x) & 31, warp = static_cast<int>(threadIdx.x) >> 5;
    const int warps = static_cast<int>(blockDim.x) >> 5;
    std::uint8_t* window = out + static_cast<std::uint64_t>(blockIdx.x * warps + warp) * kWarpSpan;
    __syncthreads();
    const long long t0 = clock64();
    for (int i = 0; i < steps; i += 4)
#pragma unroll
        for (int u = 0; u < 4; ++u) {
            std::uint8_t* p = window + store_offset<PATTERN>(lane, (i + u) % kWindow);
            asm volatile("st.global.v2.u32 [%0], {%1, %2};" ::"l"(p), "r"(i), "r"(lane) : "memory");
        }
    __syncthreads();
    const long long t1 = clock64();
    if (lane == 0) cycles[blockIdx.x * warps + warp] = t1 - t0;
}

long long slowest_warp(StorePattern pattern, int ctas, int warps, int steps, std::uint8_t* out, long long* cycles) {
    for (int rep = 0; rep < 2; ++rep) {  // the first run warms the lines into L2
        if (pattern == StorePattern::contiguous)
            store_kernel<static_cast<int>(StorePattern::contiguous)><<<ctas, 32 * warps>>>(steps, out, cycles);
        else
            store_kernel<static_cast<int>(StorePattern::fragment_rows)><<<ctas, 32 * warps>>>(steps, out, cycles);
    }
    STC_CUDA_CHECK(cudaGetLastError());
    std::vector<long long> host(static_cast<std::size_t>(ctas * warps));
    STC_CUDA_CHECK(cudaMemcpy(host.data(), cycles, host.size() * sizeof(long long), cudaMemcpyDeviceToHost));
    return *std::max_element(host.begin(), host.end());
}

}  // namespace

StoreTiming store_throughput(StorePattern pattern, int ctas, int warps, int steps) {
    std::uint8_t* out = nullptr;
    long long* cycles = nullptr;
    STC_CUDA_CHECK(cudaMalloc(&out, static_cast<std::size_t>(ctas) * warps * kWarpSpan));
    STC_CUDA_CHECK(cudaMalloc(&cycles, sizeof(long long) * static_cast<std::size_t>(ctas * warps)));
    StoreTiming t;
    t.steps = steps;
    t.cycles = slowest_warp(pattern, ctas, warps, steps, out, cycles);
    t.cycles_double = slowest_warp(pattern, ctas, warps, 2 * steps, out, cycles);
    STC_CUDA_CHECK(cudaFree(out));
    STC_CUDA_CHECK(cudaFree(cycles));
    return t;
}

}  // namespace stcsim::validation
