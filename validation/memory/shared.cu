// Shared-memory kernels: ldmatrix latency / throughput and bank-conflict cost
// (memory_kernels.h). Shared memory is zero-filled, so "address + loaded value" chains make each
// access depend on the previous one without moving the address.
#include <vector>

#include "validation/common/cuda_util.cuh"
#include "validation/memory/memory_kernels.h"

namespace stcsim::validation {
namespace {

constexpr int kSmemWords = 8192;  // 32 KB

template <int X, bool TRANS>
__device__ __forceinline__ std::uint32_t ldmatrix(std::uint32_t addr) {
    std::uint32_t r[4] = {};
    if constexpr (X == 1 && !TRANS) asm volatile("ldmatrix.sync.aligned.m8n8.x1.shared.b16 {%0}, [%1];" : "=r"(r[0]) : "r"(addr));
    if constexpr (X == 1 && TRANS) asm volatile("ldmatrix.sync.aligned.m8n8.x1.trans.shared.b16 {%0}, [%1];" : "=r"(r[0]) : "r"(addr));
    if constexpr (X == 2 && !TRANS) asm volatile("ldmatrix.sync.aligned.m8n8.x2.shared.b16 {%0,%1}, [%2];" : "=r"(r[0]), "=r"(r[1]) : "r"(addr));
    if constexpr (X == 2 && TRANS) asm volatile("ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16 {%0,%1}, [%2];" : "=r"(r[0]), "=r"(r[1]) : "r"(addr));
    if constexpr (X == 4 && !TRANS)
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];"
                     : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(addr));
    if constexpr (X == 4 && TRANS)
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];"
                     : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(addr));
    return r[0] ^ r[1] ^ r[2] ^ r[3];
}

// Every warp runs CHAINS independent chains of `steps` ldmatrix; lane l points at row l % 8 of
// matrix l / 8 (16-byte rows, 128 bytes apart per matrix: conflict-free).
template <int X, bool TRANS, int CHAINS>
__global__ void ldmatrix_kernel(int steps, long long* cycles, std::uint32_t* sink) {
    __shared__ std::uint32_t smem[kSmemWords];
    for (int i = static_cast<int>(threadIdx.x); i < kSmemWords; i += static_cast<int>(blockDim.x)) smem[i] = 0;
    __syncthreads();
    const int lane = static_cast<int>(threadIdx.x) & 31, warp = static_cast<int>(threadIdx.x) >> 5;
    const auto base = static_cast<std::uint32_t>(__cvta_generic_to_shared(smem)) + static_cast<std::uint32_t>(lane * 16);
    std::uint32_t addr[CHAINS];
    for (int c = 0; c < CHAINS; ++c) addr[c] = base + static_cast<std::uint32_t>(c * 512);
    __syncthreads();
    const long long t0 = clock64();
    for (int i = 0; i < steps; ++i)
#pragma unroll
        for (int c = 0; c < CHAINS; ++c) addr[c] += ldmatrix<X, TRANS>(addr[c]);
    std::uint32_t fold = 0;
    for (int c = 0; c < CHAINS; ++c) fold ^= addr[c];
    sink[threadIdx.x] = fold;
    __syncthreads();
    const long long t1 = clock64();
    if (lane == 0) cycles[warp] = t1 - t0;
}

__global__ void bank_kernel(int stride_words, int steps, long long* cycles, std::uint32_t* sink) {
    __shared__ std::uint32_t smem[kSmemWords];
    for (int i = static_cast<int>(threadIdx.x); i < kSmemWords; i += 32) smem[i] = 0;
    __syncwarp();
    std::uint32_t index = (threadIdx.x * static_cast<unsigned>(stride_words)) % kSmemWords;
    const long long t0 = clock64();
    for (int i = 0; i < steps; ++i) index += smem[index];
    sink[threadIdx.x] = index;
    const long long t1 = clock64();
    if (threadIdx.x == 0) *cycles = t1 - t0;
}

template <int X, bool TRANS, int CHAINS>
long long run_ldmatrix(int warps, int steps) {
    long long* cycles = nullptr;
    std::uint32_t* sink = nullptr;
    STC_CUDA_CHECK(cudaMalloc(&cycles, sizeof(long long) * 32));
    STC_CUDA_CHECK(cudaMalloc(&sink, sizeof(std::uint32_t) * 1024));
    for (int rep = 0; rep < 2; ++rep) ldmatrix_kernel<X, TRANS, CHAINS><<<1, 32 * warps>>>(steps, cycles, sink);
    STC_CUDA_CHECK(cudaGetLastError());
    std::vector<long long> host(static_cast<std::size_t>(warps));
    STC_CUDA_CHECK(cudaMemcpy(host.data(), cycles, host.size() * sizeof(long long), cudaMemcpyDeviceToHost));
    STC_CUDA_CHECK(cudaFree(cycles));
    STC_CUDA_CHECK(cudaFree(sink));
    long long worst = 0;
    for (long long c : host) worst = std::max(worst, c);
    return worst;
}

template <int CHAINS>
long long dispatch(int x, bool trans, int warps, int steps) {
    switch (x * 2 + (trans ? 1 : 0)) {
        case 2: return run_ldmatrix<1, false, CHAINS>(warps, steps);
        case 3: return run_ldmatrix<1, true, CHAINS>(warps, steps);
        case 4: return run_ldmatrix<2, false, CHAINS>(warps, steps);
        case 5: return run_ldmatrix<2, true, CHAINS>(warps, steps);
        case 8: return run_ldmatrix<4, false, CHAINS>(warps, steps);
        default: return run_ldmatrix<4, true, CHAINS>(warps, steps);
    }
}

}  // namespace

double ldmatrix_latency_cycles(int x, bool trans, int steps) {
    return static_cast<double>(dispatch<1>(x, trans, 1, steps)) / steps;
}

double ldmatrix_cycles_per_instr(int x, bool trans, int warps, int steps) {
    return static_cast<double>(dispatch<4>(x, trans, warps, steps)) / (4.0 * steps * warps);
}

double shared_access_cycles(int stride_words, int steps) {
    long long* cycles = nullptr;
    std::uint32_t* sink = nullptr;
    STC_CUDA_CHECK(cudaMalloc(&cycles, sizeof(long long)));
    STC_CUDA_CHECK(cudaMalloc(&sink, sizeof(std::uint32_t) * 32));
    for (int rep = 0; rep < 2; ++rep) bank_kernel<<<1, 32>>>(stride_words, steps, cycles, sink);
    STC_CUDA_CHECK(cudaGetLastError());
    long long host = 0;
    STC_CUDA_CHECK(cudaMemcpy(&host, cycles, sizeof host, cudaMemcpyDeviceToHost));
    STC_CUDA_CHECK(cudaFree(cycles));
    STC_CUDA_CHECK(cudaFree(sink));
    return static_cast<double>(host) / steps;
}

}  // namespace stcsim::validation
