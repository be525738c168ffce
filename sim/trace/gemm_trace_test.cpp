// The generated CUTLASS-like GEMM traces: exact MMA counts, the bytes the cp.async copies move,
// sparse operands, validation, and the reader's bounded memory on a trace of many blocks.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/errors.h"
#include "sim/trace/gemm_program.h"
#include <fmt/format.h>

#include "sim/trace/gemm_trace.h"
#include "sim/trace/trace_reader.h"

namespace stcsim::trace {
namespace {

std::string temp_dir(const std::string& name) {
    return (std::filesystem::path(STCSIM_TEST_TMP_DIR) / name).string();
}

struct Counts {
    std::uint64_t mma = 0, instructions = 0, ldgsts_bytes = 0, stg_bytes = 0, blocks = 0, peak = 0;
    std::uint64_t selector_ones = 0, metadata_missing = 0;
};

Counts count(const std::string& path) {
    TraceReader reader(path);
    ThreadBlockTrace block;
    Counts c;
    while (reader.next_block(block))
        for (const auto& warp : block.warps)
            for (const auto& inst : warp.instructions) {
                ++c.instructions;
                if (inst.opcode->is_mma) {
                    ++c.mma;
                    if (inst.is_sparse_mma() && inst.selector() == 1) ++c.selector_ones;
                    if (inst.is_sparse_mma() && inst.src_count != 4) ++c.metadata_missing;
                }
                if (inst.opcode->base == "LDGSTS") c.ldgsts_bytes += 16u * static_cast<unsigned>(inst.active_lanes());
                if (inst.opcode->base == "STG") c.stg_bytes += inst.mem_width * static_cast<unsigned>(inst.active_lanes());
            }
    c.blocks = reader.blocks_read();
    c.peak = reader.peak_buffered_instructions();
    return c;
}

struct Case {
    std::int64_t m, n, k;
    const char* dtype;
    const char* acc;
    bool sparse;
    int mma_m, mma_n, mma_k;
};

class GemmTrace : public ::testing::TestWithParam<Case> {};

TEST_P(GemmTrace, ExactlyMnkOverInstructionShapeMmas) {
    const Case& c = GetParam();
    GemmTraceSpec spec;
    spec.m = c.m; spec.n = c.n; spec.k = c.k; spec.dtype = c.dtype; spec.acc = c.acc; spec.sparse = c.sparse;
    const std::string dir = temp_dir(fmt::format("gemm_{}x{}x{}_{}_{}_{}", c.m, c.n, c.k, c.dtype, c.acc, c.sparse));
    const GemmTraceResult result = write_gemm_trace(spec, dir);
    const std::uint64_t expected = static_cast<std::uint64_t>(c.m * c.n * c.k / (c.mma_m * c.mma_n * c.mma_k));
    EXPECT_EQ(result.mma_instructions, expected);
    const Counts counts = count(result.kernel_file);
    EXPECT_EQ(counts.mma, expected);
    EXPECT_EQ(counts.instructions, result.instructions);

    // Every CTA copies its A row panel and B column panel once: A (and E) are read once per CTA
    // column, B once per CTA row. The epilogue writes D once.
    const GemmTraceSpec full = with_defaults(spec);
    const GemmGeometry g(full, gemm_mma_form(full));
    const auto ctas_m = static_cast<std::uint64_t>(c.m / full.tile.m), ctas_n = static_cast<std::uint64_t>(c.n / full.tile.n);
    EXPECT_EQ(counts.ldgsts_bytes, g.a_bytes * ctas_n + g.b_bytes * ctas_m + g.e_bytes * ctas_n);
    EXPECT_EQ(counts.stg_bytes, g.d_bytes);
    EXPECT_EQ(counts.metadata_missing, 0u);
    if (c.sparse && g.form.selector_count == 2) {
        EXPECT_EQ(counts.selector_ones, expected / 2);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Forms, GemmTrace,
    ::testing::Values(Case{256, 128, 64, "f16", "f32", false, 16, 8, 16}, Case{128, 256, 128, "f16", "f16", false, 16, 8, 16},
                      Case{256, 256, 128, "f16", "f32", true, 16, 8, 32}, Case{128, 128, 256, "bf16", "f32", true, 16, 8, 32},
                      Case{128, 128, 64, "tf32", "f32", false, 16, 8, 8}, Case{256, 128, 64, "tf32", "f32", true, 16, 8, 16},
                      Case{128, 128, 128, "s8", "s32", false, 16, 8, 32}, Case{128, 256, 256, "s8", "s32", true, 16, 8, 64}),
    [](const auto& param_info) {
        const Case& c = param_info.param;
        return fmt::format("{}x{}x{}_{}_{}{}", c.m, c.n, c.k, c.dtype, c.acc, c.sparse ? "_sparse" : "");
    });

TEST(GemmTraceOptions, CustomTilesAndStages) {
    GemmTraceSpec spec;
    spec.m = 256; spec.n = 256; spec.k = 256; spec.tile = {128, 256, 32}; spec.warp_tile = {64, 64, 32}; spec.stages = 4;
    const auto result = write_gemm_trace(spec, temp_dir("gemm_custom"));
    EXPECT_EQ(result.warps_per_block, 8u);
    EXPECT_EQ(result.mma_instructions, 256u * 256 * 256 / (16 * 8 * 16));
    TraceReader reader(result.kernel_file);
    EXPECT_EQ(reader.header().shmem, 4u * (128 * 32 * 2 + 32 * 256 * 2));
    EXPECT_EQ(reader.header().block, (Dim3{256, 1, 1}));
}

TEST(GemmTraceValidation, ClearErrors) {
    auto message = [](GemmTraceSpec spec) {
        try {
            validate(spec);
        } catch (const UserError& error) {
            return std::string(error.what());
        }
        return std::string("no error");
    };
    GemmTraceSpec spec;
    spec.m = 100; spec.n = 128; spec.k = 64;
    EXPECT_NE(message(spec).find("the tile 128x128x32 must divide the problem 100x128x64"), std::string::npos);
    spec.m = 128; spec.warp_tile = {48, 64, 32};
    EXPECT_NE(message(spec).find("must divide the tile"), std::string::npos) << message(spec);
    spec.tile = {128, 128, 32}; spec.warp_tile = {128, 128, 32};
    EXPECT_NE(message(spec).find("registers per thread; at most 255"), std::string::npos) << message(spec);
    spec.warp_tile = {}; spec.tile = {}; spec.acc = "s32";
    EXPECT_NE(message(spec).find("accumulator 's32' does not go with dtype 'f16'"), std::string::npos);
    spec.acc = "f32"; spec.dtype = "f64";
    EXPECT_NE(message(spec).find("unknown dtype 'f64'"), std::string::npos);
    spec.dtype = "f16"; spec.stages = 1;
    EXPECT_NE(message(spec).find("stages must be 2 to 16"), std::string::npos);
    spec.stages = 10; spec.tile = {256, 128, 64}; spec.k = 128; spec.m = 256;
    EXPECT_NE(message(spec).find("bytes of shared memory"), std::string::npos) << message(spec);
}

// Accel-Sim traces list a block's warps one after another; the reader holds one block at a time,
// so what it buffers is one block's instructions however many blocks the trace has.
TEST(TraceStreaming, ReaderBuffersOneBlockWhateverTheTraceLength) {
    GemmTraceSpec small, large;
    small.m = 256; small.n = 256; small.k = 128;
    large = small;
    large.m = 1024; large.n = 1024;  // 16x the blocks, same per-block work
    const auto a = write_gemm_trace(small, temp_dir("stream_small"), "kernel-1.traceg.zst");
    const auto b = write_gemm_trace(large, temp_dir("stream_large"), "kernel-1.traceg.zst");
    const Counts ca = count(a.kernel_file), cb = count(b.kernel_file);
    EXPECT_EQ(cb.blocks, 16 * ca.blocks);
    EXPECT_EQ(cb.instructions, 16 * ca.instructions);
    EXPECT_EQ(ca.peak, ca.instructions / ca.blocks);  // one block's worth
    EXPECT_EQ(cb.peak, ca.peak);
}

}  // namespace
}  // namespace stcsim::trace
