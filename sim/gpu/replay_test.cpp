// Trace replay: instruction counts against the trace, GEMM analytic counts and the sparse
// speed-up, determinism, occupancy limits, barriers and cp.async waits.
#include "sim/gpu/replay.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "sim/config/gpu_schema.h"
#include "sim/trace/gemm_trace.h"

namespace stcsim::sim {
namespace {

namespace fs = std::filesystem;

GpuSpec a100() { return config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/a100.json").spec; }

fs::path temp(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("stcsim_replay_test_" + std::to_string(::getpid())) / name;
    fs::create_directories(dir);
    return dir;
}

// Instructions by base opcode, read straight from the trace.
std::map<std::string, std::uint64_t> count_trace(const std::string& list) {
    std::map<std::string, std::uint64_t> counts;
    for (const auto& c : trace::read_kernelslist(list)) {
        if (c.kind != trace::TraceCommand::Kind::kernel) continue;
        trace::TraceReader reader(c.path);
        trace::ThreadBlockTrace block;
        while (reader.next_block(block))
            for (const auto& w : block.warps)
                for (const auto& in : w.instructions) ++counts[in.opcode->base];
    }
    return counts;
}

class Samples : public ::testing::TestWithParam<const char*> {};

TEST_P(Samples, ReplayCountsEveryTracedInstruction) {
    const std::string list = std::string(STCSIM_SOURCE_DIR) + "/traces/samples/" + GetParam() + "/kernelslist.g";
    const ReplayResult r = run_replay(a100(), list);
    std::uint64_t total = 0;
    for (const auto& [op, n] : count_trace(list)) {
        EXPECT_EQ(r.stats["instructions_by_opcode"][op], n) << op;
        total += n;
    }
    EXPECT_EQ(r.warp_instructions, total);
    EXPECT_EQ(r.trace_instructions, total);
    EXPECT_GT(r.cycles, 0u);
}

INSTANTIATE_TEST_SUITE_P(Traces, Samples, ::testing::Values("accelsim_dense", "stcsim_sparse"));

ReplayResult gemm(bool sparse, const std::string& name) {
    trace::GemmTraceSpec spec;
    spec.m = spec.n = spec.k = 256;
    spec.sparse = sparse;
    const std::string dir = temp(name).string();
    const auto written = trace::write_gemm_trace(spec, dir);
    ReplayResult r = run_replay(a100(), dir + "/kernelslist.g");
    EXPECT_EQ(r.warp_instructions, written.instructions);
    EXPECT_EQ(r.stats["tensor_core"]["instructions"], written.mma_instructions);
    return r;
}

TEST(ReplayProgress, FractionIsWholeKernelsPlusTheCurrentOnesInstructions) {
    LaunchProgress p;
    p.kernel = 2;
    p.kernels = 4;
    p.ctas_total = 8;
    EXPECT_DOUBLE_EQ(p.fraction(), 1.0 / 4);  // kernel 1 done, nothing of kernel 2
    p.ctas_done = 2;
    EXPECT_DOUBLE_EQ(p.fraction(), (1 + 2.0 / 8) / 4);  // no instruction figures: the CTAs finished
    p.instructions_expected = 1000;
    p.instructions_issued = 500;
    EXPECT_DOUBLE_EQ(p.fraction(), (1 + 0.5) / 4);  // instructions say more than CTAs
    p.instructions_issued = 5000;
    EXPECT_LT(p.fraction(), 2.0 / 4);  // an estimate below the truth never shows the kernel done
}

TEST(ReplayProgress, ReportsWhileOneWaveOfCtasRuns) {
    // 4 CTAs on 108 SMs: one wave, so no CTA finishes before the very end; the instructions issued
    // still move the reports forward.
    trace::GemmTraceSpec spec;
    spec.m = spec.n = 256;
    spec.k = 4096;  // a long main loop: tens of thousands of cycles
    const std::string dir = temp("progress").string();
    trace::write_gemm_trace(spec, dir);
    std::vector<double> fractions;
    const ReplayResult r = run_replay(a100(), dir + "/kernelslist.g", [&](const LaunchProgress& p) {
        if (p.ctas_done == 0) fractions.push_back(p.fraction());
    });
    ASSERT_GE(fractions.size(), r.cycles / 8192 - 1);  // every 8192 cycles
    ASSERT_GE(fractions.size(), 2u);
    EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
    EXPECT_GT(fractions.back(), fractions.front());
    EXPECT_GT(fractions.back(), 0.5);  // late in the run, most instructions have issued
    EXPECT_LT(fractions.back(), 1.0);
}

TEST(Replay, GemmDenseAndSparse) {
    const ReplayResult dense = gemm(false, "dense");
    const ReplayResult sparse = gemm(true, "sparse");
    EXPECT_EQ(dense.stats["mma_instructions_by_opcode"]["HMMA.16816.F32"], 256 * 256 * 256 / (16 * 8 * 16));
    EXPECT_EQ(sparse.stats["mma_instructions_by_opcode"]["HMMA.SP.16832.F32"], 256 * 256 * 256 / (16 * 8 * 32));
    const double ratio = static_cast<double>(dense.cycles) / static_cast<double>(sparse.cycles);
    EXPECT_GT(ratio, 1.0);
    EXPECT_LT(ratio, 2.0);
    EXPECT_EQ(dense.stats["ctas"]["launched"], 4);
}

TEST(Replay, Deterministic) {
    const std::string list = std::string(STCSIM_SOURCE_DIR) + "/traces/samples/accelsim_dense/kernelslist.g";
    EXPECT_EQ(run_replay(a100(), list).stats.dump(), run_replay(a100(), list).stats.dump());
    ReplayResult a = gemm(true, "det1"), b = gemm(true, "det2");
    EXPECT_NE(a.stats["kernels"][0]["trace"], b.stats["kernels"][0]["trace"]);  // the same trace in two folders
    a.stats["kernels"][0].erase("trace");
    b.stats["kernels"][0].erase("trace");
    EXPECT_EQ(a.stats.dump(), b.stats.dump());
}

// Units that sleep through cycles in which nothing can change them (engine.skip_idle) must give
// exactly the results of ticking every unit in every cycle: on GEMM traces and the samples, on
// the A100 and on variants that crowd warps into few SMs and starve the LSU and collectors.
TEST(Replay, SkippingIdleCyclesChangesNoResult) {
    trace::GemmTraceSpec g;
    g.m = g.n = g.k = 256;
    const std::string dense = temp("skip_dense").string(), sparse = temp("skip_sparse").string();
    trace::write_gemm_trace(g, dense);
    g.sparse = true;
    trace::write_gemm_trace(g, sparse);
    const std::string samples = std::string(STCSIM_SOURCE_DIR) + "/traces/samples/";
    const std::vector<std::string> traces = {dense, sparse, samples + "accelsim_dense", samples + "stcsim_sparse"};

    GpuSpec crowded = a100();
    crowded.gpu.sms = 1;
    crowded.sm.lsu.queue_depth = 2;
    crowded.sm.register_file.collector_units = 1;
    crowded.sm.scheduler.policy = "lrr";
    GpuSpec narrow = a100();
    narrow.gpu.sms = 2;
    narrow.sm.sub_partitions = 1;
    narrow.sm.register_file.banks = 1;
    for (const GpuSpec& base : {a100(), crowded, narrow}) {
        GpuSpec every_cycle = base;
        every_cycle.engine.skip_idle = false;
        for (const std::string& t : traces) {
            const ReplayResult skipping = run_replay(base, t);
            const ReplayResult ticking = run_replay(every_cycle, t);
            EXPECT_EQ(skipping.stats.dump(), ticking.stats.dump()) << t << " on " << base.gpu.sms << " SMs";
            EXPECT_GT(skipping.warp_instructions, 0u);
        }
    }
}

TEST(Occupancy, LimitedByWarpsCtasRegistersAndSharedMemory) {
    const GpuSpec spec = a100();
    SmContext context;
    context.shared = spec.memory.shared;
    context.shared_capacity = 167936;
    Sm sm("sm0", spec.sm, {}, {}, context);
    EXPECT_EQ(sm.occupancy_limit({4, 0, 0}), 16);                    // 64 warps / 4
    EXPECT_EQ(sm.occupancy_limit({1, 0, 0}), 32);                    // sm.max_ctas
    EXPECT_EQ(sm.occupancy_limit({4, 232 * 32 * 4, 0}), 2);          // 65536 registers / 29696
    EXPECT_EQ(sm.occupancy_limit({4, 0, 49152}), 3);                 // 164 KB / 48 KB
    EXPECT_TRUE(sm.can_launch({64, 0, 0}));
    EXPECT_FALSE(sm.can_launch({65, 0, 0}));
    EXPECT_FALSE(sm.can_launch({1, 0, 167937}));
}

// A one-block kernel from instruction lines, one string per warp.
std::string kernel(const std::vector<std::string>& warps, const std::string& name) {
    const fs::path dir = temp(name);
    std::ofstream out(dir / "kernel-1.traceg");
    out << "-kernel name = k\n-kernel id = 1\n-grid dim = (1,1,1)\n-block dim = (" << 32 * warps.size()
        << ",1,1)\n-shmem = 0\n-nregs = 32\n-accelsim tracer version = 5\n\n#BEGIN_TB\nthread block = 0,0,0\n";
    for (std::size_t w = 0; w < warps.size(); ++w) {
        const auto lines = std::count(warps[w].begin(), warps[w].end(), '\n');
        out << "warp = " << w << "\ninsts = " << lines << "\n" << warps[w];
    }
    out << "#END_TB\n";
    return (dir / "kernel-1.traceg").string();
}

TEST(Replay, BarrierHoldsEarlyWarpsUntilTheLastArrives) {
    const std::string slow = "0000 ffffffff 1 R1 MUFU.EX2 1 R1 0 0\n0010 ffffffff 1 R1 MUFU.EX2 1 R1 0 0\n"
                             "0020 ffffffff 1 R1 MUFU.EX2 1 R1 0 0\n0030 ffffffff 0 BAR.SYNC.DEFER_BLOCKING 1 R1 0 0\n"
                             "0040 ffffffff 0 EXIT 0 0 0\n";
    const std::string fast = "0030 ffffffff 0 BAR.SYNC.DEFER_BLOCKING 0 0 0\n0040 ffffffff 1 R2 IADD3 1 R2 0 0\n0050 ffffffff 0 EXIT 0 0 0\n";
    const ReplayResult r = run_replay(a100(), kernel({slow, fast}, "barrier"));
    EXPECT_GE(r.cycles, 3u * 18);  // three dependent SFU operations before the barrier opens
    EXPECT_GE(r.stats["stalls"]["barrier"].get<std::uint64_t>(), 3u * 18 - 10);
    EXPECT_EQ(r.warp_instructions, 8u);
}

TEST(Replay, DepbarWaitsForTheCpAsyncCopies) {
    const std::string copy = "0000 ffffffff 0 LDGSTS.E.BYPASS.LTC128B.128 2 R6 R2 16 1 0x7f0000000000 16 0\n"
                             "0010 ffffffff 0 LDGDEPBAR 0 0 0\n0020 ffffffff 0 DEPBAR.LE 0 0 0\n"
                             "0030 ffffffff 1 R8 IADD3 1 R8 0 0\n0040 ffffffff 0 EXIT 0 0 0\n";
    const GpuSpec spec = a100();
    const ReplayResult r = run_replay(spec, kernel({copy}, "depbar"));
    const auto dram = static_cast<std::uint64_t>(spec.memory.l2.near_hit_latency + spec.memory.dram.latency);
    EXPECT_GE(r.cycles, dram);
    EXPECT_GE(r.stats["stalls"]["memory_wait"].get<std::uint64_t>(), dram - 10);
    EXPECT_EQ(r.stats["lsu"]["cp_async"], 1);
    EXPECT_EQ(r.stats["shared_memory"]["accesses"], 1);  // the copy's shared-memory store
}

}  // namespace
}  // namespace stcsim::sim
