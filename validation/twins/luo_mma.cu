// The loop of Luo et al.'s warp-level mma benchmark (W. Luo et al., "Benchmarking and Dissecting the
// Nvidia Hopper GPU Architecture", IPDPS 2024; HPMLL/NVIDIA-Hopper-Benchmark, TensorCores/mma),
// written from the method the paper and the published runs describe, so that `stcsim compare`
// replays the SASS nvcc makes of that loop when it checks the model against their H100 results
// (validation/published/h100-sxm/luo-hopper-benchmark/): loop control, the __syncwarp of every
// ILP group and the compiler's stall counts are part of what the GPU timed.
//
// Per thread: ILP chains, each with its own A, B and accumulator registers (A and B loaded from
// global memory, accumulators zeroed); __syncthreads, a clock64 read, then ITERS iterations of one
// mma per chain (D and C the same registers) followed by __syncwarp; __syncthreads and a second
// clock64 read; both clocks and the accumulators stored. ITERS is a compile-time constant, as in the
// original (its value decides how nvcc unrolls the loop).
//
// Kernels: luo_mma_<PTX name with '.' as '_'>_ilp<ILP>_n<ITERS>, extern "C". The compare
// (tools/compare_twin.h) runs two lengths whose difference is 2048 iterations and whose remainder
// modulo 2048 equals the published length's (10000 for ILP 1, 10^7 for ILP 4), and scales the
// difference: 1808 and 3856 for ILP 1, 1664 and 3712 for ILP 4. The int4 forms, which ptxas
// compiles to a subroutine call per mma on sm_90, get shorter lengths 256 apart with the same
// remainder modulo 256: 272 and 528 for ILP 1, 384 and 640 for ILP 4. Their kernels follow the
// benchmark's own kernel shape and pin its unroll by 16 (luo_mma_int4.cuh); built with nvcc 13,
// their SASS equals, immediates aside, that of the benchmark's m8n8k32 and m16n8k64 files, and
// for m16n8k32 (whose kernels also hold an int8 and an e4m3 loop) the int4 loop and subroutine.
// Parameters: (const u32* in, u32* out, u64* clocks), the int4 kernels' (A, B, C, clk_start,
// clk_end, int operand = 4); any addresses do, the simulator does not read the data.
// The same cubin holds the suite's L1 latency kernel (luo_l1_lat.cuh), for the folder's memory record.
#include <cstdint>

#include "validation/common/mma_asm.cuh"
#include "validation/twins/luo_l1_lat.cuh"
#include "validation/twins/luo_mma_int4.cuh"

namespace stcsim::validation::device {

template <class F, int ILP, int ITERS>
__device__ __forceinline__ void luo_loop(const std::uint32_t* in, std::uint32_t* out, unsigned long long* clocks) {
    const unsigned tid = threadIdx.x;
    const unsigned warp = blockIdx.x * (blockDim.x / 32) + tid / 32;
    std::uint32_t a[ILP][4], b[ILP][4], acc[ILP][4];
    for (int c = 0; c < ILP; ++c)
        for (int i = 0; i < 4; ++i) {
            a[c][i] = in[warp * 64 + c * 8 + i];
            b[c][i] = in[warp * 64 + c * 8 + 4 + i];
            acc[c][i] = 0;
        }
    unsigned long long start, end;
    __syncthreads();
    asm volatile("mov.u64 %0, %%clock64;" : "=l"(start)::"memory");
    for (int it = 0; it < ITERS; ++it) {
#pragma unroll
        for (int c = 0; c < ILP; ++c) F::template run<0>(acc[c], acc[c], a[c], b[c], 0u);
        __syncwarp();
    }
    __syncthreads();
    asm volatile("mov.u64 %0, %%clock64;" : "=l"(end)::"memory");
    clocks[2 * tid] = start;
    clocks[2 * tid + 1] = end;
    for (int c = 0; c < ILP; ++c)
        for (int i = 0; i < F::kD; ++i) out[warp * 64 + c * 4 + i] = acc[c][i];
}

}  // namespace stcsim::validation::device

#define STC_LUO_KERNEL(id, name, ilp, iters)                                                                        \
    extern "C" __global__ void luo_mma_##name##_ilp##ilp##_n##iters(const std::uint32_t* in, std::uint32_t* out, \
                                                                         unsigned long long* clocks) {              \
        stcsim::validation::device::luo_loop<stcsim::validation::device::Form_##id, ilp, iters>(in, out, clocks);   \
    }
#define STC_LUO_FORM(id, name)              \
    STC_LUO_KERNEL(id, name, 1, 1808)       \
    STC_LUO_KERNEL(id, name, 1, 3856)       \
    STC_LUO_KERNEL(id, name, 4, 1664)       \
    STC_LUO_KERNEL(id, name, 4, 3712)
// int4: the benchmark's own kernel shape (luo_mma_int4.cuh), shorter lengths (above).
#define STC_LUO_FORM_INT4(shape, name)                      \
    STC_LUO_INT4_KERNEL(shape, name, 1, 48, false)          \
    STC_LUO_INT4_KERNEL(shape, name, 1, 112, false)         \
    STC_LUO_INT4_KERNEL(shape, name, 4, 48, true)           \
    STC_LUO_INT4_KERNEL(shape, name, 4, 112, true)

// The forms of the published H100 runs.
STC_LUO_FORM(dense_m16n8k4_f32_tf32_tf32_f32, mma_sync_aligned_m16n8k4_row_col_f32_tf32_tf32_f32)
STC_LUO_FORM(dense_m16n8k8_f32_tf32_tf32_f32, mma_sync_aligned_m16n8k8_row_col_f32_tf32_tf32_f32)
STC_LUO_FORM(dense_m16n8k8_f16_f16_f16_f16, mma_sync_aligned_m16n8k8_row_col_f16_f16_f16_f16)
STC_LUO_FORM(dense_m16n8k8_f32_f16_f16_f32, mma_sync_aligned_m16n8k8_row_col_f32_f16_f16_f32)
STC_LUO_FORM(dense_m16n8k16_f16_f16_f16_f16, mma_sync_aligned_m16n8k16_row_col_f16_f16_f16_f16)
STC_LUO_FORM(dense_m16n8k16_f32_f16_f16_f32, mma_sync_aligned_m16n8k16_row_col_f32_f16_f16_f32)
STC_LUO_FORM(dense_m8n8k16_s32_s8_s8_s32, mma_sync_aligned_m8n8k16_row_col_s32_s8_s8_s32)
STC_LUO_FORM(dense_m16n8k16_s32_s8_s8_s32, mma_sync_aligned_m16n8k16_row_col_s32_s8_s8_s32)
STC_LUO_FORM(dense_m16n8k32_s32_s8_s8_s32, mma_sync_aligned_m16n8k32_row_col_s32_s8_s8_s32)
STC_LUO_FORM_INT4(M8n8k32, mma_sync_aligned_m8n8k32_row_col_s32_s4_s4_s32)
STC_LUO_FORM_INT4(M16n8k32, mma_sync_aligned_m16n8k32_row_col_s32_s4_s4_s32)
STC_LUO_FORM_INT4(M16n8k64, mma_sync_aligned_m16n8k64_row_col_s32_s4_s4_s32)
STC_LUO_FORM(dense_m16n8k32_f32_e4m3_e4m3_f32, mma_sync_aligned_m16n8k32_row_col_f32_e4m3_e4m3_f32)
