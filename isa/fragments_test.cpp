#include "isa/fragments.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace stcsim::isa {
namespace {

std::vector<MmaForm> every_form() {
    std::vector<MmaForm> forms;
    for (const MmaForm& f : catalog(Arch::sm_90))
        if (f.sparse != SparseKind::sp_ordered && !f.satfinite) forms.push_back(f);
    return forms;
}

// Every element of every operand sits in exactly one (lane, register, sub-element) and the two
// mappings invert each other.
TEST(Fragments, EveryOperandLayoutIsABijection) {
    for (const MmaForm& form : every_form()) {
        for (Operand op : {Operand::A, Operand::B, Operand::C, Operand::D}) {
            const int rows = operand_rows(form, op), cols = operand_cols(form, op);
            const int per_reg = elements_per_register(form, op);
            ASSERT_EQ(kWarpSize * operand_registers(form, op) * per_reg, rows * cols) << form.ptx;
            std::set<std::pair<int, int>> seen;
            for (int lane = 0; lane < kWarpSize; ++lane)
                for (int reg = 0; reg < operand_registers(form, op); ++reg)
                    for (int sub = 0; sub < per_reg; ++sub) {
                        const FragmentSlot slot{lane, reg, sub};
                        const MatrixCoord at = element_coord(form, op, slot);
                        ASSERT_TRUE(at.row >= 0 && at.row < rows && at.col >= 0 && at.col < cols)
                            << form.ptx << " operand " << static_cast<int>(op);
                        EXPECT_TRUE(seen.insert({at.row, at.col}).second) << form.ptx;
                        EXPECT_EQ(element_slot(form, op, at), slot) << form.ptx;
                    }
        }
    }
}

TEST(Fragments, MatchesThePtxTablesOnSpotChecks) {
    const MmaForm f16 = parse_mma("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", Arch::sm_80);
    // PTX: a4,a5 (reg 2) of lane 5 hold row g=1, cols 2t+8 = 10, 11.
    EXPECT_EQ(element_coord(f16, Operand::A, {5, 2, 1}), (MatrixCoord{1, 11}));
    // PTX: b2,b3 (reg 1) of lane 6: k = 2t + 8 = 12, 13; n = g = 1.
    EXPECT_EQ(element_coord(f16, Operand::B, {6, 1, 0}), (MatrixCoord{12, 1}));
    // PTX: c2,c3 (regs 2, 3) of lane 7: row g+8 = 9, cols 2t = 6, 7.
    EXPECT_EQ(element_coord(f16, Operand::C, {7, 3, 0}), (MatrixCoord{9, 7}));
    const MmaForm h = parse_mma("mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16", Arch::sm_80);
    EXPECT_EQ(element_coord(h, Operand::D, {7, 1, 1}), (MatrixCoord{9, 7}));
    const MmaForm i8 = parse_mma("mma.sync.aligned.m8n8k16.row.col.s32.s8.s8.s32", Arch::sm_80);
    EXPECT_EQ(element_coord(i8, Operand::A, {6, 0, 3}), (MatrixCoord{1, 11}));
    EXPECT_EQ(element_coord(i8, Operand::C, {6, 1, 0}), (MatrixCoord{1, 5}));
}

// The worked examples of mma-sp-isa.md §3.5.
TEST(Fragments, WorkedExamplesOfTheIsaReference) {
    const MmaForm f16 = parse_mma("mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32", Arch::sm_80);
    const MetadataSlot meta = metadata_slot(f16, 0, 3, 5);
    EXPECT_EQ(meta.lane, 13);
    EXPECT_EQ(meta.bit, 4);
    EXPECT_EQ(element_slot(f16, Operand::A, {3, 10}), (FragmentSlot{13, 2, 0}));
    EXPECT_EQ(element_slot(f16, Operand::A, {3, 11}), (FragmentSlot{13, 2, 1}));

    const MmaForm s8 = parse_mma("mma.sp.sync.aligned.m16n8k64.row.col.s32.s8.s8.s32", Arch::sm_80);
    const MetadataSlot meta8 = metadata_slot(s8, 0, 11, 12);
    EXPECT_EQ(meta8.lane, 15);
    EXPECT_EQ(meta8.bit, 16);
    EXPECT_EQ(element_slot(s8, Operand::A, {11, 24}), (FragmentSlot{14, 3, 0}));
    EXPECT_EQ(element_slot(s8, Operand::A, {11, 25}), (FragmentSlot{14, 3, 1}));
}

// Every chunk's nibble has its own place, inside the lanes that the selector names.
TEST(Fragments, MetadataNibblesAreDistinctAndInTheSelectedLanes) {
    for (const MmaForm& form : every_form()) {
        if (!form.is_sparse()) continue;
        const int chunks = form.shape.k / metadata_chunk_width(form);
        const int lanes_per_group = 4 / form.selector_count;
        for (int sel = 0; sel < form.selector_count; ++sel) {
            std::set<std::pair<int, int>> seen;
            for (int row = 0; row < form.shape.m; ++row)
                for (int chunk = 0; chunk < chunks; ++chunk) {
                    const MetadataSlot slot = metadata_slot(form, sel, row, chunk);
                    EXPECT_EQ(slot.lane >> 2, row & 7) << form.ptx;
                    const int offset = (slot.lane & 3) - sel * lanes_per_group;
                    EXPECT_TRUE(offset >= 0 && offset < lanes_per_group) << form.ptx << " sel " << sel;
                    EXPECT_TRUE(slot.bit >= 0 && slot.bit <= 28 && slot.bit % 4 == 0);
                    EXPECT_TRUE(seen.insert({slot.lane, slot.bit}).second) << form.ptx;
                    EXPECT_TRUE(metadata_lane_used(form, sel, slot.lane));
                }
            // All 32 bits of every used lane carry metadata.
            EXPECT_EQ(static_cast<int>(seen.size()), 8 * lanes_per_group * 8) << form.ptx;
        }
    }
}

}  // namespace
}  // namespace stcsim::isa
