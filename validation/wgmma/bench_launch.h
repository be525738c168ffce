// The launch interface of the wgmma throughput/latency kernel (wgmma/bench_kernel.cuh), one entry
// point per half of the form table (dense, .sp) so that the kernels compile in two translation
// units.
#pragma once

#include <cstdint>

namespace stcsim::validation {

// One CTA of `groups` warp groups on one SM; every warp group runs `ilp` independent accumulator
// chains of `iters` dependent wgmma instructions of form `form` (index into wgmma_forms()):
// per iteration one instruction per chain, then wgmma.commit_group and wgmma.wait_group 1; after
// the loop wait_group 0. All warp groups read the same A and B tiles, which the kernel copies from
// `smem_image` (smem_words words) into shared memory and describes with descriptors it builds
// (wgmma/descriptor.h, plain K-major layout at byte offsets a_offset and b_offset).
// `a_regs` holds 128 x 4 words (A from registers, thread-major); `metadata` is every thread's
// sp-meta word. `out` gets one word per thread (a fold of the accumulators, so nothing is dead
// code); `cycles` gets three values per warp: clock64 at start, at end, and end - start.
struct WgmmaBenchLaunch {
    int form = 0;
    bool a_from_registers = false;
    int ilp = 1;
    int groups = 1;
    int iters = 0;
    const std::uint32_t* smem_image = nullptr;
    std::uint32_t smem_words = 0;
    std::uint32_t a_offset = 0, b_offset = 0;
    int a_k_bytes = 0, b_k_bytes = 0;
    const std::uint32_t* a_regs = nullptr;
    std::uint32_t metadata = 0;
    std::uint32_t* out = nullptr;
    long long* cycles = nullptr;
};

// Independent chains per warp group: at most 4, and at most 128 accumulator registers per thread
// in all (ptxas keeps the whole wgmma pipeline in registers, 255 per thread at most).
inline constexpr int kWgmmaMaxIlp = 4;
inline constexpr int kWgmmaMaxAccumulatorRegs = 128;
constexpr int wgmma_max_ilp(int d_regs) {
    return d_regs * kWgmmaMaxIlp <= kWgmmaMaxAccumulatorRegs ? kWgmmaMaxIlp : kWgmmaMaxAccumulatorRegs / d_regs;
}

// Each returns false when the form is not in its half or the ILP is not instantiated.
bool launch_wgmma_bench_dense(const WgmmaBenchLaunch& launch);
bool launch_wgmma_bench_sp(const WgmmaBenchLaunch& launch);
// Registers per thread and the largest CTA of the kernel a launch would run
// (cudaFuncGetAttributes); zeros when there is none.
struct WgmmaKernelInfo {
    int registers = 0;
    int max_threads = 0;
};
WgmmaKernelInfo wgmma_bench_info_dense(const WgmmaBenchLaunch& launch);
WgmmaKernelInfo wgmma_bench_info_sp(const WgmmaBenchLaunch& launch);

}  // namespace stcsim::validation
