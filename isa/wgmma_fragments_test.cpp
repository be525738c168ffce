#include "isa/wgmma_fragments.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "isa/sparsity.h"

namespace stcsim::isa {
namespace {

WgmmaForm form(const char* ptx) { return parse_wgmma(ptx, Arch::sm_90a, WgmmaSource::registers); }

const char* const kForms[] = {
    "wgmma.mma_async.sync.aligned.m64n8k16.f32.f16.f16",     "wgmma.mma_async.sync.aligned.m64n24k16.f16.f16.f16",
    "wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16", "wgmma.mma_async.sync.aligned.m64n40k8.f32.tf32.tf32",
    "wgmma.mma_async.sync.aligned.m64n16k32.s32.s8.u8",      "wgmma.mma_async.sync.aligned.m64n72k32.f16.e4m3.e4m3",
    "wgmma.mma_async.sp.sync.aligned.m64n8k32.f32.f16.f16",  "wgmma.mma_async.sp.sync.aligned.m64n16k16.f32.tf32.tf32",
    "wgmma.mma_async.sp.sync.aligned.m64n48k64.s32.u8.u8",   "wgmma.mma_async.sp.sync.aligned.m64n8k64.f16.e5m2.e4m3",
};

// Every (lane, register, element) of the 128 threads names a distinct element inside the matrix,
// all of them are covered, and slot and coordinate are inverse maps.
TEST(WgmmaFragments, EverySlotMapsToADistinctElementCoveringTheMatrix) {
    for (const char* ptx : kForms) {
        const WgmmaForm f = form(ptx);
        for (WgmmaOperand op : {WgmmaOperand::A, WgmmaOperand::D}) {
            const ElemType type = op == WgmmaOperand::A ? f.a : f.d;
            const int cols = op == WgmmaOperand::A ? f.stored_a_cols() : f.shape.n;
            const int per_reg = 32 / container_bits(type);
            std::set<std::pair<int, int>> seen;
            for (int lane = 0; lane < kWarpgroupSize; ++lane)
                for (int reg = 0; reg < wgmma_registers(f, op); ++reg)
                    for (int sub = 0; sub < per_reg; ++sub) {
                        const MatrixCoord c = wgmma_element_coord(f, op, {lane, reg, sub});
                        ASSERT_TRUE(c.row >= 0 && c.row < 64 && c.col >= 0 && c.col < cols) << ptx;
                        EXPECT_TRUE(seen.insert({c.row, c.col}).second) << ptx << " lane " << lane << " reg " << reg;
                        EXPECT_EQ(wgmma_element_slot(f, op, c), (FragmentSlot{lane, reg, sub})) << ptx;
                    }
            EXPECT_EQ(static_cast<int>(seen.size()), 64 * cols) << ptx;
        }
    }
}

// Points read off the PTX figures: warp w holds rows 16w.., group g = lane%32/4, t = lane%4.
TEST(WgmmaFragments, MatchesThePtxFigures) {
    const WgmmaForm f32 = form("wgmma.mma_async.sync.aligned.m64n24k16.f32.f16.f16");
    // Figure 149 (D, .f32): d0,d1 at row g, cols 2t,2t+1; d2,d3 at row g+8; then every 8 columns.
    EXPECT_EQ(wgmma_element_coord(f32, WgmmaOperand::D, {37, 0, 0}), (MatrixCoord{17, 2}));
    EXPECT_EQ(wgmma_element_coord(f32, WgmmaOperand::D, {37, 5, 0}), (MatrixCoord{17, 11}));
    EXPECT_EQ(wgmma_element_coord(f32, WgmmaOperand::D, {37, 10, 0}), (MatrixCoord{25, 18}));
    // Figure 148 (A, .f16): a0..a7 in four registers: (g, 2t..), (g+8, 2t..), (g, 8+2t..), (g+8, 8+2t..).
    EXPECT_EQ(wgmma_element_coord(f32, WgmmaOperand::A, {100, 3, 1}), (MatrixCoord{57, 9}));
    EXPECT_EQ(wgmma_element_coord(f32, WgmmaOperand::A, {127, 0, 0}), (MatrixCoord{55, 6}));
    // Figure 149 (D, .f16): one f16x2 register per row half per 8 columns.
    const WgmmaForm f16 = form("wgmma.mma_async.sync.aligned.m64n24k16.f16.f16.f16");
    EXPECT_EQ(wgmma_element_coord(f16, WgmmaOperand::D, {66, 3, 1}), (MatrixCoord{32 + 8, 8 + 5}));
    // Figure 150 (A, .tf32): a0 (g, t), a1 (g+8, t), a2 (g, t+4), a3 (g+8, t+4).
    const WgmmaForm tf32 = form("wgmma.mma_async.sync.aligned.m64n8k8.f32.tf32.tf32");
    EXPECT_EQ(wgmma_element_coord(tf32, WgmmaOperand::A, {9, 2, 0}), (MatrixCoord{2, 5}));
    // Figure 152 (A, 8-bit): four bytes per register, (g, 4t..4t+3), (g+8, ..), (g, 16+4t..), (g+8, ..).
    const WgmmaForm s8 = form("wgmma.mma_async.sync.aligned.m64n8k32.s32.s8.s8");
    EXPECT_EQ(wgmma_element_coord(s8, WgmmaOperand::A, {43, 3, 2}), (MatrixCoord{16 + 2 + 8, 16 + 12 + 2}));
}

// CuTe's GMMA layouts (mma_traits_sm90_gmma.hpp) as (thread, value) -> column-major index of
// the 64-row matrix: C 64xN ((4,8,4),(2,2,N/8)):((128,1,16),(64,8,512)) and A 64x16 (16-bit,
// registers) ((4,8,4),(2,2,2)):((128,1,16),(64,8,512)); value v is element v of the thread's
// fragment in PTX order (register v/E, element v%E).
TEST(WgmmaFragments, MatchesCuteThreadValueLayouts) {
    const auto cute = [](int thread, int value) {
        const int t0 = thread % 4, t1 = thread / 4 % 8, t2 = thread / 32;
        const int v0 = value % 2, v1 = value / 2 % 2, v2 = value / 4;
        const int index = 128 * t0 + t1 + 16 * t2 + 64 * v0 + 8 * v1 + 512 * v2;
        return MatrixCoord{index % 64, index / 64};
    };
    const WgmmaForm f32 = form("wgmma.mma_async.sync.aligned.m64n40k16.f32.f16.f16");
    const WgmmaForm f16 = form("wgmma.mma_async.sync.aligned.m64n40k16.f16.f16.f16");
    for (int thread = 0; thread < 128; ++thread) {
        for (int value = 0; value < 40 / 2; ++value) {
            EXPECT_EQ(wgmma_element_coord(f32, WgmmaOperand::D, {thread, value, 0}), cute(thread, value));
            EXPECT_EQ(wgmma_element_coord(f16, WgmmaOperand::D, {thread, value / 2, value % 2}), cute(thread, value));
        }
        for (int value = 0; value < 8; ++value)
            EXPECT_EQ(wgmma_element_coord(f32, WgmmaOperand::A, {thread, value / 2, value % 2}), cute(thread, value));
    }
}

// The metadata of rows 16w..16w+15 sits in warp w (PTX §9.7.15.6.2), as mma.sp lays it out there.
TEST(WgmmaFragments, MetadataOfEachSixteenRowsSitsInItsWarp) {
    const WgmmaForm f = form("wgmma.mma_async.sp.sync.aligned.m64n8k32.f32.f16.f16");
    const MmaForm mma = parse_mma("mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32", Arch::sm_90a);
    for (int selector : {0, 1})
        for (int row = 0; row < 64; ++row)
            for (int chunk = 0; chunk < 8; ++chunk) {
                const MetadataSlot w = wgmma_metadata_slot(f, selector, row, chunk);
                const MetadataSlot m = metadata_slot(mma, selector, row % 16, chunk);
                EXPECT_EQ(w.lane, m.lane + 32 * (row / 16));
                EXPECT_EQ(w.bit, m.bit);
            }
}

// Packing a sparse A and reading the nibbles back through the slots gives the logical matrix.
TEST(WgmmaFragments, PackedSparseAUnpacksToTheLogicalMatrix) {
    for (const char* ptx : {"wgmma.mma_async.sp.sync.aligned.m64n8k32.f32.f16.f16",
                            "wgmma.mma_async.sp.sync.aligned.m64n8k16.f32.tf32.tf32",
                            "wgmma.mma_async.sp.sync.aligned.m64n8k64.s32.s8.s8"}) {
        const WgmmaForm f = form(ptx);
        const SparsityPattern pattern = sparsity_pattern(f.a);
        std::mt19937 rng(7);
        Matrix dense(f.a, 64, f.shape.k);
        for (auto& bits : dense.bits) bits = static_cast<std::uint32_t>(rng() % 0x7f) + 1;
        const Matrix logical = prune_by_magnitude(dense, pattern);
        for (int selector = 0; selector < f.selector_count; ++selector) {
            const PackedWgmmaA packed = pack_wgmma_sparse_a(f, logical, selector);
            Matrix rebuilt(f.a, 64, f.shape.k);
            for (int row = 0; row < 64; ++row)
                for (int chunk = 0; chunk < f.shape.k / pattern.chunk_width; ++chunk) {
                    const MetadataSlot s = wgmma_metadata_slot(f, selector, row, chunk);
                    const auto pos = decode_nibble(packed.metadata[static_cast<std::size_t>(s.lane)] >> s.bit, pattern);
                    for (int i = 0; i < pos.count; ++i)
                        rebuilt.at(row, chunk * pattern.chunk_width + pos.position[static_cast<std::size_t>(i)]) =
                            packed.values.at(row, chunk * pattern.kept_per_chunk + i);
                }
            EXPECT_EQ(rebuilt, logical) << ptx << " selector " << selector;
        }
    }
}

}  // namespace
}  // namespace stcsim::isa
