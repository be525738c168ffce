// Instruction-pipe streams and empty launches (pipe_kernels.h). Every instruction is inline PTX on
// operands the compiler cannot see through (kernel parameters), so each step compiles to exactly
// one SASS instruction of the named kind; `pipe_bench --help` lists the streams and
// validation/README.md says how the SASS was checked.
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "validation/common/cuda_util.cuh"
#include "validation/pipe/pipe_kernels.h"

namespace stcsim::validation {
namespace {

constexpr int kUnroll = kPipeUnroll;

struct Operands {
    std::uint32_t a[kUnroll], b[kUnroll];
};

// The subroutine of the kCall stream: never inlined, so that every step is a call and a return.
__device__ __noinline__ std::uint32_t called_add(std::uint32_t x, std::uint32_t a) {
    asm volatile("add.u32 %0, %0, %1;" : "+r"(x) : "r"(a));
    return x;
}

// One instruction on the chain's state x.
template <int OP>
__device__ __forceinline__ void step(std::uint32_t& x, std::uint32_t a, std::uint32_t b) {
    if constexpr (OP == kImad) asm volatile("mad.lo.u32 %0, %0, %1, %2;" : "+r"(x) : "r"(a), "r"(b));
    if constexpr (OP == kFfma) {
        float f = __uint_as_float(x);
        asm volatile("fma.rn.f32 %0, %0, %1, %2;" : "+f"(f) : "f"(__uint_as_float(a)), "f"(__uint_as_float(b)));
        x = __float_as_uint(f);
    }
    if constexpr (OP == kIadd3) asm volatile("add.u32 %0, %0, %1;\n\tadd.u32 %0, %0, %2;" : "+r"(x) : "r"(a), "r"(b));
    if constexpr (OP == kLop3) asm volatile("lop3.b32 %0, %0, %1, %2, 0xE8;" : "+r"(x) : "r"(a), "r"(b));
    if constexpr (OP == kLea) asm volatile("{ .reg .b32 t; shl.b32 t, %0, 3; add.u32 %0, t, %1; }" : "+r"(x) : "r"(a));
    if constexpr (OP == kShf) asm volatile("shf.l.wrap.b32 %0, %0, %1, %2;" : "+r"(x) : "r"(a), "r"(b));
    if constexpr (OP == kCall) x = called_add(x, a);
    if constexpr (OP == kBar) {
        asm volatile("bar.sync 0;" ::: "memory");
        x += a;  // ptxas folds these adds out of the loop, which is then barriers back to back
    }
}

// Each warp runs CHAINS independent chains; chain c applies FIRST when c is even, SECOND when odd.
template <int FIRST, int SECOND, int CHAINS>
__global__ void pipe_kernel(int iterations, Operands ops, long long* cycles, std::uint32_t* sink) {
    const int lane = static_cast<int>(threadIdx.x) & 31, warp = static_cast<int>(threadIdx.x) >> 5;
    std::uint32_t x[CHAINS];
#pragma unroll
    for (int c = 0; c < CHAINS; ++c) x[c] = threadIdx.x + static_cast<unsigned>(c);
    __syncthreads();
    const long long t0 = clock64();
    for (int i = 0; i < iterations; ++i)
#pragma unroll
        for (int u = 0; u < kUnroll; ++u)
#pragma unroll
            for (int c = 0; c < CHAINS; ++c) {
                if (c % 2 == 0) step<FIRST>(x[c], ops.a[u], ops.b[u]);
                else step<SECOND>(x[c], ops.a[u], ops.b[u]);
            }
    std::uint32_t fold = 0;
#pragma unroll
    for (int c = 0; c < CHAINS; ++c) fold ^= x[c];
    sink[threadIdx.x] = fold;
    __syncthreads();
    const long long t1 = clock64();
    if (lane == 0) cycles[warp] = t1 - t0;
}

__global__ void empty_kernel() {}

template <int FIRST, int SECOND, int CHAINS>
long long run_stream(int warps, int iterations) {
    long long* cycles = nullptr;
    std::uint32_t* sink = nullptr;
    STC_CUDA_CHECK(cudaMalloc(&cycles, sizeof(long long) * 32));
    STC_CUDA_CHECK(cudaMalloc(&sink, sizeof(std::uint32_t) * 1024));
    Operands ops{};
    for (int u = 0; u < kUnroll; ++u) {
        ops.a[u] = 0x3f7fbe77u + static_cast<unsigned>(u);  // about 0.999f
        ops.b[u] = 0x3a83126fu + static_cast<unsigned>(u);  // about 0.001f
    }
    for (int rep = 0; rep < 2; ++rep) pipe_kernel<FIRST, SECOND, CHAINS><<<1, 32 * warps>>>(iterations, ops, cycles, sink);
    STC_CUDA_CHECK(cudaGetLastError());
    std::vector<long long> host(static_cast<std::size_t>(warps));
    STC_CUDA_CHECK(cudaMemcpy(host.data(), cycles, host.size() * sizeof(long long), cudaMemcpyDeviceToHost));
    STC_CUDA_CHECK(cudaFree(cycles));
    STC_CUDA_CHECK(cudaFree(sink));
    return *std::max_element(host.begin(), host.end());
}

template <int FIRST, int SECOND>
long long run_chains(int chains, int warps, int iterations) {
    if (chains == 1) return run_stream<FIRST, SECOND, 1>(warps, iterations);
    if (chains == 8) return run_stream<FIRST, SECOND, 8>(warps, iterations);
    throw std::invalid_argument("pipe_bench: chains must be 1 or 8");
}

template <int FIRST>
long long cycles_of(PipeOp second, int chains, int warps, int iterations) {
    switch (second) {
        case kImad: return run_chains<FIRST, kImad>(chains, warps, iterations);
        case kFfma: return run_chains<FIRST, kFfma>(chains, warps, iterations);
        case kIadd3: return run_chains<FIRST, kIadd3>(chains, warps, iterations);
        case kLop3: return run_chains<FIRST, kLop3>(chains, warps, iterations);
        case kShf: return run_chains<FIRST, kShf>(chains, warps, iterations);
        case kLea: return run_chains<FIRST, kLea>(chains, warps, iterations);
        case kCall:
        case kBar: break;
    }
    throw std::invalid_argument("pipe_bench: unknown instruction");
}

// The streams' own pairs only: kPipeStreams never puts FFMA, IADD3, LOP3, SHF, LEA, a call or a
// barrier first with another instruction second.
long long cycles_of(const PipeStream& s, int chains, int warps, int iterations) {
    switch (s.first) {
        case kImad: return cycles_of<kImad>(s.second, chains, warps, iterations);
        case kFfma: return cycles_of<kFfma>(s.second, chains, warps, iterations);
        case kIadd3: return run_chains<kIadd3, kIadd3>(chains, warps, iterations);
        case kLop3: return run_chains<kLop3, kLop3>(chains, warps, iterations);
        case kShf: return run_chains<kShf, kShf>(chains, warps, iterations);
        case kLea: return run_chains<kLea, kLea>(chains, warps, iterations);
        case kCall: return run_chains<kCall, kCall>(chains, warps, iterations);
        case kBar: return run_chains<kBar, kBar>(chains, warps, iterations);
    }
    throw std::invalid_argument("pipe_bench: unknown instruction");
}

}  // namespace

PipeTiming time_pipe_stream(const PipeStream& stream, int chains, int warps, int iterations) {
    PipeTiming t;
    t.steps = static_cast<long long>(iterations) * kUnroll;
    t.cycles = cycles_of(stream, chains, warps, iterations);
    t.cycles_double = cycles_of(stream, chains, warps, 2 * iterations);
    return t;
}

LaunchTiming time_empty_launches(int ctas, int threads, int launches) {
    cudaEvent_t start, stop;
    STC_CUDA_CHECK(cudaEventCreate(&start));
    STC_CUDA_CHECK(cudaEventCreate(&stop));
    for (int i = 0; i < 10; ++i) empty_kernel<<<ctas, threads>>>();  // warm-up
    STC_CUDA_CHECK(cudaDeviceSynchronize());
    LaunchTiming timing;
    float ms = 0;
    STC_CUDA_CHECK(cudaEventRecord(start));
    for (int i = 0; i < launches; ++i) empty_kernel<<<ctas, threads>>>();
    STC_CUDA_CHECK(cudaEventRecord(stop));
    STC_CUDA_CHECK(cudaEventSynchronize(stop));
    STC_CUDA_CHECK(cudaGetLastError());
    STC_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
    timing.us_per_launch = 1000.0 * ms / launches;
    std::vector<float> singles;
    for (int i = 0; i < 20; ++i) {
        STC_CUDA_CHECK(cudaEventRecord(start));
        empty_kernel<<<ctas, threads>>>();
        STC_CUDA_CHECK(cudaEventRecord(stop));
        STC_CUDA_CHECK(cudaEventSynchronize(stop));
        STC_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
        singles.push_back(ms);
    }
    std::sort(singles.begin(), singles.end());
    timing.us_single = 1000.0 * singles[singles.size() / 2];
    STC_CUDA_CHECK(cudaEventDestroy(start));
    STC_CUDA_CHECK(cudaEventDestroy(stop));
    return timing;
}

}  // namespace stcsim::validation
