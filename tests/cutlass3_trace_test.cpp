// CUTLASS 3.x's Hopper GEMMs (warp-specialised: a TMA producer warp, two consumer warp groups
// running wgmma; dense and 2:4 sparse f16), traced through the SASS front end (`stcsim trace gen
// gemm --arch sm_90a`) and checked against their tiling:
// - the trace holds one HGMMA line per warp and warp-group MMA: 4 * M*N*K / (64 * 128 * k);
// - the TMA loads read each byte of A and the metadata E once per CTA column of tiles and each
//   byte of B once per CTA row; the TMA stores write each byte of D once; every box lies inside
//   its matrix, also when the tiles overhang the problem;
// - every TMA load completes on an mbarrier its CTA initialised, every wait names one;
// - the trace replays on the H100 config and its tensor work is 2*M*N*K FLOP.
// Needs the cutlass3_gemm program (nvcc and the CUTLASS headers) and cuobjdump; skipped otherwise.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "run_command.h"
#include "sim/trace/trace_reader.h"
#include "tools/cuda_tools.h"

namespace stcsim {
namespace {

struct Range {
    std::uint64_t base = 0, bytes = 0;
    bool contains(std::uint64_t a, std::uint64_t n) const { return a >= base && a + n <= base + bytes; }
};

// Calls f(address, bytes) for every row of a TMA box.
template <typename F>
void for_each_row(const trace::AsyncOp& op, F f) {
    if (op.row_bytes == 0) return;
    std::array<std::uint32_t, trace::kMaxBoxRowDims> i{};
    for (;;) {
        std::int64_t offset = 0;
        for (int d = 0; d < op.row_dims; ++d) offset += static_cast<std::int64_t>(i[static_cast<std::size_t>(d)]) * op.stride[static_cast<std::size_t>(d)];
        f(op.global + static_cast<std::uint64_t>(offset), std::uint64_t{op.row_bytes});
        int d = 0;
        while (d < op.row_dims && ++i[static_cast<std::size_t>(d)] == op.extent[static_cast<std::size_t>(d)]) i[static_cast<std::size_t>(d++)] = 0;
        if (d == op.row_dims) return;
    }
}

struct Traced {
    nlohmann::json launch;
    std::uint64_t hgmma = 0;
    std::map<std::string, std::uint64_t> loaded, stored;  // bytes per matrix
    std::uint64_t outside = 0, waits = 0, unknown_barriers = 0;
    double flops = 0;  // tensor_core.flops of a replay on the H100 config
};

Traced trace_gemm(const std::string& name, int m, int n, int k, bool sparse) {
    Traced t;
    const std::string dir = std::string(STCSIM_TEST_TMP_DIR) + "/cutlass3_" + name;
    std::filesystem::remove_all(dir);
    const testing::CommandResult r = testing::run_stcsim(fmt::format(
        "trace gen gemm --arch sm_90a --m {} --n {} --k {} {}--out {}", m, n, k, sparse ? "--sparse " : "", dir));
    EXPECT_EQ(r.status, 0) << r.err;
    if (r.status != 0) return t;
    t.launch = nlohmann::json::parse(r.out)["launch"];
    std::map<std::string, Range> buffers;
    for (const char* b : {"A", "B", "E", "D"})
        buffers[b] = {t.launch["buffers"][b][0].get<std::uint64_t>(), t.launch["buffers"][b][1].get<std::uint64_t>()};
    auto matrix_of = [&](std::uint64_t a, std::uint64_t bytes) {
        for (const auto& [b, range] : buffers)
            if (range.bytes > 0 && range.contains(a, bytes)) return b;
        return std::string();
    };
    trace::TraceReader reader(dir + "/kernel-1.traceg");
    trace::ThreadBlockTrace block;
    while (reader.next_block(block)) {
        std::set<std::uint64_t> barriers;
        for (const auto& warp : block.warps)
            for (const auto& inst : warp.instructions)
                if (inst.async.kind == trace::AsyncKind::mbar_init)
                    for (int lane = 0; lane < 32; ++lane)
                        if (inst.lane_active(lane)) barriers.insert(inst.addresses[static_cast<std::size_t>(lane)]);
        for (const auto& warp : block.warps)
            for (const auto& inst : warp.instructions) {
                if (inst.opcode->is_wgmma && inst.active_mask != 0) ++t.hgmma;
                const trace::AsyncOp& op = inst.async;
                if (op.kind == trace::AsyncKind::mbar_wait) {
                    ++t.waits;
                    for (int lane = 0; lane < 32; ++lane)
                        if (inst.lane_active(lane) && !barriers.count(inst.addresses[static_cast<std::size_t>(lane)]))
                            ++t.unknown_barriers;
                }
                if (!op.is_tma()) continue;
                if (op.kind == trace::AsyncKind::tma_load && !barriers.count(op.mbar)) ++t.unknown_barriers;
                for_each_row(op, [&](std::uint64_t a, std::uint64_t bytes) {
                    const std::string b = matrix_of(a, bytes);
                    if (b.empty()) ++t.outside;
                    (op.kind == trace::AsyncKind::tma_load ? t.loaded : t.stored)[b] += bytes;
                });
            }
    }
    const testing::CommandResult run = testing::run_stcsim("run --config h100-sxm --trace " + dir + " --json");
    EXPECT_EQ(run.status, 0) << run.err;
    if (run.status == 0) {
        t.flops = nlohmann::json::parse(run.out)["tensor_core"]["flops"].get<double>();
    }
    return t;
}

class Cutlass3Trace : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
#ifndef STCSIM_CUTLASS3_GEMM
        GTEST_SKIP() << "cutlass3_gemm was not built (needs nvcc and the CUTLASS headers of scripts/setup.sh)";
#else
        if (!cli::locate_cuda_tool("cuobjdump")) GTEST_SKIP() << "cuobjdump not found (scripts/setup.sh installs it)";
#endif
    }
};

TEST_P(Cutlass3Trace, MatchesTheTiling) {
    const bool sparse = GetParam();
    const int m = 512, n = 384, k = 1024;
    const Traced t = trace_gemm(sparse ? "sparse" : "dense", m, n, k, sparse);
    ASSERT_FALSE(t.launch.is_null());
    const int tile_m = t.launch["tile"][0], tile_n = t.launch["tile"][1];
    EXPECT_EQ(t.hgmma, 4ull * m * n * k / (64 * 128 * (sparse ? 32 : 16)));
    EXPECT_DOUBLE_EQ(t.flops, 2.0 * m * n * k);
    const std::uint64_t a_bytes = t.launch["buffers"]["A"][1], b_bytes = t.launch["buffers"]["B"][1];
    const std::uint64_t e_bytes = t.launch["buffers"]["E"][1], d_bytes = t.launch["buffers"]["D"][1];
    EXPECT_EQ(t.loaded.at("A"), a_bytes * (n / tile_n));
    EXPECT_EQ(t.loaded.at("B"), b_bytes * (m / tile_m));
    if (sparse) {
        EXPECT_EQ(t.loaded.at("E"), e_bytes * (n / tile_n));
    }
    EXPECT_EQ(t.stored.at("D"), d_bytes);
    EXPECT_EQ(t.stored.size(), 1u);
    EXPECT_EQ(t.outside, 0u);
    EXPECT_GT(t.waits, 0u);
    EXPECT_EQ(t.unknown_barriers, 0u);
}

TEST_P(Cutlass3Trace, OverhangingTilesStayInsideTheMatrices) {
    const bool sparse = GetParam();
    const Traced t = trace_gemm(sparse ? "partial_sparse" : "partial_dense", 200, 136, 320, sparse);
    ASSERT_FALSE(t.launch.is_null());
    EXPECT_EQ(t.outside, 0u);
    EXPECT_EQ(t.stored.at("D"), t.launch["buffers"]["D"][1].get<std::uint64_t>());
}

INSTANTIATE_TEST_SUITE_P(DenseAndSparse, Cutlass3Trace, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "sparse" : "dense"; });

}  // namespace
}  // namespace stcsim
