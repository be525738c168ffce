#include "isa/wgmma_catalog.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/errors.h"

namespace stcsim::isa {
namespace {

TEST(WgmmaCatalog, ParsesTheSparseF16FormOfCuSparseLt) {
    const WgmmaForm f = parse_wgmma("wgmma.mma_async.sp.sync.aligned.m64n128k32.f32.f16.f16", Arch::sm_90a);
    EXPECT_EQ(f.shape, (Shape{64, 128, 32}));
    EXPECT_TRUE(f.sparse);
    EXPECT_EQ(f.sass, "HGMMA.SP.64x128x32.F32");
    EXPECT_EQ(f.dense_fma_count(), 64 * 128 * 32);
    EXPECT_EQ(f.issued_fma_count(), 64 * 128 * 16);
    EXPECT_EQ(f.d_regs, 64);  // PTX: N/2 .f32 registers
    EXPECT_EQ(f.metadata_regs, 1);
    EXPECT_EQ(f.selector_count, 2);
    EXPECT_EQ(f.a_source, WgmmaSource::shared);
    EXPECT_EQ(f.a_regs, 0);
    EXPECT_EQ(f.stored_a_cols(), 16);
    EXPECT_EQ(f.a_k_bytes(), 32);
    EXPECT_EQ(f.b_k_bytes(), 64);
    EXPECT_EQ(f.a_tile_bytes(), 64 * 16 * 2);   // packed 64 x 16 f16
    EXPECT_EQ(f.b_tile_bytes(), 128 * 32 * 2);  // 32 x 128 f16
    EXPECT_TRUE(f.transpose_allowed);
    EXPECT_EQ(f.min_ptx_isa, 82);
    const WgmmaForm r = parse_wgmma(f.ptx, Arch::sm_90a, WgmmaSource::registers);
    EXPECT_EQ(r.a_regs, 4);  // PTX: four .b32 registers of packed A
}

TEST(WgmmaCatalog, RegisterCountsAndSassNamesFollowThePtxTables) {
    struct Row { const char* ptx; int d_regs; int selectors; const char* sass; };
    const Row rows[] = {
        {"wgmma.mma_async.sync.aligned.m64n256k16.f16.f16.f16", 64, 0, "HGMMA.64x256x16.F16"},
        {"wgmma.mma_async.sync.aligned.m64n8k16.f32.bf16.bf16", 4, 0, "HGMMA.64x8x16.F32.BF16"},
        {"wgmma.mma_async.sync.aligned.m64n64k8.f32.tf32.tf32", 32, 0, "HGMMA.64x64x8.F32.TF32"},
        {"wgmma.mma_async.sync.aligned.m64n128k32.f16.e4m3.e5m2", 32, 0, "QGMMA.64x128x32.F16.E4M3.E5M2"},
        {"wgmma.mma_async.sync.aligned.m64n48k32.satfinite.s32.s8.u8", 24, 0, "IGMMA.64x48x32.S8.U8.SAT"},
        {"wgmma.mma_async.sp.sync.aligned.m64n128k64.s32.u8.u8", 64, 1, "IGMMA.SP.64x128x64.U8.U8"},
        {"wgmma.mma_async.sp.sync.aligned.m64n16k16.f32.tf32.tf32", 8, 2, "HGMMA.SP.64x16x16.F32.TF32"},
        {"wgmma.mma_async.sp.sync.aligned.m64n32k64.f32.e5m2.e4m3", 16, 1, "QGMMA.SP.64x32x64.F32.E5M2.E4M3"},
    };
    for (const Row& row : rows) {
        const WgmmaForm f = parse_wgmma(row.ptx, Arch::sm_90a);
        EXPECT_EQ(f.ptx, row.ptx);
        EXPECT_EQ(f.d_regs, row.d_regs) << row.ptx;
        EXPECT_EQ(f.selector_count, row.selectors) << row.ptx;
        EXPECT_EQ(f.sass, row.sass) << row.ptx;
    }
    // .satfinite is also accepted at the end, as for mma.
    EXPECT_TRUE(parse_wgmma("wgmma.mma_async.sync.aligned.m64n16k32.s32.s8.s8.satfinite", Arch::sm_90a).satfinite);
}

// Counts from the PTX syntax tables, per A source: 32 N values for floating types, 18 for
// integers; f16 2 D types, bf16 and tf32 1, fp8 2x2 A/B types x 2 D types, int8 2x2 x 2 (.satfinite).
TEST(WgmmaCatalog, ListsEveryFormOnSm90aAndNoneElsewhere) {
    const auto forms = wgmma_catalog(Arch::sm_90a);
    const int per_sparsity = 32 * 2 + 32 + 32 + 32 * 8 + 18 * 8;  // 528
    EXPECT_EQ(static_cast<int>(forms.size()), per_sparsity * 2 * 2);
    std::set<std::pair<std::string, WgmmaSource>> unique;
    std::map<std::string, int> by_opcode;
    for (const WgmmaForm& f : forms) {
        unique.insert({f.ptx, f.a_source});
        by_opcode[f.sass.substr(0, 5)]++;
        EXPECT_EQ(parse_wgmma(f.ptx, Arch::sm_90a, f.a_source).sass, f.sass);
        EXPECT_EQ(f.a_regs, f.a_source == WgmmaSource::registers ? 4 : 0) << f.ptx;
    }
    EXPECT_EQ(unique.size(), forms.size());
    EXPECT_EQ(by_opcode["HGMMA"], 4 * 32 * 4);
    EXPECT_EQ(by_opcode["QGMMA"], 4 * 32 * 8);
    EXPECT_EQ(by_opcode["IGMMA"], 4 * 18 * 8);
    for (Arch arch : {Arch::sm_80, Arch::sm_86, Arch::sm_89, Arch::sm_90}) EXPECT_TRUE(wgmma_catalog(arch).empty());
}

void expect_rejected(const char* ptx, Arch arch, const std::string& fragment) {
    try {
        parse_wgmma(ptx, arch);
        ADD_FAILURE() << ptx << " was accepted";
    } catch (const UserError& error) {
        EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
    }
}

TEST(WgmmaCatalog, RejectsIllegalFormsAndArchitecturesWithoutWgmma) {
    const char* ok = "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16";
    expect_rejected(ok, Arch::sm_90, "needs sm_90a, not sm_90");
    expect_rejected(ok, Arch::sm_80, "needs sm_90a, not sm_80");
    expect_rejected("wgmma.mma_async.sync.aligned.m64n40k32.s32.s8.s8", Arch::sm_90a, "no N = 40");
    expect_rejected("wgmma.mma_async.sync.aligned.m64n264k16.f32.f16.f16", Arch::sm_90a, "no N = 264");
    expect_rejected("wgmma.mma_async.sync.aligned.m64n12k16.f32.f16.f16", Arch::sm_90a, "no N = 12");
    expect_rejected("wgmma.mma_async.sync.aligned.m64n64k32.f32.f16.f16", Arch::sm_90a, "m64nNk16");
    expect_rejected("wgmma.mma_async.sp.sync.aligned.m64n64k16.f32.f16.f16", Arch::sm_90a, "m64nNk32");
    expect_rejected("wgmma.mma_async.sync.aligned.m32n64k16.f32.f16.f16", Arch::sm_90a, "m64nNk16");
    expect_rejected("wgmma.mma_async.sync.aligned.m64n64k16.f16.bf16.bf16", Arch::sm_90a, "cannot produce .f16");
    expect_rejected("wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.bf16", Arch::sm_90a, "one family");
    expect_rejected("wgmma.mma_async.sync.aligned.m64n64k32.f32.e4m3.s8", Arch::sm_90a, "one family");
    expect_rejected("wgmma.mma_async.sync.aligned.m64n64k16.satfinite.f32.f16.f16", Arch::sm_90a, "integer");
    expect_rejected("wgmma.mma_async.sync.aligned.m64n64k64.s32.s4.s4", Arch::sm_90a, "not a wgmma A/B type");
    expect_rejected("wgmma.mma_async.sp::ordered_metadata.sync.aligned.m64n64k32.f32.f16.f16", Arch::sm_90a, "no ::ordered_metadata");
    expect_rejected("wgmma.mma_async.aligned.m64n64k16.f32.f16.f16", Arch::sm_90a, "expected '.sync'");
    expect_rejected("wgmma.mma_async.sync.aligned.m64n64k16.f32.f16", Arch::sm_90a, "three types");
    expect_rejected("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", Arch::sm_90a, "wgmma.mma_async");
}

TEST(WgmmaCatalog, Sm90aKeepsEveryWarpLevelFormOfSm90) {
    const auto sm90 = catalog(Arch::sm_90), sm90a = catalog(Arch::sm_90a);
    ASSERT_EQ(sm90.size(), sm90a.size());
    for (std::size_t i = 0; i < sm90.size(); ++i) {
        EXPECT_EQ(sm90[i].ptx, sm90a[i].ptx);
        EXPECT_EQ(sm90[i].sass, sm90a[i].sass);
        EXPECT_EQ(sm90[i].emulated, sm90a[i].emulated);
    }
    EXPECT_EQ(parse_arch("sm_90a"), Arch::sm_90a);
    EXPECT_TRUE(is_wgmma_name("wgmma.mma_async.sync.aligned.m64n8k16.f32.f16.f16"));
    EXPECT_FALSE(is_wgmma_name("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32"));
}

}  // namespace
}  // namespace stcsim::isa
