// The catalog of Hopper's warp-group MMA: every `wgmma.mma_async` and `wgmma.mma_async.sp` form
// of sm_90a (PTX ISA §9.7.15.5 and §9.7.15.6), and the parser of their PTX names.
//
// A warp group is four consecutive warps (128 threads) that together compute D (64 x N) =
// A (64 x K) * B (K x N) + D. B is always read from shared memory through a 64-bit matrix
// descriptor (isa/wgmma_descriptor.h); A is read either from shared memory (a descriptor) or from
// registers. The PTX name does not say which (the operand does), so a form carries its A source
// and the catalog lists both. What the timing model may ask is here: shape, types, MAC count,
// sparse or not, operand sources and register counts, and the SASS opcode
// (HGMMA / IGMMA / QGMMA, e.g. `HGMMA.SP.64x128x32.F32`).
//
// Forms (N = 8..256 in steps of 8 unless noted):
//   dense  f16  k16 D f16|f32;  bf16 k16 D f32;  tf32 k8 D f32;
//          e4m3|e5m2 x e4m3|e5m2 k32 D f16|f32;  s8|u8 x s8|u8 k32 D s32 [.satfinite],
//          integer N in {8, 16, 24, 32, 48, 64, 80, ..., 256};
//   .sp    the same with K doubled (f16/bf16 k32, tf32 k16, 8-bit k64); A is 64 x K/2 packed.
// Not modelled: the b1 forms (m64nNk256 .and.popc).
// Immediates that are operands, not part of the name (isa/wgmma_execute.h): scale-d,
// imm-scale-a/b (negate; floating types only), imm-trans-a/b (f16/bf16 only, shared-memory
// operands only), the sparsity selector (0..1 for f16/bf16/tf32, 0 for 8-bit types).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "isa/arch.h"
#include "isa/catalog.h"
#include "isa/types.h"

namespace stcsim::isa {

inline constexpr int kWarpgroupSize = 128;
inline constexpr int kWgmmaM = 64;

enum class WgmmaSource { shared, registers };  // where A comes from; B is always shared

std::string_view name(WgmmaSource source);

struct WgmmaForm {
    std::string ptx;  // canonical PTX name (no A source in it)
    Shape shape;      // m64nNkK; k is the dense (logical) K, also for .sp
    bool sparse = false;
    ElemType a = ElemType::f16, b = ElemType::f16, d = ElemType::f32;  // D is also the accumulator
    bool satfinite = false;
    WgmmaSource a_source = WgmmaSource::shared;
    int a_regs = 0;         // 32-bit registers per thread for A from registers (4); 0 from shared
    int d_regs = 0;         // accumulator registers per thread: N/2 (32-bit D) or N/4 (f16 D)
    int metadata_regs = 0;  // 1 for .sp (sp-meta), else 0
    int selector_count = 0; // legal sparsity selectors 0..n-1; 0 for dense
    bool transpose_allowed = false;  // imm-trans-a (shared A) / imm-trans-b: f16 and bf16 only
    bool negate_allowed = false;     // imm-scale-a / imm-scale-b: floating-point types only
    Arch min_arch = Arch::sm_90a;
    int min_ptx_isa = 80;  // 8.0 dense, 8.2 .sp; mixed s8/u8 needs 8.4
    std::string sass;      // e.g. "HGMMA.SP.64x128x32.F32", "IGMMA.64x64x32.S8.U8.SAT"

    int stored_a_cols() const { return sparse ? shape.k / 2 : shape.k; }
    // Bytes of one A row / one B column along K as stored (always 32 for A; 32, or 64 for .sp B).
    int a_k_bytes() const { return stored_a_cols() * container_bits(a) / 8; }
    int b_k_bytes() const { return shape.k * container_bits(b) / 8; }
    // Shared-memory bytes an instruction reads for A (when from shared memory) and for B.
    int a_tile_bytes() const { return kWgmmaM * a_k_bytes(); }
    int b_tile_bytes() const { return shape.n * b_k_bytes(); }
    std::int64_t dense_fma_count() const { return std::int64_t{shape.m} * shape.n * shape.k; }
    // Multiplies the hardware performs: half the dense count for .sp.
    std::int64_t issued_fma_count() const { return sparse ? dense_fma_count() / 2 : dense_fma_count(); }
};

// True for a name that starts with "wgmma." (the dispatch test of tools and traces).
bool is_wgmma_name(std::string_view ptx);

// Parses e.g. "wgmma.mma_async.sp.sync.aligned.m64n128k32.f32.f16.f16" (".satfinite" accepted
// after the shape or at the end) for `arch`. UserError for an illegal form or an arch without
// wgmma (anything but sm_90a).
WgmmaForm parse_wgmma(std::string_view ptx, Arch arch, WgmmaSource a_source = WgmmaSource::shared);

// Every legal form on `arch` (both A sources), in a stable order; empty without wgmma.
std::vector<WgmmaForm> wgmma_catalog(Arch arch);

// The warp-level mma / mma.sp form whose fragments one warp's slice uses (m16n8kK, same K and
// types): wgmma's A register fragment, metadata and each 8-column block of D are laid out per
// warp as that form's A, metadata and C/D. Only its layout fields are meaningful.
MmaForm warp_slice_form(const WgmmaForm& form);

}  // namespace stcsim::isa
