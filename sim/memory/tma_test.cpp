// TmaUnit: a box load on an otherwise idle SM lands its bytes after the latency and bandwidth the
// config implies, every BYTE (clipped rows too) exactly once; rows split at line boundaries;
// stores complete nothing on a barrier and finish when L2 acknowledged them.
#include "sim/memory/tma.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "sim/config/gpu_schema.h"
#include "sim/core/engine.h"

namespace stcsim::sim {
namespace {

struct Host final : TmaHost {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> landed;  // cycle, bytes
    std::map<std::uint64_t, std::uint64_t> done;                  // tag -> cycle
    std::uint64_t mbar = 0;
    void tma_landed(std::uint64_t, std::uint64_t barrier, std::uint64_t bytes, Cycle at) override {
        mbar = barrier;
        landed.emplace_back(at.value(), bytes);
    }
    void tma_done(std::uint64_t tag, Cycle at) override { done[tag] = at.value(); }
    std::uint64_t bytes_by(std::uint64_t cycle) const {
        std::uint64_t n = 0;
        for (const auto& [at, bytes] : landed)
            if (at <= cycle) n += bytes;
        return n;
    }
};

// Ticks the TMA unit as the SM would.
class Driver final : public Component {
public:
    explicit Driver(TmaUnit& tma) : tma_(tma) {}
    const std::string& name() const override { return name_; }
    bool tick(Cycle now) override { return tma_.tick(now); }
    Cycle next_event(Cycle now) const override { return tma_.next_event(now); }
    bool done() const override { return tma_.idle(); }
    nlohmann::ordered_json dump_state() const override { return tma_.dump_state(); }

private:
    TmaUnit& tma_;
    std::string name_ = "tma";
};

struct NoClient final : MemoryClient {
    void on_complete(std::uint64_t, Cycle) override {}
};

// The H100 config with one L2 partition, so that every line is at the near-hit latency.
GpuSpec h100_one_partition() {
    GpuSpec spec = config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/h100-sxm.json").spec;
    spec.memory.l2.partitions = 1;
    return spec;
}

trace::AsyncOp box_load(std::uint64_t global, std::uint32_t row_bytes, std::uint32_t rows, std::int64_t stride, std::uint64_t bytes) {
    trace::AsyncOp op;
    op.kind = trace::AsyncKind::tma_load;
    op.smem = 0x7f8000000400;
    op.mbar = 0x7f8000000000;
    op.bytes = bytes;
    op.global = global;
    op.row_bytes = row_bytes;
    op.row_dims = 1;
    op.extent[0] = rows;
    op.stride[0] = stride;
    return op;
}

struct TmaRun {
    Host host;
    std::uint64_t requests = 0;
};

// Pushes `ops` at cycle 0 (warm L2: every line already there) and runs to the end.
void run(const GpuSpec& spec, const std::vector<trace::AsyncOp>& ops, TmaRun& out, bool warm = true) {
    MemorySystem memory("memory", spec.memory, 1);
    NoClient lsu;
    memory.attach(0, lsu);
    TmaUnit tma(spec.sm.tma, &memory, 0, spec.memory.l2.line_bytes, out.host, nullptr);
    for (std::size_t i = 0; i < ops.size(); ++i) {
        if (warm)
            for (std::uint32_t r = 0; r < ops[i].extent[0]; ++r)
                for (std::uint64_t b = 0; b < ops[i].row_bytes; b += 32)
                    memory.warm_l2(memory.line_of(ops[i].global + r * static_cast<std::uint64_t>(ops[i].stride[0]) + b));
        tma.push(Cycle{0}, ops[i], i);
    }
    Driver driver(tma);
    Engine engine(spec.engine);
    engine.add(driver);
    engine.add(memory);
    engine.run();
    out.requests = tma.state().requests;
}

// Unloaded: the first request leaves issue_cycles after the push, one line per cycle follows (the
// unit's rate; the L1 stage and the shared-memory port take a 128-byte line per cycle in this
// config); each comes back after the L2 hit latency and takes line / smem_bytes_per_cycle cycles
// to write. So the last of 16 KB = 128 lines lands at
// issue_cycles + 127 * (cycles per line) + near_hit_latency + line / smem_bytes_per_cycle.
TEST(Tma, A16KBoxLoadLandsAfterTheConfiguredLatencyAndBandwidth) {
    const GpuSpec spec = h100_one_partition();
    const auto line = static_cast<std::uint64_t>(spec.memory.l2.line_bytes);
    const auto smem = static_cast<std::uint64_t>(spec.sm.tma.smem_bytes_per_cycle);
    const std::uint64_t per_line = std::max<std::uint64_t>(
        {1, line / static_cast<std::uint64_t>(spec.memory.l1.bytes_per_clk), (line + smem - 1) / smem});
    const std::uint64_t lines = 16384 / line;
    const std::uint64_t expected = static_cast<std::uint64_t>(spec.sm.tma.issue_cycles) + (lines - 1) * per_line +
                                   static_cast<std::uint64_t>(spec.memory.l2.near_hit_latency) + (line + smem - 1) / smem;
    TmaRun r;
    run(spec, {box_load(0x10000000, 128, 128, 512, 16384)}, r);
    EXPECT_EQ(r.requests, lines);
    EXPECT_EQ(r.host.mbar, 0x7f8000000000u);
    EXPECT_EQ(r.host.bytes_by(expected - 1), 16384u - 128u) << "all but the last line by cycle N-1";
    EXPECT_EQ(r.host.bytes_by(expected), 16384u) << "every byte by cycle N";
    EXPECT_EQ(r.host.done.at(0), expected);
    // The first line lands after the unloaded latency alone.
    EXPECT_EQ(r.host.landed.front().first,
              static_cast<std::uint64_t>(spec.sm.tma.issue_cycles) + static_cast<std::uint64_t>(spec.memory.l2.near_hit_latency) +
                  (line + smem - 1) / smem);
}

// Bandwidth: a second 16 KB copy pushed at once follows the first at one line per cycle (its
// set-up overlaps the first copy's requests), so the pair ends 128 cycles after one alone.
TEST(Tma, BackToBackCopiesStreamAtTheLineRate) {
    const GpuSpec spec = h100_one_partition();
    TmaRun one, two;
    run(spec, {box_load(0x10000000, 128, 128, 512, 16384)}, one);
    run(spec, {box_load(0x10000000, 128, 128, 512, 16384), box_load(0x20000000, 128, 128, 512, 16384)}, two);
    EXPECT_EQ(two.host.done.at(1), one.host.done.at(0) + 128);
}

// Rows that cross a line boundary become two requests; clipped rows (BYTES beyond the listed
// rows) land as zeros without a request; every byte lands exactly once.
TEST(Tma, RowsSplitAtLinesAndClippedBytesCompleteOnce) {
    const GpuSpec spec = h100_one_partition();
    TmaRun r;
    run(spec, {box_load(0x10000040, 128, 4, 4096, 4 * 128 + 1000)}, r);
    EXPECT_EQ(r.requests, 8u);  // each 128-byte row at offset 64 spans two lines
    std::uint64_t total = 0;
    for (const auto& [at, bytes] : r.host.landed) total += bytes;
    EXPECT_EQ(total, 4u * 128u + 1000u);
    // The clipped 1000 bytes land first, from the copy's start, through the shared-memory port.
    EXPECT_EQ(r.host.landed.front().second, 1000u);
    EXPECT_EQ(r.host.landed.front().first, static_cast<std::uint64_t>(spec.sm.tma.issue_cycles) +
                                               (1000 + static_cast<std::uint64_t>(spec.sm.tma.smem_bytes_per_cycle) - 1) /
                                                   static_cast<std::uint64_t>(spec.sm.tma.smem_bytes_per_cycle));
}

TEST(Tma, AStoreCompletesNothingOnABarrierAndEndsWhenAcknowledged) {
    const GpuSpec spec = h100_one_partition();
    trace::AsyncOp op = box_load(0x30000000, 256, 8, 1024, 2048);
    op.kind = trace::AsyncKind::tma_store;
    op.mbar = 0;
    TmaRun r;
    run(spec, {op}, r, false);
    EXPECT_TRUE(r.host.landed.empty());
    EXPECT_EQ(r.requests, 16u);
    // Read 2048 bytes at the port's rate from the copy's start, then the writes go out.
    const std::uint64_t read = static_cast<std::uint64_t>(spec.sm.tma.issue_cycles) +
                               2048 / static_cast<std::uint64_t>(spec.sm.tma.smem_bytes_per_cycle);
    ASSERT_EQ(r.host.done.count(0), 1u);
    EXPECT_GT(r.host.done.at(0), read + 15);
}

}  // namespace
}  // namespace stcsim::sim
