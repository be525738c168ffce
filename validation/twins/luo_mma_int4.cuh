// The int4 kernels of Luo et al.'s mma benchmark (HPMLL/NVIDIA-Hopper-Benchmark, TensorCores/mma/
// <shape>/run_<shape>_{single,all}_SM.cu), written from that method for validation/twins/luo_mma.cu.
//
// On sm_90 ptxas turns every int4 mma.sync into a call of one subroutine of 66 to 190 integer
// instructions, and how it schedules that subroutine (the stall counts the GPU then waits out)
// depends on the whole kernel: its parameters, the fragment arrays, the other loops beside the timed
// one. The generic twin loop (luo_mma.cu) gets the native forms' SASS right, but its m16n8k64
// subroutine carries 480 cycles of stall counts where the benchmark's carries 430. So these kernels
// keep the benchmark's shape wherever it reaches the code:
// - parameters (i8* A, i8* B, i32* C, u64* clk_start, u64* clk_end, int operand); the loop runs
//   when operand is 4, anything else ends in a device assert, as in the benchmark;
// - per thread, byte arrays of A and B fragments loaded one byte at a time from a per-warp stride,
//   an i32 accumulator array, read as 32-bit registers by the mma;
// - the registers each chain passes: m8n8k32 a[c], b[c]; m16n8k32 a[2c..2c+1], b[c];
//   m16n8k64 a[4c..4c+3] and b[2c+1] twice (the benchmark passes that one register for both B
//   halves, and ptxas schedules the subroutine around it);
// - the m16n8k32 kernels also hold the benchmark's int8 loop (operand 8) and, in the one-SM kernel,
//   its e4m3 loop (operand 16);
// - ILP 1 is the one-SM kernel (thread and warp ids within the CTA, clocks stored before the
//   accumulators), ILP 4 the whole-GPU kernel (global ids, accumulators stored first).
// Checked with nvcc 13 against the benchmark's files built the same way: the same SASS, immediates
// aside, for m8n8k32 and m16n8k64; for m16n8k32 the same int4 loop and subroutine (stall sums 172
// and 200 against 172 and 202), the other loops and the prologue scheduled a little differently.
#pragma once

#include <cassert>
#include <cstdint>

namespace stcsim::validation::device::luo_int4 {

using i8 = std::int8_t;
using i32 = std::int32_t;
using u32 = std::uint32_t;
using u64 = unsigned long long;

// A shape whose kernels hold only the int4 loop.
struct OnlyInt4 {
    template <int ILP, int ITERS>
    __device__ static bool other_loops(int, const u32*, const u32*, i32*, u64&) { return false; }
};

// Per shape: fragment bytes of A and B and accumulator words per chain; per-warp strides of A, B
// (bytes) and C; the mma with the benchmark's registers for chain C; other_loops, the kernel's
// loops for other operand values (true when one ran).
struct M8n8k32 : OnlyInt4 {
    static constexpr int kABytes = 8, kBBytes = 8, kCWords = 2;
    static constexpr int kStrideA = 8 * 32, kStrideB = 8 * 32, kStrideC = 8 * 8;
    template <int C>
    __device__ static void mma(const u32* a, const u32* b, i32* d) {
        asm volatile("mma.sync.aligned.m8n8k32.row.col.s32.s4.s4.s32 {%0,%1}, {%2}, {%3}, {%4,%5};\n"
                     : "=r"(d[2 * C]), "=r"(d[2 * C + 1])
                     : "r"(a[C]), "r"(b[C]), "r"(d[2 * C]), "r"(d[2 * C + 1]));
    }
};

struct M16n8k64 : OnlyInt4 {
    static constexpr int kABytes = 32, kBBytes = 16, kCWords = 4;
    static constexpr int kStrideA = 16 * 64, kStrideB = 8 * 64, kStrideC = 16 * 8;
    template <int C>
    __device__ static void mma(const u32* a, const u32* b, i32* d) {
        asm volatile("mma.sync.aligned.m16n8k64.row.col.s32.s4.s4.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
                     "{%10,%11,%12,%13};\n"
                     : "=r"(d[4 * C]), "=r"(d[4 * C + 1]), "=r"(d[4 * C + 2]), "=r"(d[4 * C + 3])
                     : "r"(a[4 * C]), "r"(a[4 * C + 1]), "r"(a[4 * C + 2]), "r"(a[4 * C + 3]), "r"(b[2 * C + 1]),
                       "r"(b[2 * C + 1]), "r"(d[4 * C]), "r"(d[4 * C + 1]), "r"(d[4 * C + 2]), "r"(d[4 * C + 3]));
    }
};

// The timed loop: ITERS rounds of one mma per chain, a __syncwarp after each round, between two
// __syncthreads; the start clock is read after the first. nvcc unrolls the benchmark's loops
// (10^4 and 10^7 rounds) by 16; the unroll is pinned so that the twin's shorter lengths get the
// same loop (left to itself, nvcc unrolls some of them by 32).
template <int ITERS, class Mma>
__device__ __forceinline__ void timed_loop(u64& start, Mma mma) {
    static_assert(ITERS % 16 == 0, "whole unrolled rounds only");
    __syncthreads();
    asm volatile("mov.u64 %0, %%clock64;" : "=l"(start)::"memory");
#pragma unroll 16
    for (int it = 0; it < ITERS; ++it) {
        mma();
        __syncwarp();
    }
    __syncthreads();
}

template <class Shape, int ILP, int C = 0>
__device__ __forceinline__ void each_chain(const u32* a, const u32* b, i32* d) {
    if constexpr (C < ILP) {
        Shape::template mma<C>(a, b, d);
        each_chain<Shape, ILP, C + 1>(a, b, d);
    }
}

// An m16n8k32 8-bit form as the benchmark passes it: A a[4c..4c+3], B b[2c..2c+1].
#define STC_LUO_EIGHT_BIT_MMA(Name, ptx)                                                                         \
    struct Name {                                                                                                \
        template <int C>                                                                                         \
        __device__ static void mma(const u32* a, const u32* b, i32* d) {                                         \
            asm volatile(ptx " {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};\n"                        \
                         : "=r"(d[4 * C]), "=r"(d[4 * C + 1]), "=r"(d[4 * C + 2]), "=r"(d[4 * C + 3])              \
                         : "r"(a[4 * C]), "r"(a[4 * C + 1]), "r"(a[4 * C + 2]), "r"(a[4 * C + 3]), "r"(b[2 * C]), \
                           "r"(b[2 * C + 1]), "r"(d[4 * C]), "r"(d[4 * C + 1]), "r"(d[4 * C + 2]), "r"(d[4 * C + 3])); \
        }                                                                                                        \
    };

struct M16n8k32 {
    static constexpr int kABytes = 16, kBBytes = 8, kCWords = 4;
    static constexpr int kStrideA = 16 * 32, kStrideB = 8 * 32, kStrideC = 16 * 8;
    template <int C>
    __device__ static void mma(const u32* a, const u32* b, i32* d) {
        asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.s4.s4.s32 {%0,%1,%2,%3}, {%4,%5}, {%6}, {%7,%8,%9,%10};\n"
                     : "=r"(d[4 * C]), "=r"(d[4 * C + 1]), "=r"(d[4 * C + 2]), "=r"(d[4 * C + 3])
                     : "r"(a[2 * C]), "r"(a[2 * C + 1]), "r"(b[C]), "r"(d[4 * C]), "r"(d[4 * C + 1]),
                       "r"(d[4 * C + 2]), "r"(d[4 * C + 3]));
    }
    // The benchmark's same-shape int8 and (one-SM kernel only) e4m3 loops, with their registers.
    STC_LUO_EIGHT_BIT_MMA(Int8, "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32")
    STC_LUO_EIGHT_BIT_MMA(E4m3, "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32")
    template <int ILP, int ITERS>
    __device__ static bool other_loops(int operand, const u32* a, const u32* b, i32* d, u64& start) {
        if (operand == 8) {
            timed_loop<ITERS>(start, [&] { each_chain<Int8, ILP>(a, b, d); });
            return true;
        }
        if (ILP == 1 && operand == 16) {
            timed_loop<ITERS>(start, [&] { each_chain<E4m3, ILP>(a, b, d); });
            return true;
        }
        return false;
    }
};

// One kernel of the benchmark: WHOLE_GPU false is the one-SM kernel, true the all-SM one.
template <class Shape, int ILP, int ITERS, bool WHOLE_GPU>
__device__ __forceinline__ void bench(i8* A, i8* B, i32* C, u64* clk_start, u64* clk_end, int operand) {
    const u32 thread = WHOLE_GPU ? blockIdx.x * blockDim.x + threadIdx.x : threadIdx.x;
    const u32 warp = thread / 32;
    i8 a_bytes[Shape::kABytes * ILP];
    i8 b_bytes[Shape::kBBytes * ILP];
    i32 acc[Shape::kCWords * ILP];
    for (int i = 0; i < Shape::kABytes * ILP; i++) a_bytes[i] = A[warp * Shape::kStrideA + i];
    for (int i = 0; i < Shape::kBBytes * ILP; i++) b_bytes[i] = B[warp * Shape::kStrideB + i];
    for (int i = 0; i < Shape::kCWords * ILP; i++) acc[i] = 0;
    const u32* a = reinterpret_cast<const u32*>(&a_bytes[0]);
    const u32* b = reinterpret_cast<const u32*>(&b_bytes[0]);
    u64 start, end;
    if (operand == 4) {
        timed_loop<ITERS>(start, [&] { each_chain<Shape, ILP>(a, b, acc); });
    } else if (!Shape::template other_loops<ILP, ITERS>(operand, a, b, acc, start)) {
        assert(0);
    }
    asm volatile("mov.u64 %0, %%clock64;" : "=l"(end)::"memory");
    if (!WHOLE_GPU) {
        clk_start[thread] = start;
        clk_end[thread] = end;
    }
    for (int i = 0; i < Shape::kCWords * ILP; i++) C[warp * Shape::kStrideC + i] = acc[i];
    if (WHOLE_GPU) {
        clk_start[thread] = start;
        clk_end[thread] = end;
    }
}

}  // namespace stcsim::validation::device::luo_int4

// luo_mma_<name>_ilp<ILP>_n<ITERS>: ILP 1 from the one-SM kernel, ILP 4 from the all-SM kernel.
#define STC_LUO_INT4_KERNEL(shape, name, ilp, iters, whole_gpu)                                                     \
    extern "C" __global__ void luo_mma_##name##_ilp##ilp##_n##iters(                                             \
        std::int8_t* A, std::int8_t* B, std::int32_t* C, unsigned long long* clk_start, unsigned long long* clk_end, \
        int operand) {                                                                                            \
        stcsim::validation::device::luo_int4::bench<stcsim::validation::device::luo_int4::shape, ilp, iters,      \
                                                    whole_gpu>(A, B, C, clk_start, clk_end, operand);             \
    }
