// Device side of the form table: one struct per row of mma_forms.def whose run<SEL>() issues
// exactly that PTX instruction with inline asm, on per-lane register arrays.
//
//   Form::run<SEL>(d, c, a, b, e): D = A*B + C with sparsity selector SEL (an immediate) and
//   metadata register e (ignored by dense forms). Arrays hold up to 4 registers; only the first
//   A/B/C/D-regs of each are used. C and D have the same type in every form (ptxas rejects mixed
//   f16/f32 C and D for m16n8k8 and m16n8k16), so the instruction runs in place on d (d is first
//   set to c) and the benchmark's chains (run(acc, acc, ...)) hold D in the same registers as C,
//   with no moves between dependent instructions.
// A form whose minimum compute capability is above the architecture being compiled gets an empty
// body; the host never launches it there (it compares DeviceInfo::sass_arch with min_cc).
#pragma once

#include <cstdint>

#ifdef __CUDA_ARCH__
#define STC_ARCH __CUDA_ARCH__
#else
#define STC_ARCH 0
#endif

// Operand lists, by registers of A, B, C and D. In place: D doubles as C ("+r").
#define STC_IO2 "+r"(d[0]), "+r"(d[1])
#define STC_IO4 "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
#define STC_IN1(x) "r"(x[0])
#define STC_IN2(x) "r"(x[0]), "r"(x[1])
#define STC_IN4(x) "r"(x[0]), "r"(x[1]), "r"(x[2]), "r"(x[3])

#define STC_ASM_DENSE_A1B1C2D2(OPC) \
    asm volatile(OPC " {%0,%1}, {%2}, {%3}, {%0,%1};" : STC_IO2 : STC_IN1(a), STC_IN1(b))
#define STC_ASM_DENSE_A2B1C2D2(OPC) \
    asm volatile(OPC " {%0,%1}, {%2,%3}, {%4}, {%0,%1};" : STC_IO2 : STC_IN2(a), STC_IN1(b))
#define STC_ASM_DENSE_A2B1C4D4(OPC) \
    asm volatile(OPC " {%0,%1,%2,%3}, {%4,%5}, {%6}, {%0,%1,%2,%3};" : STC_IO4 : STC_IN2(a), STC_IN1(b))
#define STC_ASM_DENSE_A4B2C2D2(OPC) \
    asm volatile(OPC " {%0,%1}, {%2,%3,%4,%5}, {%6,%7}, {%0,%1};" : STC_IO2 : STC_IN4(a), STC_IN2(b))
#define STC_ASM_DENSE_A4B2C4D4(OPC)                                                      \
    asm volatile(OPC " {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};" : STC_IO4 \
                 : STC_IN4(a), STC_IN2(b))

// Sparse forms: metadata register e and the selector as an immediate ("n").
#define STC_ASM_SP_A2B2C2D2(OPC) \
    asm volatile(OPC " {%0,%1}, {%2,%3}, {%4,%5}, {%0,%1}, %6, %7;" : STC_IO2 : STC_IN2(a), STC_IN2(b), "r"(e), "n"(SEL))
#define STC_ASM_SP_A2B2C4D4(OPC)                                                             \
    asm volatile(OPC " {%0,%1,%2,%3}, {%4,%5}, {%6,%7}, {%0,%1,%2,%3}, %8, %9;" : STC_IO4 \
                 : STC_IN2(a), STC_IN2(b), "r"(e), "n"(SEL))
#define STC_ASM_SP_A4B4C2D2(OPC)                                                          \
    asm volatile(OPC " {%0,%1}, {%2,%3,%4,%5}, {%6,%7,%8,%9}, {%0,%1}, %10, %11;" : STC_IO2 \
                 : STC_IN4(a), STC_IN4(b), "r"(e), "n"(SEL))
#define STC_ASM_SP_A4B4C4D4(OPC)                                                                      \
    asm volatile(OPC " {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9,%10,%11}, {%0,%1,%2,%3}, %12, %13;" : STC_IO4 \
                 : STC_IN4(a), STC_IN4(b), "r"(e), "n"(SEL))
#define STC_ASM_SPO_A2B2C2D2 STC_ASM_SP_A2B2C2D2
#define STC_ASM_SPO_A2B2C4D4 STC_ASM_SP_A2B2C4D4
#define STC_ASM_SPO_A4B4C2D2 STC_ASM_SP_A4B4C2D2
#define STC_ASM_SPO_A4B4C4D4 STC_ASM_SP_A4B4C4D4

namespace stcsim::validation::device {

enum FormIndex : int {
#define STC_FORM(id, ptx, M, N, K, AT, BT, CT, DT, NA, NB, NC, ND, SPARSITY, NSEL, MINCC) id,
#include "validation/common/mma_forms.def"
#undef STC_FORM
    kFormCount
};

#define STC_FORM(id, ptx, M, N, K, AT, BT, CT, DT, NA, NB, NC, ND, SPARSITY, NSEL, MINCC)                   \
    struct Form_##id {                                                                                  \
        static constexpr int kIndex = FormIndex::id;                                                    \
        static constexpr int kA = NA, kB = NB, kC = NC, kD = ND, kMinArch = (MINCC) * 10;               \
        static_assert(NC == ND, "C and D of one type");                                                 \
        static constexpr bool kInPlace = true;                                                          \
        static constexpr int kSelectors = NSEL;                                                         \
        template <int SEL>                                                                              \
        __device__ static void run(std::uint32_t (&d)[4], const std::uint32_t (&c)[4],                 \
                                   const std::uint32_t (&a)[4], const std::uint32_t (&b)[4],           \
                                   std::uint32_t e) {                                                   \
            (void)e;                                                                                    \
            for (int i = 0; i < NC; ++i) d[i] = c[i];                                                   \
            if constexpr (STC_ARCH >= kMinArch) { STC_ASM_##SPARSITY##_A##NA##B##NB##C##NC##D##ND(ptx); } \
        }                                                                                               \
    };
#include "validation/common/mma_forms.def"
#undef STC_FORM

}  // namespace stcsim::validation::device
