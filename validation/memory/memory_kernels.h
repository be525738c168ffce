// Host-callable memory microbenchmarks (memory_bench): each runs one experiment on the current
// device and returns cycles measured with clock64 on the SM(s) that ran it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace stcsim::validation {

// One thread chases a cyclic chain of 32-bit indices laid `stride` bytes apart over `footprint`
// bytes of global memory (warmed once when the chain has at most 1M links); cycles per load.
double chase_latency_cycles(std::size_t footprint, std::size_t stride, int steps);

enum class Level { l1, l2, dram };
struct Bandwidth {
    double bytes_per_clk_per_sm = 0;  // mean over SMs of bytes read / clock64 cycles
    double gb_per_s = 0;              // all bytes / cudaEvent time
    std::size_t footprint = 0;
};
// One 1024-thread CTA per SM streams 16-byte loads: L1 (a 32 KB slice per CTA, read 64 times),
// L2 (ld.global.cg over half the L2, read 8 times), DRAM (ld.global.cs over 4x the L2, min 256 MB).
Bandwidth stream_bandwidth(Level level, int sm_count, int l2_bytes);

// ldmatrix .m8n8 .x1/.x2/.x4 (.trans): latency of a dependent chain in one warp, and cycles per
// instruction per SM with `warps` warps issuing 4 independent chains each.
double ldmatrix_latency_cycles(int x, bool trans, int steps);
double ldmatrix_cycles_per_instr(int x, bool trans, int warps, int steps);

// One warp, lane l loads 32-bit word l * stride_words of shared memory, `steps` dependent times.
double shared_access_cycles(int stride_words, int steps);

// Global stores of 8 bytes per lane (stores.cu says the layouts); the values are also the kernel's
// template argument, so `stcsim compare` finds store_kernel<pattern> by its mangled name.
enum class StorePattern : int { contiguous = 0, fragment_rows = 1 };
struct StoreTiming {
    long long steps = 0, cycles = 0, cycles_double = 0;  // the slowest warp's clock64 spans at steps and 2 x steps
};
// `ctas` CTAs of `warps` warps, each warp storing `steps` times (a multiple of 4).
StoreTiming store_throughput(StorePattern pattern, int ctas, int warps, int steps);

}  // namespace stcsim::validation
