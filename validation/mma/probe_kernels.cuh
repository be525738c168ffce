// The probe kernel: warp w runs case w. Every lane loads exactly the registers the case lists,
// issues the form's instruction once (selector as an immediate) and stores its D registers.
// Included by probe_{dense,sp,spo}.cu, which instantiate it per form and legal selector.
#pragma once

#include <cstdint>

#include "validation/common/mma_asm.cuh"
#include "validation/mma/probe_launch.h"

namespace stcsim::validation {

inline constexpr int kProbeWarpsPerBlock = 4;

template <class F, int SEL>
__global__ void mma_probe_kernel(ProbeLaunch p) {
    const int lane = static_cast<int>(threadIdx.x) & 31;
    const int warp = static_cast<int>(blockIdx.x) * kProbeWarpsPerBlock + (static_cast<int>(threadIdx.x) >> 5);
    if (warp >= p.cases) return;  // whole warps only
    const int slot = warp * 32 + lane;
    std::uint32_t a[4] = {}, b[4] = {}, c[4] = {}, d[4] = {};
    for (int i = 0; i < F::kA; ++i) a[i] = p.a[slot * F::kA + i];
    for (int i = 0; i < F::kB; ++i) b[i] = p.b[slot * F::kB + i];
    for (int i = 0; i < F::kC; ++i) c[i] = p.c[slot * F::kC + i];
    F::template run<SEL>(d, c, a, b, p.e[slot]);
    for (int i = 0; i < F::kD; ++i) p.d[slot * F::kD + i] = d[i];
}

template <class F, int SEL>
bool launch_probe_sel(const ProbeLaunch& p) {
    if constexpr (SEL >= (F::kSelectors > 0 ? F::kSelectors : 1)) {
        return false;
    } else {
        const unsigned blocks = static_cast<unsigned>((p.cases + kProbeWarpsPerBlock - 1) / kProbeWarpsPerBlock);
        mma_probe_kernel<F, SEL><<<blocks, 32 * kProbeWarpsPerBlock>>>(p);
        return true;
    }
}

template <class F>
bool launch_probe(const ProbeLaunch& p) {
    switch (p.selector) {
        case 0: return launch_probe_sel<F, 0>(p);
        case 1: return launch_probe_sel<F, 1>(p);
        case 2: return launch_probe_sel<F, 2>(p);
        case 3: return launch_probe_sel<F, 3>(p);
        default: return false;
    }
}

}  // namespace stcsim::validation
