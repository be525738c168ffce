// A TMA tensor map as the SASS front end reads it: the 128 bytes that a kernel receives in place of
// the driver's opaque CUtensorMap when the launch was built without a GPU. Programs that build
// launches for tracing (validation/cutlass) write this record wherever the driver's
// cuTensorMapEncodeTiled would have written its encoding; the emulator decodes it when a UTMALDG /
// UTMASTG names the map. The driver's own encoding is undocumented and is not read.
//
// Contract: header-only, C++17, no dependencies (nvcc compiles it into host programs). encode
// fills all 128 bytes (unused ones 0); decode returns false when the bytes are not such a record
// (wrong magic or version, rank outside 1..5, element size not 1/2/4/8, a box of 0 or above 256
// elements in a dimension, a swizzle code above 3).
#pragma once

#include <cstdint>
#include <cstring>

namespace stcsim::isa::sass {

struct TensorMapRecord {
    static constexpr std::uint32_t kBytes = 128;
    static constexpr char kMagic[8] = {'S', 'T', 'C', 'T', 'M', 'A', 'P', '1'};

    std::uint32_t rank = 0;           // 1..5 dimensions, dimension 0 contiguous
    std::uint32_t element_bytes = 0;  // 1, 2, 4 or 8
    std::uint32_t swizzle = 0;        // 0 none, 1: 32-byte, 2: 64-byte, 3: 128-byte (CU_TENSOR_MAP_SWIZZLE_*)
    std::uint32_t interleave = 0;     // CU_TENSOR_MAP_INTERLEAVE_* (0: none)
    std::uint64_t global_address = 0;
    std::uint64_t global_dim[5] = {};     // elements per dimension
    std::uint64_t global_stride[5] = {};  // bytes between consecutive indices of dimension d (d >= 1; [0] unused)
    std::uint32_t box_dim[5] = {};        // elements per dimension of one copy, 1..256
    std::uint32_t element_stride[5] = {}; // traversal stride per dimension (1 in tiled copies)
};

// Byte offsets of the fields in the 128 bytes (little-endian); the magic is at 0.
namespace tensor_map_layout {
inline constexpr unsigned kRank = 8, kElementBytes = 9, kSwizzle = 10, kInterleave = 11;
inline constexpr unsigned kAddress = 16;        // u64
inline constexpr unsigned kGlobalDim = 24;      // 5 x u32 (at most 2^32 - 1 elements each, as the driver allows)
inline constexpr unsigned kGlobalStride = 44;   // 4 x u64, dimensions 1..4 (offset 44 is 4-aligned; copied bytewise)
inline constexpr unsigned kBoxDim = 76;         // 5 x u16
inline constexpr unsigned kElementStride = 86;  // 5 x u8
}  // namespace tensor_map_layout

inline void encode_tensor_map(const TensorMapRecord& r, unsigned char out[TensorMapRecord::kBytes]) {
    namespace L = tensor_map_layout;
    std::memset(out, 0, TensorMapRecord::kBytes);
    std::memcpy(out, TensorMapRecord::kMagic, 8);
    out[L::kRank] = static_cast<unsigned char>(r.rank);
    out[L::kElementBytes] = static_cast<unsigned char>(r.element_bytes);
    out[L::kSwizzle] = static_cast<unsigned char>(r.swizzle);
    out[L::kInterleave] = static_cast<unsigned char>(r.interleave);
    std::memcpy(out + L::kAddress, &r.global_address, 8);
    for (unsigned d = 0; d < 5; ++d) {
        const auto dim = static_cast<std::uint32_t>(r.global_dim[d]);
        std::memcpy(out + L::kGlobalDim + 4 * d, &dim, 4);
        if (d >= 1) std::memcpy(out + L::kGlobalStride + 8 * (d - 1), &r.global_stride[d], 8);
        const auto box = static_cast<std::uint16_t>(r.box_dim[d]);
        std::memcpy(out + L::kBoxDim + 2 * d, &box, 2);
        out[L::kElementStride + d] = static_cast<unsigned char>(r.element_stride[d]);
    }
}

inline bool decode_tensor_map(const unsigned char in[TensorMapRecord::kBytes], TensorMapRecord& r) {
    namespace L = tensor_map_layout;
    if (std::memcmp(in, TensorMapRecord::kMagic, 8) != 0) return false;
    r = TensorMapRecord{};
    r.rank = in[L::kRank];
    r.element_bytes = in[L::kElementBytes];
    r.swizzle = in[L::kSwizzle];
    r.interleave = in[L::kInterleave];
    if (r.rank < 1 || r.rank > 5 || r.swizzle > 3) return false;
    if (r.element_bytes != 1 && r.element_bytes != 2 && r.element_bytes != 4 && r.element_bytes != 8) return false;
    std::memcpy(&r.global_address, in + L::kAddress, 8);
    for (unsigned d = 0; d < 5; ++d) {
        std::uint32_t dim = 0;
        std::uint16_t box = 0;
        std::memcpy(&dim, in + L::kGlobalDim + 4 * d, 4);
        r.global_dim[d] = dim;
        if (d >= 1) std::memcpy(&r.global_stride[d], in + L::kGlobalStride + 8 * (d - 1), 8);
        std::memcpy(&box, in + L::kBoxDim + 2 * d, 2);
        r.box_dim[d] = box;
        r.element_stride[d] = in[L::kElementStride + d];
        if (d < r.rank && (box == 0 || box > 256 || dim == 0 || r.element_stride[d] == 0)) return false;
    }
    return true;
}

}  // namespace stcsim::isa::sass
