// Replay of Hopper's TMA copies and mbarriers: the warp-specialised pipeline sample
// (traces/samples/stcsim_tma_pipeline: one producer warp, one consumer warp group, 4 k-steps of
// 24 KB) within bounds derived from the config, idle skipping changes nothing, a missing arrive
// is a deadlock report, malformed barrier uses are errors, and sm_80 configs refuse the lines.
#include "sim/gpu/replay.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/errors.h"
#include "sim/config/gpu_schema.h"
#include "sim/core/engine.h"
#include "sim/gpu/instr_decoder.h"

namespace stcsim::sim {
namespace {

namespace fs = std::filesystem;

const std::string kSample = std::string(STCSIM_SOURCE_DIR) + "/traces/samples/stcsim_tma_pipeline/kernel-1.traceg";

GpuSpec load(const std::string& name) { return config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/" + name).spec; }

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The sample with `from` replaced by `to` (once), as a trace file of its own.
std::string variant(const std::string& name, const std::string& from, const std::string& to) {
    std::string text = read(kSample);
    const std::size_t at = text.find(from);
    if (at == std::string::npos) throw std::runtime_error("not in the sample: " + from);
    text.replace(at, from.size(), to);
    const fs::path dir = fs::temp_directory_path() / ("stcsim_tma_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string path = (dir / (name + ".traceg")).string();
    std::ofstream(path) << text;
    return path;
}

constexpr std::uint64_t kSteps = 4, kStepBytes = 8192 + 16384, kHgmmaPerStep = 4;

TEST(TmaReplay, PipelineSampleRunsWithinTheBoundsTheConfigImplies) {
    const GpuSpec spec = load("h100-sxm.json");
    const ReplayResult r = run_replay(spec, kSample);
    const auto& s = r.stats;
    EXPECT_EQ(s["tma"]["loads"], 2 * kSteps);
    EXPECT_EQ(s["tma"]["bytes_loaded"], kSteps * kStepBytes);
    EXPECT_EQ(s["tma"]["requests"], kSteps * kStepBytes / 128);  // 128-byte rows on 128-byte lines
    // Full barrier: one phase per k-step; empty barrier: one per k-step (4 consumer arrivals).
    EXPECT_EQ(s["mbarrier"]["phases_completed"], 2 * kSteps);
    EXPECT_EQ(s["mbarrier"]["waits"], kSteps + 4 * kSteps);
    EXPECT_GT(s["mbarrier"]["blocked_waits"].get<std::uint64_t>(), 0u);
    EXPECT_GT(s["stalls"]["mbarrier"].get<std::uint64_t>(), 0u);
    EXPECT_EQ(s["tensor_core"]["instructions"], 4 * kSteps * kHgmmaPerStep);

    // Lower bound: every byte through the shared-memory port (and the L1 stage), after at least
    // one trip to DRAM (cold lines) at the near latency.
    const auto& m = spec.memory;
    const std::uint64_t rate = static_cast<std::uint64_t>(std::min(spec.sm.tma.smem_bytes_per_cycle, static_cast<int>(m.l1.bytes_per_clk)));
    const std::uint64_t lower = kSteps * kStepBytes / rate + static_cast<std::uint64_t>(m.l2.near_hit_latency + m.dram.latency);
    // Upper bound: nothing overlaps. Per k-step: the producer's wait wake-up, its arrive, the two
    // copies' set-up, every request one after another, each at the far DRAM latency plus its write;
    // the consumers' wake-up, the 4 dependent HGMMAs at their latency and their arrive.
    const OpcodeClasses classes(spec.sm, spec.gpu.arch);
    const int hgmma = classes.wgmma_index("HGMMA.64x128x16.F32");
    ASSERT_GE(hgmma, 0);
    const auto hgmma_latency = static_cast<std::uint64_t>(classes.mma_timings()[static_cast<std::size_t>(hgmma)].latency);
    const std::uint64_t requests = kStepBytes / 128;
    const std::uint64_t memory_trip = static_cast<std::uint64_t>(m.l2.far_hit_latency + m.dram.latency) + 128 / rate;
    const std::uint64_t per_step = 2 * static_cast<std::uint64_t>(spec.sm.mbarrier.wake_latency + spec.sm.mbarrier.arrive_latency) +
                                   2 * static_cast<std::uint64_t>(spec.sm.tma.issue_cycles) + requests * memory_trip +
                                   kHgmmaPerStep * hgmma_latency + 16 /* the lines between, one issue each */;
    const std::uint64_t upper = kSteps * per_step + 64 /* barrier sync, inits, exit */;
    EXPECT_GE(r.cycles, lower);
    EXPECT_LE(r.cycles, upper);
    // The pipeline overlaps within a k-step: far below the serial sum, and the copies of a step
    // take at least one memory trip each step (single stage: nothing is prefetched).
    EXPECT_GE(r.cycles, kSteps * static_cast<std::uint64_t>(m.l2.near_hit_latency));
}

// Warp 1 waits on a barrier that warp 0 arrives on after a BAR.SYNC: the arrive takes effect
// sm.mbarrier.arrive_latency after its issue and warp 1 issues again wake_latency after that, so
// each latency adds exactly its own cycles to the run.
std::uint64_t handoff_cycles(int arrive_latency, int wake_latency) {
    GpuSpec spec = load("h100-sxm.json");
    spec.sm.mbarrier.arrive_latency = arrive_latency;
    spec.sm.mbarrier.wake_latency = wake_latency;
    const fs::path dir = fs::temp_directory_path() / ("stcsim_tma_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string path = (dir / "handoff.traceg").string();
    std::ofstream(path) << "-grid dim = (1,1,1)\n-block dim = (64,1,1)\n-accelsim tracer version = 5\n-stcsim trace version = 1\n\n"
                           "#BEGIN_TB\nthread block = 0,0,0\nwarp = 0\ninsts = 4\n"
                           "0000 00000001 0 SYNCS.EXCH.64 1 R4 8 1 0x7f8000000000 0 0 mbar=init:1\n"
                           "0010 ffffffff 0 BAR.SYNC 0 0 0\n"
                           "0020 00000001 0 SYNCS.ARRIVE.TRANS64.A1T0 1 R4 8 1 0x7f8000000000 0 0 mbar=arrive:1:0\n"
                           "0030 ffffffff 0 EXIT 0 0 0\n"
                           "warp = 1\ninsts = 3\n"
                           "0000 ffffffff 0 BAR.SYNC 0 0 0\n"
                           "0010 ffffffff 0 SYNCS.PHASECHK.TRANS64.TRYWAIT 1 R4 8 1 0x7f8000000000 0 0 mbar=wait:0\n"
                           "0020 ffffffff 0 EXIT 0 0 0\n#END_TB\n";
    return run_replay(spec, path).cycles;
}

TEST(TmaReplay, ArriveAndWakeLatenciesAddExactlyTheirCycles) {
    const std::uint64_t base = handoff_cycles(8, 8);
    EXPECT_EQ(handoff_cycles(8 + 5, 8), base + 5);
    EXPECT_EQ(handoff_cycles(8, 8 + 7), base + 7);
    EXPECT_EQ(handoff_cycles(100, 50), base + 92 + 42);
}

TEST(TmaReplay, SkippingIdleCyclesChangesNoResult) {
    GpuSpec spec = load("h100-sxm.json");
    const ReplayResult fast = run_replay(spec, kSample);
    spec.engine.skip_idle = false;
    const ReplayResult slow = run_replay(spec, kSample);
    EXPECT_EQ(fast.stats.dump(), slow.stats.dump());
}

TEST(TmaReplay, AMissingArriveIsADeadlockReport) {
    // The first consumer warp's first arrive on the empty barrier is gone: the producer waits for
    // phase 0 of the empty barrier forever, the consumers for phase 1 of the full one.
    const std::string arrive = "00000001 0 SYNCS.ARRIVE.TRANS64.A1T0 1 R4 8 1 0x7f8000000008 0 0 mbar=arrive:1:0";
    const std::string path = variant("missing_arrive", arrive, "00000001 0 NOP 0 0 0");
    try {
        run_replay(load("h100-sxm.json"), path);
        FAIL() << "no deadlock reported";
    } catch (const DeadlockError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("every unit waits, none has a pending event"), std::string::npos) << message.substr(0, 300);
        EXPECT_NE(message.find("\"mbarriers\""), std::string::npos);
        EXPECT_NE(message.find("\"waiting\""), std::string::npos);
    }
}

void expect_user_error(const std::string& path, const GpuSpec& spec, const std::string& part) {
    try {
        run_replay(spec, path);
        FAIL() << "no error; expected: " << part;
    } catch (const UserError& error) {
        EXPECT_NE(std::string(error.what()).find(part), std::string::npos) << error.what();
    }
}

TEST(TmaReplay, MalformedBarrierUsesAreErrors) {
    const GpuSpec h100 = load("h100-sxm.json");
    // No init of the empty barrier: the producer's first wait names it.
    expect_user_error(variant("no_init", "0x7f8000000008 0 0 mbar=init:4", "0x7f8000000008 0 0 mbar=inval"), h100,
                      "mbarrier 0x7f8000000008: inval on a barrier that was never initialised");
    expect_user_error(variant("wait_uninit", "0010 00000001 0 SYNCS.EXCH.64 1 R4 8 1 0x7f8000000008 0 0 mbar=init:4",
                              "0010 00000001 0 NOP 0 0 0"),
                      h100, "wait on a barrier that was never initialised");
    // A consumer arriving 5 times on the empty barrier, which expects 4 arrivals per phase.
    expect_user_error(variant("underflow", "0x7f8000000008 0 0 mbar=arrive:1:0", "0x7f8000000008 0 0 mbar=arrive:5:0"), h100,
                      "5 arrival(s) on phase 0, which has");
}

TEST(TmaReplay, AnSm80ConfigRefusesTheLinesNamingOpcodeAndArch) {
    expect_user_error(kSample, load("a100.json"),
                      "SYNCS.EXCH.64: an mbarrier operation (mbar=) needs an sm_90 config (mbarrier transactions and TMA); "
                      "this config's arch is sm_80");
}

}  // namespace
}  // namespace stcsim::sim
