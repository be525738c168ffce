// The launch interface of the probe kernel (probe_kernels.cuh): one warp per case, every lane
// loading its registers, running one instruction with the given selector and storing D.
#pragma once

#include <cstdint>

namespace stcsim::validation {

struct ProbeLaunch {
    int form = 0;
    int selector = 0;
    int cases = 0;
    // cases x 32 lanes x regs, lane-major within a case; e: cases x 32 words
    const std::uint32_t *a = nullptr, *b = nullptr, *c = nullptr, *e = nullptr;
    std::uint32_t* d = nullptr;
};

// Each returns false when the form is not in its part or the selector is not legal for it.
bool launch_mma_probe_dense(const ProbeLaunch& launch);
bool launch_mma_probe_sp(const ProbeLaunch& launch);
bool launch_mma_probe_spo(const ProbeLaunch& launch);

}  // namespace stcsim::validation
