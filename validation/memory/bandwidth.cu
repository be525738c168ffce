// Streaming-read bandwidth kernels per level (memory_kernels.h: stream_bandwidth).
#include <algorithm>
#include <vector>

#include "validation/common/cuda_util.cuh"
#include "validation/memory/memory_kernels.h"

namespace stcsim::validation {
namespace {

constexpr int kThreads = 1024;

// Block b reads `slice4` float4s starting at b * stride4, `repeats` times (total4: the buffer size).
template <int LEVEL>
__global__ void __launch_bounds__(kThreads) stream(const float4* __restrict__ data, std::size_t total4,
                                                   std::size_t stride4, std::size_t slice4, int repeats,
                                                   long long* cycles, float* sink) {
    (void)total4;
    const std::size_t base = static_cast<std::size_t>(blockIdx.x) * stride4;
    float acc = 0.f;
    __syncthreads();
    const long long t0 = clock64();
    for (int r = 0; r < repeats; ++r)
        for (std::size_t i = threadIdx.x; i < slice4; i += kThreads) {
            const float4* p = data + base + i;  // slices never wrap
            const float4 v = LEVEL == 0 ? __ldca(p) : LEVEL == 1 ? __ldcg(p) : __ldcs(p);
            acc += v.x + v.y + v.z + v.w;
        }
    if (acc == 12345.678f) *sink = acc;  // keeps the loads alive
    __syncthreads();
    const long long t1 = clock64();
    if (threadIdx.x == 0) cycles[blockIdx.x] = t1 - t0;
}

}  // namespace

Bandwidth stream_bandwidth(Level level, int sm_count, int l2_bytes) {
    const std::size_t l2 = static_cast<std::size_t>(std::max(l2_bytes, 1 << 20));
    std::size_t total = 0, slice = 0, stride = 0;
    int repeats = 1;
    switch (level) {
        case Level::l1: slice = 32 << 10; total = slice * static_cast<std::size_t>(sm_count); stride = slice; repeats = 64; break;
        case Level::l2: total = l2 / 2; slice = total / static_cast<std::size_t>(sm_count); stride = slice; repeats = 8; break;
        case Level::dram: total = std::max<std::size_t>(4 * l2, 256u << 20); slice = total / static_cast<std::size_t>(sm_count); stride = slice; break;
    }
    slice -= slice % 16;
    float4* data = nullptr;
    float* sink = nullptr;
    long long* cycles = nullptr;
    STC_CUDA_CHECK(cudaMalloc(&data, total));
    STC_CUDA_CHECK(cudaMemset(data, 0, total));
    STC_CUDA_CHECK(cudaMalloc(&sink, sizeof(float)));
    STC_CUDA_CHECK(cudaMalloc(&cycles, sizeof(long long) * static_cast<std::size_t>(sm_count)));
    cudaEvent_t begin, end;
    STC_CUDA_CHECK(cudaEventCreate(&begin));
    STC_CUDA_CHECK(cudaEventCreate(&end));
    const auto run = [&] {
        switch (level) {
            case Level::l1: stream<0><<<sm_count, kThreads>>>(data, total / 16, stride / 16, slice / 16, repeats, cycles, sink); break;
            case Level::l2: stream<1><<<sm_count, kThreads>>>(data, total / 16, stride / 16, slice / 16, repeats, cycles, sink); break;
            case Level::dram: stream<2><<<sm_count, kThreads>>>(data, total / 16, stride / 16, slice / 16, repeats, cycles, sink); break;
        }
    };
    run();  // warm-up (fills L1 / L2 for those levels)
    STC_CUDA_CHECK(cudaEventRecord(begin));
    run();
    STC_CUDA_CHECK(cudaEventRecord(end));
    STC_CUDA_CHECK(cudaGetLastError());
    STC_CUDA_CHECK(cudaEventSynchronize(end));
    float ms = 0;
    STC_CUDA_CHECK(cudaEventElapsedTime(&ms, begin, end));
    std::vector<long long> host(static_cast<std::size_t>(sm_count));
    STC_CUDA_CHECK(cudaMemcpy(host.data(), cycles, host.size() * sizeof(long long), cudaMemcpyDeviceToHost));
    Bandwidth bw;
    bw.footprint = total;
    const double bytes_per_block = static_cast<double>(slice) * repeats;
    for (long long c : host) bw.bytes_per_clk_per_sm += bytes_per_block / static_cast<double>(c) / sm_count;
    bw.gb_per_s = bytes_per_block * sm_count / (static_cast<double>(ms) * 1e6);
    STC_CUDA_CHECK(cudaFree(data));
    STC_CUDA_CHECK(cudaFree(sink));
    STC_CUDA_CHECK(cudaFree(cycles));
    return bw;
}

}  // namespace stcsim::validation
