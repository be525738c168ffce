// Register fragments of the warp-group MMA (PTX ISA §9.7.15.5.1.1 and §9.7.15.6.2): which of the
// 128 threads and which register holds which element of A (when A comes from registers), of the
// accumulator D, and where a sparse A chunk's metadata nibble sits.
//
// Warp w = lane / 32 of the warp group owns rows 16w..16w+15. Inside its slice a warp uses the
// warp-level layouts of the m16n8kK form with the same K and types (warp_slice_form):
//  - A (dense 64 x K, or packed 64 x K/2 for .sp): the slice form's A fragment, 4 registers.
//  - D (64 x N): N/8 blocks of 8 columns; block j is the slice form's C/D fragment, in registers
//    j*R .. j*R+R-1 (R = 4 for 32-bit D, 2 for f16 D).
//  - metadata: the slice form's per-warp metadata layout (the PTX shows the same figures).
// These are the PTX figures 148-153 and 175-181 (and CuTe's GMMA ALayout/CLayout/ELayout agree).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "isa/fragments.h"
#include "isa/matrix.h"
#include "isa/wgmma_catalog.h"

namespace stcsim::isa {

// One operand's registers across the warp group.
struct WarpgroupFragment {
    int regs_per_lane = 0;
    std::vector<std::uint32_t> words;  // words[lane * regs_per_lane + reg]

    WarpgroupFragment() = default;
    explicit WarpgroupFragment(int regs)
        : regs_per_lane(regs), words(static_cast<std::size_t>(kWarpgroupSize * regs), 0u) {}
    std::uint32_t& at(int lane, int reg) { return words[index(lane, reg)]; }
    std::uint32_t at(int lane, int reg) const { return words[index(lane, reg)]; }
    bool operator==(const WarpgroupFragment&) const = default;

private:
    std::size_t index(int lane, int reg) const { return static_cast<std::size_t>(lane * regs_per_lane + reg); }
};

enum class WgmmaOperand { A, D };

// Slot <-> element of A (stored columns: K/2 for .sp) or D; lane is 0..127.
MatrixCoord wgmma_element_coord(const WgmmaForm& form, WgmmaOperand operand, FragmentSlot slot);
FragmentSlot wgmma_element_slot(const WgmmaForm& form, WgmmaOperand operand, MatrixCoord coord);
int wgmma_registers(const WgmmaForm& form, WgmmaOperand operand);  // A: 4 (from registers), D: d_regs

WarpgroupFragment wgmma_to_fragment(const WgmmaForm& form, WgmmaOperand operand, const Matrix& matrix);
Matrix wgmma_from_fragment(const WgmmaForm& form, WgmmaOperand operand, const WarpgroupFragment& fragment);

// Where the metadata nibble of chunk `chunk` of A row `row` (0..63) lives for `selector`: lane
// (0..127) and lowest bit of that lane's sp-meta register.
MetadataSlot wgmma_metadata_slot(const WgmmaForm& form, int selector, int row, int chunk);

using WarpgroupMetadata = std::array<std::uint32_t, kWarpgroupSize>;

// A logical sparse A (64 x K, satisfying its pattern; UserError otherwise) compressed into the
// stored 64 x K/2 values and the sp-meta registers of the lanes `selector` names (others 0).
struct PackedWgmmaA {
    Matrix values;
    WarpgroupMetadata metadata{};
};
PackedWgmmaA pack_wgmma_sparse_a(const WgmmaForm& form, const Matrix& logical_a, int selector);

}  // namespace stcsim::isa
