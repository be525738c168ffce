// The compiler's stall counts (the `stall=N` token) hold a warp between issues: one warp of 40
// independent FFMAs (no register dependence between them) issues them as fast as the FMA pipe
// takes them without the token, and one per N cycles with it (N above the pipe's interval). A
// warp sharing the sub-partition (warp 4 of 5, on a 4-sub-partition SM) issues in the first one's
// stall cycles: the count holds its own warp only, so the two take about as long as one.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/config/gpu_schema.h"
#include "sim/gpu/replay.h"

namespace stcsim::sim {
namespace {

constexpr int kInstructions = 40;

std::string trace_with(int warps, int stall) {
    std::string text = fmt::format(
        "-kernel name = stalls\n-kernel id = 1\n-grid dim = (1,1,1)\n-block dim = ({},1,1)\n-shmem = 0\n"
        "-nregs = 128\n-binary version = 90\n-accelsim tracer version = 5\n-stcsim trace version = 1\n\n#BEGIN_TB\n"
        "thread block = 0,0,0\n",
        32 * warps);
    const std::string token = stall > 0 ? fmt::format(" stall={}", stall) : "";
    for (int w = 0; w < warps; ++w) {
        text += fmt::format("warp = {}\ninsts = {}\n", w, kInstructions + 1);
        for (int i = 0; i < kInstructions; ++i)
            text += fmt::format("{:04x} ffffffff 1 R{} FFMA 3 R100 R101 R102 0 0{}\n", 16 * i, i + 2, token);
        text += fmt::format("{:04x} ffffffff 0 EXIT 0 0 0\n", 16 * kInstructions);
    }
    text += "#END_TB\n";
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() / fmt::format("stcsim_stall_{}_{}_{}.traceg", ::getpid(), warps, stall);
    std::ofstream(path) << text;
    return path.string();
}

std::uint64_t cycles(int warps, int stall) {
    const GpuSpec spec = config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/h100-sxm.json").spec;
    return run_replay(spec, trace_with(warps, stall)).cycles;
}

TEST(StallCounts, HoldTheWarpBetweenIssues) {
    const std::uint64_t free = cycles(1, 0), stalled = cycles(1, 8);
    // The last FFMA issues at 39 x 8 with the token; its latency follows in both runs.
    EXPECT_LT(free, 39u * 8 / 2) << "free " << free;
    EXPECT_GE(stalled, 39u * 8) << "stalled " << stalled;
    EXPECT_LE(stalled, 39u * 8 + free) << "free " << free << ", stalled " << stalled;
}

TEST(StallCounts, HoldOnlyTheirOwnWarp) {
    const std::uint64_t one = cycles(1, 8), shared = cycles(5, 8);
    EXPECT_LE(shared, one + 8) << "one warp " << one << ", warps 0 and 4 on one sub-partition " << shared;
}

}  // namespace
}  // namespace stcsim::sim
