// The GEMM kernel that `stcsim trace gen gemm` traces (sim/trace/gemm_trace.h), for 16-bit inputs
// (f16, bf16) and f32 accumulators: CTA tile TM x TN x TK, warp tile WM x WN (x TK), S stages.
//   prologue: cp.async (16 B per thread) of the first S-1 K tiles of A, B and, sparse, the
//             metadata E into shared memory; commit per tile; wait_group S-2; __syncthreads.
//   mainloop: per K tile, per k-step: ldmatrix of E (sparse, once per selector group), ldmatrix of
//             the A fragments (.x4) and the B fragments (.x4.trans, B row-major), then the warp's
//             (WM/16) x (WN/8) mma.sync.m16n8k16 / mma.sp.sync.m16n8k32; the loads of K tile
//             kt+S-1 after the first k-step; the tile ends with commit, wait_group S-2, __syncthreads.
//   epilogue: the accumulators stored to D (f32, row-major). Grid x covers M, y covers N.
// Shared-memory tiles are swizzled in 16-byte chunks (conflict-free ldmatrix).
#pragma once

#include <cstdint>

namespace stcsim::validation::gemm {

template <int TM_, int TN_, int TK_, int WM_, int WN_, int S_, bool SPARSE_, bool BF16_>
struct Tiles {
    static constexpr int TM = TM_, TN = TN_, TK = TK_, WM = WM_, WN = WN_, S = S_;
    static constexpr bool SPARSE = SPARSE_, BF16 = BF16_;
    static constexpr int KI = SPARSE ? 32 : 16;            // dense K per instruction
    static constexpr int STEPS = TK / KI;
    static constexpr int TKA = SPARSE ? TK / 2 : TK;       // stored A columns per tile
    static constexpr int A_CPR = TKA * 2 / 16, B_CPR = TN * 2 / 16;
    static constexpr int A_BYTES = TM * TKA * 2, B_BYTES = TK * TN * 2;
    static constexpr int E_BYTES = SPARSE ? (STEPS + 1) / 2 * (TM / 16) * 32 * 4 : 0;
    static constexpr int STAGE_BYTES = A_BYTES + B_BYTES + E_BYTES;
    static constexpr int SMEM_BYTES = STAGE_BYTES * S;
    static constexpr int WARPS_M = TM / WM, WARPS_N = TN / WN, THREADS = 32 * WARPS_M * WARPS_N;
    static constexpr int MT = WM / 16, NT = WN / 8;
    static_assert(TK % KI == 0 && TM % WM == 0 && TN % WN == 0 && WM % 16 == 0 && WN % 16 == 0);
    static_assert(!SPARSE || STEPS % 2 == 0, "a metadata register covers two k-steps");
    static_assert(MT == 1 || MT == 2 || MT == 4);
    static_assert(A_CPR >= 2 && (A_CPR & (A_CPR - 1)) == 0 && E_BYTES % 16 == 0 && S >= 2);
};

__device__ __forceinline__ int swizzle(int row, int chunk, int chunks_per_row) {
    return chunks_per_row >= 8 ? chunk ^ (row & 7) : chunk ^ ((row / (8 / chunks_per_row)) & (chunks_per_row - 1));
}

__device__ __forceinline__ void cp_async16(std::uint32_t smem, const void* global) {
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(smem), "l"(global));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N>
__device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }

__device__ __forceinline__ void ldsm_x4(std::uint32_t* r, std::uint32_t addr) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(addr));
}
__device__ __forceinline__ void ldsm_x4_trans(std::uint32_t* r, std::uint32_t addr) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(addr));
}
__device__ __forceinline__ void ldsm_x2(std::uint32_t* r, std::uint32_t addr) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x2.shared.b16 {%0,%1}, [%2];\n" : "=r"(r[0]), "=r"(r[1]) : "r"(addr));
}
__device__ __forceinline__ void ldsm_x1(std::uint32_t* r, std::uint32_t addr) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x1.shared.b16 {%0}, [%1];\n" : "=r"(r[0]) : "r"(addr));
}

template <bool BF16>
__device__ __forceinline__ void mma_dense(float* d, const std::uint32_t* a, const std::uint32_t* b) {
    if constexpr (BF16)
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                     : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
    else
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                     : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

template <bool BF16, int SEL>
__device__ __forceinline__ void mma_sparse(float* d, const std::uint32_t* a, const std::uint32_t* b, std::uint32_t e) {
    if constexpr (BF16)
        asm volatile("mma.sp.sync.aligned.m16n8k32.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9,%10,%11}, {%0,%1,%2,%3}, %12, %13;\n"
                     : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                     : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "r"(b[2]), "r"(b[3]), "r"(e), "n"(SEL));
    else
        asm volatile("mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9,%10,%11}, {%0,%1,%2,%3}, %12, %13;\n"
                     : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                     : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "r"(b[2]), "r"(b[3]), "r"(e), "n"(SEL));
}

template <class T>
struct GemmCta {
    std::uint32_t smem;  // shared address of stage 0
    int tid, warp_m, warp_n, lane, bm, bn, m, n, k, k_tiles;
    const std::uint16_t* a;
    const std::uint16_t* b;
    const std::uint32_t* e;

    __device__ std::uint32_t stage_a(int s) const { return smem + s * T::STAGE_BYTES; }
    __device__ std::uint32_t stage_b(int s) const { return stage_a(s) + T::A_BYTES; }
    __device__ std::uint32_t stage_e(int s) const { return stage_b(s) + T::B_BYTES; }

    // cp.async of K tile kt into stage s (nothing when kt is past the end); then commit.
    __device__ void load_tile(int kt, int s) const {
        if (kt < k_tiles) {
            const int ka = T::SPARSE ? k / 2 : k;
            const std::uint16_t* ag = a + static_cast<long long>(bm) * T::TM * ka + static_cast<long long>(kt) * T::TKA;
            for (int c = tid; c < T::TM * T::A_CPR; c += T::THREADS) {
                const int row = c / T::A_CPR, ch = c % T::A_CPR;
                cp_async16(stage_a(s) + row * T::TKA * 2 + swizzle(row, ch, T::A_CPR) * 16, ag + static_cast<long long>(row) * ka + ch * 8);
            }
            const std::uint16_t* bg = b + static_cast<long long>(kt) * T::TK * n + static_cast<long long>(bn) * T::TN;
            for (int c = tid; c < T::TK * T::B_CPR; c += T::THREADS) {
                const int row = c / T::B_CPR, ch = c % T::B_CPR;
                cp_async16(stage_b(s) + row * T::TN * 2 + swizzle(row, ch, T::B_CPR) * 16, bg + static_cast<long long>(row) * n + ch * 8);
            }
            if constexpr (T::SPARSE) {
                const std::uint32_t* eg = e + (static_cast<long long>(bm) * k_tiles + kt) * (T::E_BYTES / 4);
                for (int c = tid; c < T::E_BYTES / 16; c += T::THREADS) cp_async16(stage_e(s) + c * 16, eg + c * 4);
            }
        }
        cp_async_commit();
    }

    __device__ void load_a(std::uint32_t (&af)[T::MT][4], int s, int step) const {
        for (int mt = 0; mt < T::MT; ++mt) {
            const int row = warp_m * T::WM + mt * 16 + lane % 16, ch = step * 2 + lane / 16;
            ldsm_x4(af[mt], stage_a(s) + row * T::TKA * 2 + swizzle(row, ch, T::A_CPR) * 16);
        }
    }

    __device__ void load_e(std::uint32_t (&ef)[T::MT], int s, int step) const {
        const int block = (step / 2) * (T::TM / 16) + warp_m * T::MT;
        const std::uint32_t addr = stage_e(s) + block * 128 + (lane / 8) * 128 + (lane % 8) * 16;
        if constexpr (T::MT == 4) ldsm_x4(ef, addr);
        else if constexpr (T::MT == 2) ldsm_x2(ef, addr);
        else ldsm_x1(ef, addr);
    }

    template <int STEP>
    __device__ void k_step(float (&acc)[T::MT][T::NT][4], std::uint32_t (&ef)[T::MT], int s) const {
        std::uint32_t af[T::MT][4];
        if constexpr (T::SPARSE && STEP % 2 == 0) load_e(ef, s, STEP);
        load_a(af, s, STEP);
        if constexpr (T::SPARSE) {
#pragma unroll
            for (int nt = 0; nt < T::NT; ++nt) {
                std::uint32_t bf[4];
                const int krow = STEP * 32 + lane, ch = (warp_n * T::WN + nt * 8) / 8;
                ldsm_x4_trans(bf, stage_b(s) + krow * T::TN * 2 + swizzle(krow, ch, T::B_CPR) * 16);
#pragma unroll
                for (int mt = 0; mt < T::MT; ++mt) mma_sparse<T::BF16, STEP % 2>(acc[mt][nt], af[mt], bf, ef[mt]);
            }
        } else {
#pragma unroll
            for (int np = 0; np < T::NT / 2; ++np) {
                std::uint32_t bf[4];  // n-tiles 2np (bf[0..1]) and 2np+1 (bf[2..3])
                const int krow = STEP * 16 + lane % 8 + (lane / 8 % 2) * 8, ch = (warp_n * T::WN + (2 * np + lane / 16) * 8) / 8;
                ldsm_x4_trans(bf, stage_b(s) + krow * T::TN * 2 + swizzle(krow, ch, T::B_CPR) * 16);
#pragma unroll
                for (int mt = 0; mt < T::MT; ++mt) {
                    mma_dense<T::BF16>(acc[mt][2 * np], af[mt], bf);
                    mma_dense<T::BF16>(acc[mt][2 * np + 1], af[mt], bf + 2);
                }
            }
        }
    }

    template <int STEP>
    __device__ void steps(float (&acc)[T::MT][T::NT][4], std::uint32_t (&ef)[T::MT], int s, int kt) const {
        if constexpr (STEP < T::STEPS) {
            k_step<STEP>(acc, ef, s);
            if constexpr (STEP == 0) load_tile(kt + T::S - 1, (kt + T::S - 1) % T::S);
            steps<STEP + 1>(acc, ef, s, kt);
        }
    }
};

template <class T>
__global__ void __launch_bounds__(T::THREADS) gemm_kernel(const std::uint16_t* a, const std::uint16_t* b,
                                                          const std::uint32_t* e, float* d, int m, int n, int k) {
    extern __shared__ __align__(128) unsigned char shared[];
    GemmCta<T> cta;
    cta.smem = static_cast<std::uint32_t>(__cvta_generic_to_shared(shared));
    cta.tid = threadIdx.x;
    cta.lane = threadIdx.x % 32;
    const int warp = threadIdx.x / 32;
    cta.warp_m = warp % T::WARPS_M;
    cta.warp_n = warp / T::WARPS_M;
    cta.bm = blockIdx.x;
    cta.bn = blockIdx.y;
    cta.m = m, cta.n = n, cta.k = k, cta.k_tiles = k / T::TK;
    cta.a = a, cta.b = b, cta.e = e;

    float acc[T::MT][T::NT][4] = {};
    std::uint32_t ef[T::MT] = {};
    for (int s = 0; s < T::S - 1; ++s) cta.load_tile(s, s);
    cp_async_wait<T::S - 2>();
    __syncthreads();
    for (int kt = 0; kt < cta.k_tiles; ++kt) {
        cta.template steps<0>(acc, ef, kt % T::S, kt);
        cp_async_wait<T::S - 2>();
        __syncthreads();
    }
    // Epilogue: c0, c1 at row g, columns 2t, 2t+1; c2, c3 at row g + 8.
    const int g = cta.lane / 4, t = cta.lane % 4;
    for (int mt = 0; mt < T::MT; ++mt)
        for (int nt = 0; nt < T::NT; ++nt) {
            const int row = cta.bm * T::TM + cta.warp_m * T::WM + mt * 16 + g;
            const int col = cta.bn * T::TN + cta.warp_n * T::WN + nt * 8 + 2 * t;
            *reinterpret_cast<float2*>(d + static_cast<long long>(row) * n + col) = make_float2(acc[mt][nt][0], acc[mt][nt][1]);
            *reinterpret_cast<float2*>(d + static_cast<long long>(row + 8) * n + col) = make_float2(acc[mt][nt][2], acc[mt][nt][3]);
        }
}

}  // namespace stcsim::validation::gemm
