// The input cases of the warp-group functional probes (wgmma_probes), per form and A source, as
// the instruction receives them: a shared-memory image with the descriptor fields of its tiles
// (addresses relative to the image; the kernel places the image at a 1024-byte aligned shared
// address and adds it), the A registers (A from registers), the accumulator registers and the
// sp-meta registers of the 128 threads. Host code only; no CUDA. Deterministic for a seed.
// Operand placement comes from isa/ (isa::write_operand, isa::wgmma_to_fragment): a probe that
// the GPU answers differently from `stcsim mma` may also mean that those layouts are wrong.
//
// Groups (label: what it checks):
//   random             normal values, every selector, a random legal nibble in every metadata
//                      slot of every thread; plain K-major layout (wgmma/descriptor.h)
//   special            subnormals, +-0, Inf, NaN, values near the largest finite (ints: extremes)
//   metadata_nibble_X  every slot of every thread holds legal nibble X (.sp)
//   layout_mn_first    no swizzle, but the core matrices of a column of 8-row groups first
//                      (LBO = the whole MN extent, SBO = 128): tells LBO from SBO
//   layout_sw32, layout_sw64, layout_sw128   K-major swizzled tiles (a tile whose K bytes exceed
//                      the swizzle width keeps the plain layout)
//   layout_mn_major    (f16, bf16) M/N-major tiles, imm-trans-b = 1 and, for A in shared memory,
//                      imm-trans-a = 1; no swizzle
//   layout_mn_major_sw128  (f16, bf16; A in shared memory) the same with A 128-byte swizzled
//   invalid_nibble_X   (invalid group) every slot holds nibble X, illegal for the form: compare
//                      with --invalid-metadata=mux
// A form wider than N = 64 gets one random case per selector and the layout groups only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "validation/wgmma/descriptor.h"
#include "validation/wgmma/wgmma_forms.h"

namespace stcsim::validation {

struct WgmmaProbeCase {
    int selector = 0;
    bool transposed = false;               // imm-trans-b = 1, and imm-trans-a = 1 for A in shared memory
    std::vector<std::uint8_t> image;       // relative shared-memory image, a multiple of 16 bytes
    DescriptorFields a_desc, b_desc;       // start relative to the image; a_desc unused for A in registers
    std::vector<std::uint32_t> a_regs;     // 128 x 4, thread-major (A from registers; zeros otherwise)
    std::vector<std::uint32_t> c_regs;     // 128 x d_regs
    std::vector<std::uint32_t> e;          // 128 sp-meta words (zeros for dense forms)
};

struct WgmmaProbeGroup {
    std::string label;
    std::vector<WgmmaProbeCase> cases;
};

struct WgmmaProbeSet {
    std::vector<WgmmaProbeGroup> valid;    // `stcsim mma --arch sm_90a` must match the GPU bit for bit
    std::vector<WgmmaProbeGroup> invalid;  // illegal metadata: --invalid-metadata=mux
};

WgmmaProbeSet make_wgmma_probes(const WgmmaFormInfo& form, ASource source, std::uint32_t seed);

// One case in the raw form `stcsim mma` reads for a wgmma (tools/wgmma_case.h), with the shared
// address the image was placed at and the descriptors the kernel built.
std::string wgmma_case_json(const WgmmaFormInfo& form, ASource source, const WgmmaProbeCase& pc, std::uint32_t smem_base,
                            std::uint64_t a_desc, std::uint64_t b_desc);
// {"d": [[..]]}: D row-major 64 x N from the 128 threads' d_regs registers as the GPU wrote them.
std::string wgmma_d_json(const WgmmaFormInfo& form, const std::uint32_t* d_regs);

// The descriptor the kernel builds for `fields` with the image at `smem_base`, computed on the
// host with isa::encode_descriptor (the kernel's own bits must equal it).
std::uint64_t expected_descriptor(DescriptorFields fields, std::uint32_t smem_base);

}  // namespace stcsim::validation
