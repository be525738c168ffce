// Pointer-chase latency kernel (memory_kernels.h: chase_latency_cycles).
#include <vector>

#include "validation/common/cuda_util.cuh"
#include "validation/memory/memory_kernels.h"

namespace stcsim::validation {
namespace {

__global__ void chase(const std::uint32_t* __restrict__ next, int warm_steps, int steps,
                      long long* cycles, std::uint32_t* sink) {
    std::uint32_t j = 0;
    for (int i = 0; i < warm_steps; ++i) j = __ldca(&next[j]);  // warm-up pass over the chain
    *sink = j;
    j = 0;
    __syncwarp();
    const long long t0 = clock64();
    for (int i = 0; i < steps; ++i) j = __ldca(&next[j]);
    *sink = j;  // the store waits for the last load, the clock read after it
    const long long t1 = clock64();
    *cycles = t1 - t0;
}

}  // namespace

double chase_latency_cycles(std::size_t footprint, std::size_t stride, int steps) {
    const std::size_t words = footprint / 4, step = std::max<std::size_t>(1, stride / 4);
    std::vector<std::uint32_t> host(words);
    for (std::size_t i = 0; i < words; ++i) host[i] = static_cast<std::uint32_t>((i + step) % words);
    std::uint32_t *next = nullptr, *sink = nullptr;
    long long* cycles = nullptr;
    STC_CUDA_CHECK(cudaMalloc(&next, words * 4));
    STC_CUDA_CHECK(cudaMalloc(&sink, 4));
    STC_CUDA_CHECK(cudaMalloc(&cycles, sizeof(long long)));
    STC_CUDA_CHECK(cudaMemcpy(next, host.data(), words * 4, cudaMemcpyHostToDevice));
    const std::size_t links = words / step;
    // Warm the whole chain when it is short enough (cache levels); beyond, it is DRAM-bound anyway.
    const int warm = links <= (1u << 20) ? static_cast<int>(links) : 0;
    chase<<<1, 1>>>(next, warm, steps, cycles, sink);
    STC_CUDA_CHECK(cudaGetLastError());
    long long host_cycles = 0;
    STC_CUDA_CHECK(cudaMemcpy(&host_cycles, cycles, sizeof host_cycles, cudaMemcpyDeviceToHost));
    STC_CUDA_CHECK(cudaFree(next));
    STC_CUDA_CHECK(cudaFree(sink));
    STC_CUDA_CHECK(cudaFree(cycles));
    return static_cast<double>(host_cycles) / steps;
}

}  // namespace stcsim::validation
