// The warp-group form table and probe cases agree with the functional model: every row is a legal
// sm_90a form with the register counts isa/ gives it, the kernels' descriptor bits are the ones
// isa/ decodes, and every probe case is accepted (valid groups) or refused for its metadata
// (invalid groups) by isa::execute_wgmma exactly as `stcsim mma` will run it.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "isa/wgmma_execute.h"
#include "tools/wgmma_case.h"
#include "validation/wgmma/descriptor.h"
#include "validation/wgmma/probe_cases.h"
#include "validation/wgmma/wgmma_forms.h"

namespace stcsim::validation {
namespace {

isa::WgmmaSource isa_source(ASource s) {
    return s == ASource::registers ? isa::WgmmaSource::registers : isa::WgmmaSource::shared;
}

TEST(WgmmaForms, EveryRowIsTheIsaFormWithItsRegisters) {
    int bench = 0, probe = 0;
    for (const WgmmaFormInfo& f : wgmma_forms()) {
        for (ASource source : {ASource::shared, ASource::registers}) {
            const isa::WgmmaForm form = isa::parse_wgmma(f.ptx, isa::Arch::sm_90a, isa_source(source));
            EXPECT_EQ(form.ptx, f.ptx);
            EXPECT_EQ(form.shape.n, f.n) << f.ptx;
            EXPECT_EQ(form.shape.k, f.k) << f.ptx;
            EXPECT_EQ(form.sparse, f.sparse) << f.ptx;
            EXPECT_EQ(form.d_regs, f.d_regs) << f.ptx;
            EXPECT_EQ(form.selector_count, f.selectors) << f.ptx;
            EXPECT_EQ(form.a_k_bytes(), f.a_k_bytes()) << f.ptx;
            EXPECT_EQ(form.b_k_bytes(), f.b_k_bytes()) << f.ptx;
            if (source == ASource::registers) {
                EXPECT_EQ(form.a_regs, kWgmmaARegs) << f.ptx;
            }
        }
        EXPECT_EQ(find_wgmma_form(f.ptx), static_cast<int>(&f - wgmma_forms().data()));
        bench += f.bench ? 1 : 0;
        probe += f.probe ? 1 : 0;
    }
    // dense and .sp x (f16 -> f32, f16 -> f16, bf16, tf32, e4m3, s8) x N 64/128/256; probes at N 16 and 256.
    EXPECT_EQ(bench, 36);
    EXPECT_EQ(probe, 12 + 2);
    EXPECT_FALSE(find_wgmma_form("wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16.f32"));
}

TEST(WgmmaForms, KernelDescriptorsAreTheBitsIsaDecodes) {
    // Field layout by hand: start 0x400 >> 4 = 0x40, LBO 128 >> 4 = 8 at bit 16, SBO 256 >> 4 = 16 at
    // bit 32, swizzle 1 (128B) at bit 62.
    const DescriptorFields fields{0x400, 128, 256, 0, 1};
    EXPECT_EQ(make_descriptor(fields), 0x4000001000080040ull);
    const isa::MatrixDescriptor d = isa::decode_descriptor(make_descriptor(fields));
    EXPECT_EQ(d.start_address, 0x400u);
    EXPECT_EQ(d.leading_byte_offset, 128u);
    EXPECT_EQ(d.stride_byte_offset, 256u);
    EXPECT_EQ(d.swizzle, isa::Swizzle::b128);
    EXPECT_EQ(expected_descriptor({0x10, 128, 512, 0, 0}, 0x400), make_descriptor({0x410, 128, 512, 0, 0}));
    // The benchmark's plain layout: 8-row groups of K-contiguous core matrices.
    EXPECT_EQ(plain_k_major(0, 64).sbo, 512u);
    EXPECT_EQ(plain_tile_bytes(256, 64), 16384u);
}

// The case as the instruction sees it, with the image placed at `base`.
isa::WgmmaOperands operands(const WgmmaFormInfo& f, ASource source, const WgmmaProbeCase& pc, std::uint32_t base) {
    isa::WgmmaOperands ops;
    ops.smem.base = base;
    ops.smem.bytes = pc.image;
    if (source == ASource::registers) {
        ops.a = isa::WarpgroupFragment(kWgmmaARegs);
        ops.a.words = pc.a_regs;
    } else {
        ops.a_descriptor = expected_descriptor(pc.a_desc, base);
    }
    ops.b_descriptor = expected_descriptor(pc.b_desc, base);
    ops.d = isa::WarpgroupFragment(f.d_regs);
    ops.d.words = pc.c_regs;
    for (int t = 0; t < kWarpgroupThreads; ++t) ops.metadata[static_cast<std::size_t>(t)] = pc.e[static_cast<std::size_t>(t)];
    ops.selector = pc.selector;
    ops.imm.trans_a = pc.transposed && source == ASource::shared;
    ops.imm.trans_b = pc.transposed;
    return ops;
}

TEST(WgmmaProbeCases, ValidCasesRunAndInvalidOnesAreRefused) {
    for (const WgmmaFormInfo& f : wgmma_forms()) {
        if (!f.probe || f.n > 64) continue;  // the N = 256 cases are the same code, only larger
        for (ASource source : {ASource::shared, ASource::registers}) {
            const isa::WgmmaForm form = isa::parse_wgmma(f.ptx, isa::Arch::sm_90a, isa_source(source));
            const WgmmaProbeSet set = make_wgmma_probes(f, source, 11);
            int layouts = 0;
            for (const WgmmaProbeGroup& g : set.valid) {
                layouts += g.label.rfind("layout_", 0) == 0 ? 1 : 0;
                for (const WgmmaProbeCase& pc : g.cases) {
                    EXPECT_EQ(pc.image.size() % 16, 0u);
                    EXPECT_EQ(pc.c_regs.size(), static_cast<std::size_t>(kWarpgroupThreads * f.d_regs));
                    EXPECT_NO_THROW(isa::execute_wgmma(form, isa::Arch::sm_90a, operands(f, source, pc, 0x400)))
                        << f.ptx << " " << g.label;
                }
            }
            const bool f16 = f.a == Elem::f16 || f.a == Elem::bf16;
            EXPECT_EQ(layouts, 4 + (f16 ? (source == ASource::shared ? 2 : 1) : 0)) << f.ptx;
            EXPECT_EQ(set.invalid.empty(), !f.sparse) << f.ptx;
            for (const WgmmaProbeGroup& g : set.invalid)
                for (const WgmmaProbeCase& pc : g.cases) {
                    EXPECT_THROW(isa::execute_wgmma(form, isa::Arch::sm_90a, operands(f, source, pc, 0x400)), UserError)
                        << f.ptx << " " << g.label;
                    isa::ExecuteOptions mux;
                    mux.invalid_metadata = isa::InvalidMetadataMode::mux;
                    EXPECT_NO_THROW(isa::execute_wgmma(form, isa::Arch::sm_90a, operands(f, source, pc, 0x400), mux));
                }
        }
    }
}

// The files wgmma_probes writes, read back the way `stcsim compare` and `stcsim mma` read them: a
// case line through tools/wgmma_case.h gives the D that isa::execute_wgmma gives for the same
// operands, written by the program's own D writer (as the GPU's D would be).
TEST(WgmmaProbeCases, CaseAndResultLinesReadBackThroughStcsimMma) {
    const std::uint32_t base = 0x400;
    for (const WgmmaFormInfo& f : wgmma_forms()) {
        if (!f.probe || f.n > 64) continue;
        for (ASource source : {ASource::shared, ASource::registers}) {
            const isa::WgmmaForm form = isa::parse_wgmma(f.ptx, isa::Arch::sm_90a, isa_source(source));
            const WgmmaProbeSet set = make_wgmma_probes(f, source, 5);
            for (const WgmmaProbeGroup& g : set.valid) {
                const WgmmaProbeCase& pc = g.cases.front();
                const isa::WgmmaOperands ops = operands(f, source, pc, base);
                const std::string line = wgmma_case_json(f, source, pc, base, ops.a_descriptor, ops.b_descriptor);
                const nlohmann::json tool = cli::run_wgmma_case(isa::parse_wgmma(f.ptx, isa::Arch::sm_90a), isa::Arch::sm_90a, {},
                                                                nlohmann::json::parse(line), "case");
                const isa::WarpgroupFragment d = isa::execute_wgmma(form, isa::Arch::sm_90a, ops);
                const nlohmann::json gpu = nlohmann::json::parse(wgmma_d_json(f, d.words.data()));
                ASSERT_EQ(tool["d"].size(), gpu["d"].size()) << f.ptx;
                for (std::size_t r = 0; r < gpu["d"].size(); ++r)
                    for (std::size_t c = 0; c < gpu["d"][r].size(); ++c)
                        ASSERT_EQ(std::stoul(tool["d"][r][c].get<std::string>(), nullptr, 16),
                                  std::stoul(gpu["d"][r][c].get<std::string>(), nullptr, 16))
                            << f.ptx << " " << a_source_name(source) << " " << g.label << " D[" << r << "][" << c << "]";
            }
        }
    }
}

TEST(WgmmaProbeCases, SwizzledLayoutsPlaceTheSameMatrixElsewhere) {
    // The same seed gives the same values; a swizzled layout must move bytes (else it tests nothing)
    // while the instruction still computes a result.
    const WgmmaFormInfo& f = wgmma_forms()[static_cast<std::size_t>(*find_wgmma_form("wgmma.mma_async.sync.aligned.m64n16k16.f32.f16.f16"))];
    const WgmmaProbeSet set = make_wgmma_probes(f, ASource::shared, 3);
    for (const WgmmaProbeGroup& g : set.valid)
        if (g.label == "layout_sw128") {
            EXPECT_EQ(g.cases.front().a_desc.swizzle, 1u);
            EXPECT_EQ(g.cases.front().b_desc.swizzle, 1u);
            EXPECT_EQ(g.cases.front().b_desc.start % 1024, 0u);
        } else if (g.label == "layout_mn_first") {
            EXPECT_EQ(g.cases.front().a_desc.lbo, 1024u);  // 64 rows = 8 core matrices of 128 bytes
            EXPECT_EQ(g.cases.front().a_desc.sbo, 128u);
        }
}

}  // namespace
}  // namespace stcsim::validation
