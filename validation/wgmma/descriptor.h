// Shared-memory matrix descriptors as the wgmma kernels build them on the device, and the plain
// layout the benchmark uses (host and device code; the field layout is PTX ISA §9.7.15.5.1.2, the
// same that isa/wgmma_descriptor.h decodes, and validation/tests/wgmma_forms_test.cpp checks the
// two agree):
//   bits 13..0 start address >> 4, 29..16 leading-dimension byte offset >> 4, 45..32
//   stride-dimension byte offset >> 4, 51..49 base offset, 63..62 swizzle (0 none, 1 128B,
//   2 64B, 3 32B).
// The benchmark's layout is K-major without swizzle: core matrices of 8 rows x 16 bytes stored
// contiguously (128 bytes), the core matrices along K of one group of 8 rows next to each other
// (LBO = 128), the groups of 8 rows one after the other (SBO = 128 x K bytes / 16). Every wavefront
// of a core matrix reads 8 x 16 contiguous bytes: no bank conflict.
#pragma once

#include <cstdint>

#ifdef __CUDACC__
#define STC_HD __host__ __device__
#else
#define STC_HD
#endif

namespace stcsim::validation {

struct DescriptorFields {
    std::uint32_t start = 0;  // shared-memory byte address (multiple of 16)
    std::uint32_t lbo = 0;    // bytes
    std::uint32_t sbo = 0;    // bytes
    std::uint32_t base_offset = 0;
    std::uint32_t swizzle = 0;  // 0 none, 1 128B, 2 64B, 3 32B
};

STC_HD inline std::uint64_t make_descriptor(const DescriptorFields& f) {
    return std::uint64_t{(f.start >> 4) & 0x3fffu} | std::uint64_t{(f.lbo >> 4) & 0x3fffu} << 16 |
           std::uint64_t{(f.sbo >> 4) & 0x3fffu} << 32 | std::uint64_t{f.base_offset & 0x7u} << 49 |
           std::uint64_t{f.swizzle & 0x3u} << 62;
}

// The benchmark layout of a tile with `k_bytes` bytes of K per row (or column) and `rows` rows
// (A: 64, B: N), starting at `start`.
inline constexpr std::uint32_t kCoreMatrixBytes = 128;
STC_HD inline DescriptorFields plain_k_major(std::uint32_t start, int k_bytes) {
    return {start, kCoreMatrixBytes, kCoreMatrixBytes * static_cast<std::uint32_t>(k_bytes) / 16, 0, 0};
}
STC_HD inline std::uint32_t plain_tile_bytes(int rows, int k_bytes) {
    return static_cast<std::uint32_t>(rows) * static_cast<std::uint32_t>(k_bytes);
}

}  // namespace stcsim::validation
