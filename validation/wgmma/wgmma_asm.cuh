// Device side of the warp-group form table (wgmma/wgmma_forms.def): one struct per row whose
// run<REGS, SEL>() issues exactly that PTX instruction with inline asm (sm_90a only):
//
//   Wg_<id>::run<REGS, SEL>(d, a, desc_a, desc_b, e): D = A*B + D on the thread's accumulator
//   registers d (the form's D registers, in place), A from registers a[0..3] when REGS, else from
//   the shared-memory descriptor desc_a; B from desc_b; .sp: metadata register e and selector SEL
//   (an immediate). Immediates: scale-d 1 (accumulate), imm-scale-a/b 1, imm-trans-a/b 0 (K-major),
//   or with TRANS (f16 / bf16 forms) imm-trans-b 1 and, for a shared-memory A, imm-trans-a 1.
// Plus the wgmma.fence / commit_group / wait_group and the async-proxy fence the kernels need.
// Outside an sm_90a device pass (the host pass, other architectures) every body is empty; the
// programs are built for sm_90a only (CMake: CUDA_ARCHITECTURES 90a-real).
// The accumulator lists below ("{%0, ..., %R-1}", operands R + i) are spelled out because inline
// asm takes only string literals.
#pragma once

#include <cstdint>

#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define STC_WGMMA_ENABLED 1
#else
#define STC_WGMMA_ENABLED 0
#endif

#define STC_WG_DLIST_4 "{%0, %1, %2, %3}"
#define STC_WG_DLIST_8 "{%0, %1, %2, %3, %4, %5, %6, %7}"
#define STC_WG_DLIST_16 "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15}"
#define STC_WG_DLIST_32 "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31}"
#define STC_WG_DLIST_64 "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63}"
#define STC_WG_DLIST_128 "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63, %64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79, %80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95, %96, %97, %98, %99, %100, %101, %102, %103, %104, %105, %106, %107, %108, %109, %110, %111, %112, %113, %114, %115, %116, %117, %118, %119, %120, %121, %122, %123, %124, %125, %126, %127}"

#define STC_WG_IO4(d, o) "+r"(d[(o) + 0]), "+r"(d[(o) + 1]), "+r"(d[(o) + 2]), "+r"(d[(o) + 3])
#define STC_WG_IO8(d, o) "+r"(d[(o) + 0]), "+r"(d[(o) + 1]), "+r"(d[(o) + 2]), "+r"(d[(o) + 3]), "+r"(d[(o) + 4]), "+r"(d[(o) + 5]), "+r"(d[(o) + 6]), "+r"(d[(o) + 7])
#define STC_WG_IO16(d, o) STC_WG_IO8(d, o), STC_WG_IO8(d, (o) + 8)
#define STC_WG_IO32(d, o) STC_WG_IO16(d, o), STC_WG_IO16(d, (o) + 16)
#define STC_WG_IO64(d, o) STC_WG_IO32(d, o), STC_WG_IO32(d, (o) + 32)
#define STC_WG_IO128(d, o) STC_WG_IO64(d, o), STC_WG_IO64(d, (o) + 64)

// Operand R + i as "%<R+i>": the inputs after R accumulator registers.
#define STC_WG_OP(R, i) STC_WG_OP_##R##_##i

#define STC_WG_OP_4_0 "%4"
#define STC_WG_OP_4_1 "%5"
#define STC_WG_OP_4_2 "%6"
#define STC_WG_OP_4_3 "%7"
#define STC_WG_OP_4_4 "%8"
#define STC_WG_OP_4_5 "%9"
#define STC_WG_OP_4_6 "%10"
#define STC_WG_OP_8_0 "%8"
#define STC_WG_OP_8_1 "%9"
#define STC_WG_OP_8_2 "%10"
#define STC_WG_OP_8_3 "%11"
#define STC_WG_OP_8_4 "%12"
#define STC_WG_OP_8_5 "%13"
#define STC_WG_OP_8_6 "%14"
#define STC_WG_OP_16_0 "%16"
#define STC_WG_OP_16_1 "%17"
#define STC_WG_OP_16_2 "%18"
#define STC_WG_OP_16_3 "%19"
#define STC_WG_OP_16_4 "%20"
#define STC_WG_OP_16_5 "%21"
#define STC_WG_OP_16_6 "%22"

#define STC_WG_OP_32_0 "%32"
#define STC_WG_OP_32_1 "%33"
#define STC_WG_OP_32_2 "%34"
#define STC_WG_OP_32_3 "%35"
#define STC_WG_OP_32_4 "%36"
#define STC_WG_OP_32_5 "%37"
#define STC_WG_OP_32_6 "%38"

#define STC_WG_OP_64_0 "%64"
#define STC_WG_OP_64_1 "%65"
#define STC_WG_OP_64_2 "%66"
#define STC_WG_OP_64_3 "%67"
#define STC_WG_OP_64_4 "%68"
#define STC_WG_OP_64_5 "%69"
#define STC_WG_OP_64_6 "%70"

#define STC_WG_OP_128_0 "%128"
#define STC_WG_OP_128_1 "%129"
#define STC_WG_OP_128_2 "%130"
#define STC_WG_OP_128_3 "%131"
#define STC_WG_OP_128_4 "%132"
#define STC_WG_OP_128_5 "%133"
#define STC_WG_OP_128_6 "%134"

// The immediates after the operands: scale-d, then imm-scale-a/b (floating types), then
// imm-trans-a (shared-memory A only) and imm-trans-b (f16 and bf16 only).
#define STC_WG_TAIL_F16_SMEM "1, 1, 1, 0, 0"
#define STC_WG_TAIL_F16_REGS "1, 1, 1, 0"
#define STC_WG_TAIL_SCALED_SMEM "1, 1, 1"
#define STC_WG_TAIL_SCALED_REGS "1, 1, 1"
#define STC_WG_TAIL_INT_SMEM "1"
#define STC_WG_TAIL_INT_REGS "1"
// TRANS: imm-trans-a = 1 (shared-memory A) and imm-trans-b = 1, M/N-major operands (f16, bf16).
// The other syntaxes have no transpose; their kernels are never instantiated with TRANS.
#define STC_WG_TAIL_F16_SMEM_T "1, 1, 1, 1, 1"
#define STC_WG_TAIL_F16_REGS_T "1, 1, 1, 1"
#define STC_WG_TAIL_SCALED_SMEM_T STC_WG_TAIL_SCALED_SMEM
#define STC_WG_TAIL_SCALED_REGS_T STC_WG_TAIL_SCALED_REGS
#define STC_WG_TAIL_INT_SMEM_T STC_WG_TAIL_INT_SMEM
#define STC_WG_TAIL_INT_REGS_T STC_WG_TAIL_INT_REGS
#define STC_WG_TRANSPOSABLE_F16 true
#define STC_WG_TRANSPOSABLE_SCALED false
#define STC_WG_TRANSPOSABLE_INT false

// Inputs: A (descriptor, or four registers), the B descriptor, then for .sp the metadata register
// and the selector.
#define STC_WG_ASM_SMEM_DENSE(PTX, R, TAIL)                                                              \
    asm volatile(PTX " " STC_WG_DLIST_##R ", " STC_WG_OP(R, 0) ", " STC_WG_OP(R, 1) ", " TAIL ";\n"     \
                 : STC_WG_IO##R(d, 0) : "l"(desc_a), "l"(desc_b) : "memory")
#define STC_WG_ASM_SMEM_SP(PTX, R, TAIL)                                                                 \
    asm volatile(PTX " " STC_WG_DLIST_##R ", " STC_WG_OP(R, 0) ", " STC_WG_OP(R, 1) ", " STC_WG_OP(R, 2) \
                     ", " STC_WG_OP(R, 3) ", " TAIL ";\n"                                               \
                 : STC_WG_IO##R(d, 0) : "l"(desc_a), "l"(desc_b), "r"(e), "n"(SEL) : "memory")
#define STC_WG_ASM_REGS_DENSE(PTX, R, TAIL)                                                              \
    asm volatile(PTX " " STC_WG_DLIST_##R ", {" STC_WG_OP(R, 0) ", " STC_WG_OP(R, 1) ", " STC_WG_OP(R, 2) \
                     ", " STC_WG_OP(R, 3) "}, " STC_WG_OP(R, 4) ", " TAIL ";\n"                         \
                 : STC_WG_IO##R(d, 0) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc_b) : "memory")
#define STC_WG_ASM_REGS_SP(PTX, R, TAIL)                                                                 \
    asm volatile(PTX " " STC_WG_DLIST_##R ", {" STC_WG_OP(R, 0) ", " STC_WG_OP(R, 1) ", " STC_WG_OP(R, 2) \
                     ", " STC_WG_OP(R, 3) "}, " STC_WG_OP(R, 4) ", " STC_WG_OP(R, 5) ", " STC_WG_OP(R, 6)  \
                     ", " TAIL ";\n"                                                                     \
                 : STC_WG_IO##R(d, 0)                                                                    \
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc_b), "r"(e), "n"(SEL) : "memory")

namespace stcsim::validation::device {

__device__ __forceinline__ void wgmma_fence() {
#if STC_WGMMA_ENABLED
    asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
#endif
}
__device__ __forceinline__ void wgmma_commit() {
#if STC_WGMMA_ENABLED
    asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
#endif
}
template <int N>
__device__ __forceinline__ void wgmma_wait() {
#if STC_WGMMA_ENABLED
    asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N) : "memory");
#endif
}
// Makes the shared-memory writes of ordinary stores visible to the asynchronous proxy that wgmma
// reads shared memory through.
__device__ __forceinline__ void fence_async_shared() {
#if STC_WGMMA_ENABLED
    asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
#endif
}

enum WgmmaFormIndex : int {
#define STC_WGMMA(id, ...) id,
#include "validation/wgmma/wgmma_forms.def"
#undef STC_WGMMA
    kWgmmaFormCount
};

#define STC_WGMMA(id, ptx, N, K, AT, BT, DT, DREGS, SYNTAX, SPARSITY, NSEL, BENCH, PROBE)                                \
    struct Wg_##id {                                                                                       \
        static constexpr int kIndex = WgmmaFormIndex::id;                                                   \
        static constexpr int kD = DREGS;                                                                   \
        static constexpr int kSelectors = NSEL;                                                            \
        static constexpr bool kSparse = NSEL > 0;                                                          \
        static constexpr bool kTransposable = STC_WG_TRANSPOSABLE_##SYNTAX;                                \
        template <bool REGS, int SEL, bool TRANS = false>                                                  \
        __device__ __forceinline__ static void run(std::uint32_t (&d)[DREGS], const std::uint32_t (&a)[4], \
                                                   std::uint64_t desc_a, std::uint64_t desc_b,             \
                                                   std::uint32_t e) {                                       \
            (void)a; (void)desc_a; (void)desc_b; (void)e; (void)d;                                          \
            if constexpr (STC_WGMMA_ENABLED) {                                                             \
                if constexpr (REGS && TRANS) { STC_WG_ASM_REGS_##SPARSITY(ptx, DREGS, STC_WG_TAIL_##SYNTAX##_REGS_T); } \
                else if constexpr (REGS) { STC_WG_ASM_REGS_##SPARSITY(ptx, DREGS, STC_WG_TAIL_##SYNTAX##_REGS); }   \
                else if constexpr (TRANS) { STC_WG_ASM_SMEM_##SPARSITY(ptx, DREGS, STC_WG_TAIL_##SYNTAX##_SMEM_T); } \
                else { STC_WG_ASM_SMEM_##SPARSITY(ptx, DREGS, STC_WG_TAIL_##SYNTAX##_SMEM); }                    \
            }                                                                                               \
        }                                                                                                   \
    };
#include "validation/wgmma/wgmma_forms.def"
#undef STC_WGMMA

}  // namespace stcsim::validation::device
