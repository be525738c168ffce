// Trace generation for a tiled GEMM kernel of the structure CUTLASS uses on Ampere (sm_80
// "multistage" mainloop), with real addresses and register dependences:
//
//   CTA tile TM x TN x TK, warps tile it in WM x WN (each warp covers the whole TK), S stages.
//   prologue: for the first S-1 K tiles: cp.async (LDGSTS, 16 B per thread) of the A tile, the B
//             tile and, for sparse, the metadata tile E; LDGDEPBAR (commit); then DEPBAR.LE S-2 and
//             BAR.SYNC.
//   mainloop: per K tile, per instruction k-step: LDSM of the metadata (sparse, once per selector
//             group), LDSM of the A and B fragments, then the warp's (WM/16) x (WN/8) MMAs
//             (HMMA.16816.F32, HMMA.SP.16832.F32, ...): accumulators are sources and destinations,
//             a sparse MMA reads its metadata register and carries its selector as the immediate.
//             The loads of K tile kt+S-1 are issued after the first k-step; the tile ends with
//             LDGDEPBAR, DEPBAR.LE S-2, BAR.SYNC and the loop branch.
//   epilogue: STG of the accumulators to D.
// Layouts: A row-major (M x K; compressed M x K/2 when sparse); B row-major K x N for 16-bit types
// (fragments by LDSM.16.MT88, i.e. ldmatrix.trans) and column-major for tf32 and s8 (LDSM.16.M88);
// E in tile-blocked order (each CTA's M x K tile of metadata is contiguous, as CUTLASS's reordered
// layout makes it), M x K/8 bytes in all; shared memory tiles swizzled in 16-byte chunks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "isa/catalog.h"

namespace stcsim::trace {

// Bounds on the problem, so that a trace is never unbounded: each of M, N, K at most kMaxGemmDim,
// M * N * K at most kMaxGemmMacs (about 10^12 multiply-adds, a trace of some gigabytes).
inline constexpr std::int64_t kMaxGemmDim = std::int64_t{1} << 20;
inline constexpr std::int64_t kMaxGemmMacs = std::int64_t{1} << 40;

struct GemmTraceSpec {
    std::int64_t m = 0, n = 0, k = 0;
    std::string dtype = "f16";  // f16, bf16, tf32, s8
    std::string acc = "f32";    // f32, f16 (f16 inputs only), s32 (s8 only)
    bool sparse = false;
    isa::Shape tile{0, 0, 0};       // 0: the default for dtype and sparsity
    isa::Shape warp_tile{0, 0, 0};  // 0: 64 x 64 x tile K
    int stages = 3;
};

// The defaults filled in: tile 128 x 128 x (64 bytes of A per row: 32 f16, 16 tf32, 64 s8; twice
// that for sparse), warp tile 64 x 64 x tile K.
GemmTraceSpec with_defaults(GemmTraceSpec spec);

// The PTX form of the spec's MMA (mma / mma.sp, row.col) on sm_80. UserError when the types do not
// combine.
isa::MmaForm gemm_mma_form(const GemmTraceSpec& spec);

// UserError naming the first thing that is wrong: a tile that does not divide the problem, a warp
// tile that does not divide the CTA tile or the instruction shape, too many registers or too much
// shared memory for sm_80.
void validate(const GemmTraceSpec& spec);

struct GemmTraceResult {
    std::uint64_t mma_instructions = 0;
    std::uint64_t instructions = 0;
    std::uint64_t blocks = 0;
    std::uint32_t warps_per_block = 0;
    std::string mma_sass;
    std::string kernel_file;  // the path written
};

// Writes DIR/kernelslist.g and DIR/<kernel_file> (compressed by its extension). Streaming: memory
// holds one warp's instructions at a time.
// `progress`, when given, is called after each thread block with the blocks done and the total.
GemmTraceResult write_gemm_trace(const GemmTraceSpec& spec, const std::string& dir,
                                 const std::string& kernel_file = "kernel-1.traceg",
                                 const std::function<void(std::uint64_t done, std::uint64_t total)>& progress = {});

}  // namespace stcsim::trace
