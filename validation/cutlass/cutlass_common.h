// What cutlass_gemm (CUTLASS 2.x, sm_80) and cutlass3_gemm (CUTLASS 3.x, sm_90a) share: the device
// addresses of the buffers in a launch built without a GPU, and the generator of their exact inputs.
// Header-only, host code, no CUTLASS.
#pragma once

#include <cstdint>

namespace stcsim::cutlass_common {

// Buffers of a traced launch: distinct, 4 GiB apart, 16-byte (and TMA's 128-byte) aligned.
inline constexpr std::uint64_t kAddressA = 0x0000700000000000ull;
inline constexpr std::uint64_t kAddressB = 0x0000700100000000ull;
inline constexpr std::uint64_t kAddressE = 0x0000700200000000ull;  // sparse metadata
inline constexpr std::uint64_t kAddressD = 0x0000700300000000ull;
inline constexpr std::uint64_t kAddressC = 0x0000700400000000ull;  // cutlass_gemm reads C from D

// Inputs of `run`: small integers, exact in f16 and bf16, whose f32 sums are exact, so the
// kernel's D must equal the reference exactly.
struct Rng {
    std::uint64_t s;
    std::uint32_t next() {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::uint32_t>(s >> 33);
    }
    int small() { return static_cast<int>(next() % 5) - 2; }  // -2..2
    int nonzero() {                                           // -2, -1, 1, 2
        const int v = static_cast<int>(next() % 4) - 2;
        return v >= 0 ? v + 1 : v;
    }
};

}  // namespace stcsim::cutlass_common
