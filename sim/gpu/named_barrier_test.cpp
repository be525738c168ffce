// Named barriers (BAR.SYNC id, threads; the `bar=` token): a barrier waits for its own thread
// count, not for every warp of the CTA. Three warps: warps 1 and 2 meet at barrier 1 (64 threads)
// while warp 0 is busy, then all three meet at barrier 0. With the count that the two warps make,
// the kernel ends; with a count of 96, barrier 1 waits for warp 0, which waits at barrier 0 for
// warps 1 and 2: the replay reports the deadlock. One CTA-wide barrier for every BAR.SYNC would
// end both kernels (three arrivals release it), so the second test tells the two apart.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/errors.h"
#include "sim/config/gpu_schema.h"
#include "sim/core/engine.h"
#include "sim/gpu/replay.h"

namespace stcsim::sim {
namespace {

std::string trace_with(int threads_at_barrier_1) {
    std::string text =
        "-kernel name = named_barriers\n-kernel id = 1\n-grid dim = (1,1,1)\n-block dim = (96,1,1)\n-shmem = 0\n"
        "-nregs = 32\n-binary version = 90\n-cuda stream id = 0\n-shmem base_addr = 0x00007f8000000000\n"
        "-local mem base_addr = 0x00007f7000000000\n-nvbit version = 1.5.5\n-accelsim tracer version = 5\n"
        "-enable lineinfo = 0\n-stcsim trace version = 1\n\n#BEGIN_TB\n\nthread block = 0,0,0\n\nwarp = 0\ninsts = 22\n";
    for (int i = 0; i < 20; ++i) text += fmt::format("{:04x} ffffffff 1 R2 FFMA 3 R2 R3 R4 0 0\n", 16 * i);
    text += "0140 ffffffff 0 BAR.SYNC.DEFER_BLOCKING 0 0 0\n0150 ffffffff 0 EXIT 0 0 0\n";
    for (int w = 1; w <= 2; ++w)
        text += fmt::format("\nwarp = {}\ninsts = 3\n0200 ffffffff 0 BAR.SYNC.DEFER_BLOCKING 0 0 {} bar=1,{}\n"
                            "0210 ffffffff 0 BAR.SYNC.DEFER_BLOCKING 0 0 0\n0220 ffffffff 0 EXIT 0 0 0\n",
                            w, threads_at_barrier_1, threads_at_barrier_1);
    text += "\n#END_TB\n";
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() / fmt::format("stcsim_named_barrier_{}_{}.traceg", ::getpid(), threads_at_barrier_1);
    std::ofstream(path) << text;
    return path.string();
}

GpuSpec h100() {
    return config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/h100-sxm.json").spec;
}

TEST(NamedBarriers, ABarrierReleasesAtItsThreadCount) {
    const ReplayResult r = run_replay(h100(), trace_with(64));
    EXPECT_EQ(r.stats["warp_instructions"], 22u + 2 * 3);
}

TEST(NamedBarriers, ACountNoWarpsCanReachIsADeadlock) {
    EXPECT_THROW(run_replay(h100(), trace_with(96)), DeadlockError);
}

}  // namespace
}  // namespace stcsim::sim
