// The launch interface of the wgmma probe kernel (wgmma/probe_kernel.cuh): one CTA (one warp
// group) per case. Each CTA copies its case's shared-memory image to a 1024-byte aligned shared
// address, builds the descriptors from the case's fields plus that address, loads its registers,
// issues the form's instruction once (selector as an immediate) and stores D, the descriptors and
// the address it used.
#pragma once

#include <cstdint>

#include "validation/wgmma/descriptor.h"

namespace stcsim::validation {

struct WgmmaProbeLaunch {
    int form = 0;
    bool a_from_registers = false;
    int selector = 0;
    bool transposed = false;                  // imm-trans-a (shared-memory A) and imm-trans-b = 1
    int cases = 0;
    std::uint32_t max_image_bytes = 0;        // the largest image of the batch
    const std::uint32_t* images = nullptr;    // every case's image, each starting at image_offset[c] words
    const std::uint32_t* image_offset = nullptr;
    const std::uint32_t* image_words = nullptr;
    const DescriptorFields* a_fields = nullptr;  // per case, start relative to the image
    const DescriptorFields* b_fields = nullptr;
    const std::uint32_t* a_regs = nullptr;    // cases x 128 x 4
    const std::uint32_t* c_regs = nullptr;    // cases x 128 x d_regs
    const std::uint32_t* e = nullptr;         // cases x 128
    std::uint32_t* d_regs = nullptr;          // cases x 128 x d_regs
    std::uint64_t* descriptors = nullptr;     // cases x 2: the A (0 for A in registers) and B descriptors used
    std::uint32_t* smem_base = nullptr;       // cases: the shared address of the image
};

// Each returns false when the form is not in its half, the selector is not legal for it, or it
// has no transpose (not f16 / bf16) and `transposed` is set.
bool launch_wgmma_probe_dense(const WgmmaProbeLaunch& launch);
bool launch_wgmma_probe_sp(const WgmmaProbeLaunch& launch);

}  // namespace stcsim::validation
