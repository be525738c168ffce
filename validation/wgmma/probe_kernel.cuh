// The wgmma probe kernel (launch interface: wgmma/probe_launch.h). Included by
// probe_{dense,sp}.cu, which instantiate it per probed form, A source and legal selector.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "validation/wgmma/descriptor.h"
#include "validation/wgmma/probe_launch.h"
#include "validation/wgmma/wgmma_asm.cuh"

namespace stcsim::validation {

inline constexpr std::uint32_t kProbeImageAlign = 1024;

template <class F, bool REGS, int SEL, bool TRANS>
__global__ void __launch_bounds__(128) wgmma_probe_kernel(WgmmaProbeLaunch p) {
    extern __shared__ __align__(16) std::uint32_t raw[];
    const int c = static_cast<int>(blockIdx.x);
    const int tid = static_cast<int>(threadIdx.x);
    const auto raw_base = static_cast<std::uint32_t>(__cvta_generic_to_shared(raw));
    const std::uint32_t base = (raw_base + kProbeImageAlign - 1) / kProbeImageAlign * kProbeImageAlign;
    std::uint32_t* smem = raw + (base - raw_base) / 4;
    const std::uint32_t* image = p.images + p.image_offset[c];
    for (std::uint32_t i = static_cast<std::uint32_t>(tid); i < p.image_words[c]; i += blockDim.x) smem[i] = image[i];
    device::fence_async_shared();
    __syncthreads();
    DescriptorFields fa = p.a_fields[c], fb = p.b_fields[c];
    fa.start += base;
    fb.start += base;
    const std::uint64_t desc_a = REGS ? 0 : make_descriptor(fa);
    const std::uint64_t desc_b = make_descriptor(fb);
    const int slot = c * 128 + tid;
    std::uint32_t a[4], d[F::kD];
    for (int i = 0; i < 4; ++i) a[i] = p.a_regs[slot * 4 + i];
#pragma unroll
    for (int i = 0; i < F::kD; ++i) d[i] = p.c_regs[slot * F::kD + i];
    const std::uint32_t e = p.e[slot];
    device::wgmma_fence();
    F::template run<REGS, SEL, TRANS>(d, a, desc_a, desc_b, e);
    device::wgmma_commit();
    device::wgmma_wait<0>();
#pragma unroll
    for (int i = 0; i < F::kD; ++i) p.d_regs[slot * F::kD + i] = d[i];
    if (tid == 0) {
        p.descriptors[2 * c] = desc_a;
        p.descriptors[2 * c + 1] = desc_b;
        p.smem_base[c] = base;
    }
}

template <class F, bool REGS, int SEL, bool TRANS>
bool launch_wgmma_probe_sel(const WgmmaProbeLaunch& p) {
    if constexpr (SEL >= (F::kSelectors > 0 ? F::kSelectors : 1) || (TRANS && !F::kTransposable)) {
        return false;
    } else {
        const auto kernel = &wgmma_probe_kernel<F, REGS, SEL, TRANS>;
        const std::size_t smem = p.max_image_bytes + kProbeImageAlign;
        if (smem > 48 * 1024 &&
            cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(smem)) != cudaSuccess)
            return false;
        kernel<<<static_cast<unsigned>(p.cases), 128, smem>>>(p);
        return true;
    }
}

template <class F, bool TRANS>
bool launch_wgmma_probe_trans(const WgmmaProbeLaunch& p) {
    switch (p.selector) {
        case 0: return p.a_from_registers ? launch_wgmma_probe_sel<F, true, 0, TRANS>(p) : launch_wgmma_probe_sel<F, false, 0, TRANS>(p);
        case 1: return p.a_from_registers ? launch_wgmma_probe_sel<F, true, 1, TRANS>(p) : launch_wgmma_probe_sel<F, false, 1, TRANS>(p);
        default: return false;
    }
}

template <class F>
bool launch_wgmma_probe(const WgmmaProbeLaunch& p) {
    return p.transposed ? launch_wgmma_probe_trans<F, true>(p) : launch_wgmma_probe_trans<F, false>(p);
}

}  // namespace stcsim::validation
