#include "isa/catalog.h"

#include <gtest/gtest.h>

#include <set>

#include "common/errors.h"

namespace stcsim::isa {
namespace {

TEST(Catalog, ParsesTheSparseF16Form) {
    const MmaForm f = parse_mma("mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32", Arch::sm_80);
    EXPECT_EQ(f.shape, (Shape{16, 8, 32}));
    EXPECT_EQ(f.sparse, SparseKind::sp);
    EXPECT_EQ(f.a_regs, 4);
    EXPECT_EQ(f.b_regs, 4);
    EXPECT_EQ(f.c_regs, 4);
    EXPECT_EQ(f.selector_count, 2);
    EXPECT_EQ(f.sass, "HMMA.SP.16832.F32");
    EXPECT_EQ(f.dense_fma_count(), 4096);
    EXPECT_EQ(f.stored_a_cols(), 16);
}

TEST(Catalog, RegisterCountsMatchTheIsaTable) {
    struct Row { const char* ptx; int a, b, cd, sel; };
    const Row rows[] = {
        {"mma.sp.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16", 2, 2, 2, 4},
        {"mma.sp.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32", 2, 2, 4, 4},
        {"mma.sp.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32", 2, 2, 4, 4},
        {"mma.sp.sync.aligned.m16n8k16.row.col.f32.tf32.tf32.f32", 4, 4, 4, 2},
        {"mma.sp.sync.aligned.m16n8k32.row.col.s32.s8.u8.s32", 2, 2, 4, 2},
        {"mma.sp.sync.aligned.m16n8k64.row.col.satfinite.s32.u8.u8.s32", 4, 4, 4, 1},
        {"mma.sp.sync.aligned.m16n8k64.row.col.s32.s4.s4.s32", 2, 2, 4, 2},
        {"mma.sp::ordered_metadata.sync.aligned.m16n8k128.row.col.s32.u4.s4.s32", 4, 4, 4, 1},
        {"mma.sp.sync.aligned.m16n8k64.row.col.f32.e4m3.e5m2.f32", 4, 4, 4, 1},
        {"mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", 4, 2, 4, 0},
        {"mma.sync.aligned.m8n8k16.row.col.s32.s8.s8.s32", 1, 1, 2, 0},
        {"mma.sync.aligned.m16n8k4.row.col.f32.tf32.tf32.f32", 2, 1, 4, 0},
    };
    for (const Row& row : rows) {
        const MmaForm f = parse_mma(row.ptx, Arch::sm_89);
        EXPECT_EQ(f.a_regs, row.a) << row.ptx;
        EXPECT_EQ(f.b_regs, row.b) << row.ptx;
        EXPECT_EQ(f.d_regs, row.cd) << row.ptx;
        EXPECT_EQ(f.selector_count, row.sel) << row.ptx;
    }
}

TEST(Catalog, AcceptsSatfiniteAtTheEndAsPtxasDoes) {
    const MmaForm f = parse_mma("mma.sp.sync.aligned.m16n8k64.row.col.s32.s8.s8.s32.satfinite", Arch::sm_80);
    EXPECT_TRUE(f.satfinite);
    EXPECT_EQ(f.sass, "IMMA.SP.16864.S8.S8.SAT");
}

void expect_rejected(const char* ptx, Arch arch, const std::string& reason_fragment) {
    try {
        parse_mma(ptx, arch);
        ADD_FAILURE() << ptx << " was accepted";
    } catch (const UserError& error) {
        EXPECT_NE(std::string(error.what()).find(reason_fragment), std::string::npos)
            << "message: " << error.what();
    }
}

TEST(Catalog, RejectsIllegalFormsWithTheReason) {
    expect_rejected("mma.sp.sync.aligned.m16n8k64.row.col.f32.e4m3.e4m3.f32", Arch::sm_80, "needs sm_89");
    expect_rejected("mma.sp.sync.aligned.m16n8k64.row.col.f16.e4m3.e4m3.f16", Arch::sm_89, "cannot produce .f16");
    expect_rejected("mma.sp.sync.aligned.m16n8k32.row.col.f16.bf16.bf16.f32", Arch::sm_80, "cannot produce .f16");
    expect_rejected("mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f16", Arch::sm_80, ".ctype equal to .dtype");
    expect_rejected("mma.sync.aligned.m16n8k8.row.col.f16.f16.f16.f32", Arch::sm_80, ".ctype equal to .dtype");
    expect_rejected("mma.sp.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32", Arch::sm_80, "legal: m16n8k16, m16n8k32");
    expect_rejected("mma.sync.aligned.m16n8k16.row.col.satfinite.f32.f16.f16.f32", Arch::sm_80, ".satfinite");
    expect_rejected("mma.sync.aligned.m16n8k16.col.row.f32.f16.f16.f32", Arch::sm_80, ".row.col");
    expect_rejected("mma.sync.aligned.m16n8k16.row.col.f32.f16.bf16.f32", Arch::sm_80, "one family");
    expect_rejected("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16", Arch::sm_80, "four types");
    expect_rejected("mma.sync.aligned.m8n8k4.row.col.f32.f16.f16.f32", Arch::sm_80, "not modelled");
    expect_rejected("wmma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", Arch::sm_80, "starting with 'mma'");
    expect_rejected("mma.sp.sync.aligned.m16n8k32.row.col.f32.s8.f16.f32", Arch::sm_80, "one family");
}

TEST(Catalog, EveryCatalogFormParsesBackToItself) {
    for (Arch arch : kAllArchs) {
        std::set<std::string> names;
        for (const MmaForm& form : catalog(arch)) {
            EXPECT_TRUE(names.insert(form.ptx).second) << "duplicate " << form.ptx;
            const MmaForm again = parse_mma(form.ptx, arch);
            EXPECT_EQ(again.ptx, form.ptx);
            EXPECT_EQ(again.sass, form.sass);
        }
        EXPECT_FALSE(names.empty());
    }
}

TEST(Catalog, Fp8FormsAppearFromSm89) {
    auto count_fp8 = [](Arch arch) {
        int n = 0;
        for (const MmaForm& f : catalog(arch)) n += (f.a == ElemType::e4m3 || f.a == ElemType::e5m2);
        return n;
    };
    EXPECT_EQ(count_fp8(Arch::sm_80), 0);
    EXPECT_EQ(count_fp8(Arch::sm_86), 0);
    // dense: 4 type mixes x 2 shapes x 2 accumulators; sparse: 4 mixes x 2 metadata rules
    EXPECT_EQ(count_fp8(Arch::sm_89), 16 + 8);
    EXPECT_EQ(count_fp8(Arch::sm_90), 24);
}

}  // namespace
}  // namespace stcsim::isa
