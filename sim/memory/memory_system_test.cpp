#include "sim/memory/memory_system.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "sim/core/engine.h"
#include "sim/memory/coalescer.h"
#include "sim/memory/cp_async.h"

namespace stcsim::sim {
namespace {

// Records completions; issues nothing by itself.
struct Recorder final : MemoryClient {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> done;  // token, cycle
    void on_complete(std::uint64_t token, Cycle at) override { done.emplace_back(token, at.value()); }
};

WarpMemRequest one_lane(std::uint64_t address, MemOp op = MemOp::load) {
    WarpMemRequest r;
    r.op = op;
    r.lanes.active = 1u;
    r.lanes.addr[0] = address;
    r.width_bytes = 4;
    return r;
}

// Small, fast geometry: 4 KB L1 (2 ways), 2 L2 partitions of 16 KB.
MemorySpec small_spec() {
    MemorySpec m;
    m.shared.unified_bytes = 4096;
    m.shared.max_shared_bytes = 0;
    m.l1.ways = 2;
    m.l2.size_bytes = 32768;
    m.l2.partitions = 2;
    m.l2.ways = 4;
    m.dram.channels = 2;
    return m;
}

// Runs `memory` until idle; returns completion cycle of each issue in order.
std::uint64_t run_one(MemorySystem& memory, Recorder& rec, std::uint64_t address, std::uint64_t start) {
    rec.done.clear();
    memory.issue(0, one_lane(address), Cycle{start});
    Cycle now{start};
    while (!memory.done()) {
        memory.tick(now);
        now = memory.next_event(now);
    }
    return rec.done.at(0).second - start;
}

// The same, from `sm`, for any op.
std::uint64_t run_on(MemorySystem& memory, Recorder& rec, int sm, std::uint64_t address, std::uint64_t start,
                     MemOp op = MemOp::load_bypass_l1) {
    rec.done.clear();
    memory.issue(sm, one_lane(address, op), Cycle{start});
    Cycle now{start};
    while (!memory.done()) {
        memory.tick(now);
        now = memory.next_event(now);
    }
    return rec.done.at(0).second - start;
}

// The `k`th line (from 0) homed in `partition` whose set in a 32-set partition is 0.
std::uint64_t line_in_set0(int partition, int k) {
    for (std::uint64_t line = 0;; ++line)
        if ((line >> 1) % 32 == 0 && l2_partition_of(line, 2) == partition && k-- == 0) return line * 128;
}

TEST(Coalescer, ContiguousWarpIsOneLineOfFourSectors) {
    LaneAddresses a;
    for (int l = 0; l < 32; ++l) a.addr[static_cast<std::size_t>(l)] = 4096 + 4 * static_cast<std::uint64_t>(l);
    const auto lines = coalesce(a, 4, 128, 32);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].line, 32u);
    EXPECT_EQ(lines[0].sectors, 0xfu);
}

TEST(Coalescer, StridedWarpTouchesOneSectorPerLine) {
    LaneAddresses a;
    for (int l = 0; l < 32; ++l) a.addr[static_cast<std::size_t>(l)] = 128 * static_cast<std::uint64_t>(l) + 40;
    const auto lines = coalesce(a, 4, 128, 32);
    ASSERT_EQ(lines.size(), 32u);
    for (const auto& r : lines) EXPECT_EQ(r.sectors, 0b10u);
}

TEST(MemorySystem, UnloadedLatenciesEqualTheConfig) {
    const MemorySpec spec = small_spec();
    MemorySystem memory("mem", spec, 2);
    Recorder rec;
    memory.attach(0, rec);
    // Find one line of each partition; SM 0 is near partition 0.
    std::uint64_t near = 0, far = 0;
    while (l2_partition_of(near / 128, 2) != 0) near += 128;
    while (l2_partition_of(far / 128, 2) != 1) far += 128;
    EXPECT_EQ(run_one(memory, rec, near, 10), static_cast<std::uint64_t>(spec.l2.near_hit_latency + spec.dram.latency));
    EXPECT_EQ(run_one(memory, rec, near, 2000), static_cast<std::uint64_t>(spec.l1.hit_latency));
    EXPECT_EQ(run_one(memory, rec, far, 3000), static_cast<std::uint64_t>(spec.l2.far_hit_latency + spec.dram.latency));
    EXPECT_EQ(memory.state().l1_hits, 1u);
    EXPECT_EQ(memory.state().l1_misses, 2u);
    EXPECT_EQ(memory.state().dram_reads, 2u);
}

TEST(MemorySystem, L1EvictionFallsBackToL2) {
    const MemorySpec spec = small_spec();  // 4 KB L1, 2 ways: 16 sets of 128 B
    MemorySystem memory("mem", spec, 2);
    Recorder rec;
    memory.attach(0, rec);
    const std::uint64_t set_stride = 16 * 128;
    std::uint64_t t = 0;
    for (std::uint64_t k = 0; k < 3; ++k) t += run_one(memory, rec, k * set_stride, 10000 * (k + 1));  // three lines, one set
    // The first line was evicted from L1 (LRU, 2 ways) but is still in L2.
    const std::uint64_t again = run_one(memory, rec, 0, 100000);
    EXPECT_EQ(again, static_cast<std::uint64_t>(spec.l2.near_hit_latency));
    EXPECT_EQ(run_one(memory, rec, 2 * set_stride, 200000), static_cast<std::uint64_t>(spec.l1.hit_latency));
}

TEST(MemorySystem, StoresWriteThroughWithoutAllocating) {
    const MemorySpec spec = small_spec();
    MemorySystem memory("mem", spec, 2);
    Recorder rec;
    memory.attach(0, rec);
    memory.issue(0, one_lane(0, MemOp::store), Cycle{0});
    Cycle now{0};
    while (!memory.done()) {
        memory.tick(now);
        now = memory.next_event(now);
    }
    EXPECT_EQ(memory.state().l1_stores, 1u);
    EXPECT_EQ(memory.state().l2_hits, 1u);
    EXPECT_EQ(memory.state().dram_reads, 0u);
    // No L1 allocation: the load misses L1 but hits the line the store allocated in L2.
    EXPECT_EQ(run_one(memory, rec, 0, 1000), static_cast<std::uint64_t>(spec.l2.near_hit_latency));
}

// LDGSTS: two cp.async groups through the memory system; the newer group's copy (a near line)
// lands first, but wait_group 1 still waits for the older group (a far line).
TEST(MemorySystem, CpAsyncGroupsReleaseInCommitOrder) {
    const MemorySpec spec = small_spec();
    MemorySystem memory("mem", spec, 2);
    struct Copies final : MemoryClient {
        CpAsyncGroups groups;
        int store_latency = 0;
        std::vector<std::uint64_t> order;
        void on_complete(std::uint64_t token, Cycle at) override {
            order.push_back(token);
            groups.complete(token, at + static_cast<std::uint64_t>(store_latency));
        }
    } copies;
    copies.store_latency = spec.shared.store_latency;
    memory.attach(0, copies);
    std::uint64_t near = 0, far = 0;
    while (l2_partition_of(near / 128, 2) != 0) near += 128;
    while (l2_partition_of(far / 128, 2) != 1) far += 128;
    const std::uint64_t old_copy = memory.issue(0, one_lane(far, MemOp::load_bypass_l1), Cycle{0});
    copies.groups.issue(old_copy);
    copies.groups.commit();
    const std::uint64_t new_copy = memory.issue(0, one_lane(near, MemOp::load_bypass_l1), Cycle{0});
    copies.groups.issue(new_copy);
    copies.groups.commit();
    Cycle now{0};
    while (!memory.done()) {
        memory.tick(now);
        now = memory.next_event(now);
        if (copies.order.size() == 1) {
            EXPECT_FALSE(copies.groups.satisfied(1));
        }
    }
    ASSERT_EQ(copies.order, (std::vector<std::uint64_t>{new_copy, old_copy}));
    const auto far_done = static_cast<std::uint64_t>(spec.l2.far_hit_latency + spec.dram.latency + spec.shared.store_latency);
    EXPECT_EQ(copies.groups.release_cycle(1)->value(), far_done);
    EXPECT_EQ(memory.state().l1_bypass, 2u);
    EXPECT_EQ(memory.state().l1_hits + memory.state().l1_misses, 0u);
}

// l2.near_copies: SM 0 is near partition 0, SM 1 near partition 1; loads bypass the L1 so that
// each one reaches the L2.
struct CopiesFixture {
    MemorySpec spec = [] {
        MemorySpec m = small_spec();  // partitions of 16 KB, 4 ways: 32 sets
        m.l2.near_copies = true;
        return m;
    }();
    MemorySystem memory{"mem", spec, 2};
    Recorder rec0, rec1;
    std::uint64_t t = 0;
    CopiesFixture() {
        memory.attach(0, rec0);
        memory.attach(1, rec1);
    }
    std::uint64_t load(int sm, std::uint64_t address) { return run_on(memory, sm == 0 ? rec0 : rec1, sm, address, t += 10000); }
    std::uint64_t store(int sm, std::uint64_t address) {
        return run_on(memory, sm == 0 ? rec0 : rec1, sm, address, t += 10000, MemOp::store);
    }
    std::uint64_t near() const { return static_cast<std::uint64_t>(spec.l2.near_hit_latency); }
    std::uint64_t far() const { return static_cast<std::uint64_t>(spec.l2.far_hit_latency); }
    std::uint64_t dram() const { return static_cast<std::uint64_t>(spec.dram.latency); }
};

TEST(NearCopies, AFarLineIsServedFarOnceThenByItsNearCopy) {
    for (int sm : {0, 1}) {  // the home partition after (SM 0) and before (SM 1) the near one in tick order
        CopiesFixture f;
        const int far_side = 1 - sm;
        const std::uint64_t line = line_in_set0(far_side, 0);
        EXPECT_EQ(f.load(far_side, line), f.near() + f.dram()) << "the SM near its home brings it from DRAM";
        EXPECT_EQ(f.load(sm, line), f.far()) << "a near miss, forwarded to the home, which hits";
        EXPECT_EQ(f.load(sm, line), f.near()) << "the copy in the near partition";
        EXPECT_EQ(f.memory.state().l2_forwarded, 1u);
        EXPECT_EQ(f.memory.state().l2_copy_hits, 1u);
        EXPECT_EQ(f.memory.state().l2_far, 1u);
        EXPECT_EQ(f.memory.state().dram_reads, 1u);
    }
}

TEST(NearCopies, AColdFarLineComesFromDramThroughItsHomeAndFillsTheCopy) {
    CopiesFixture f;
    const std::uint64_t line = line_in_set0(1, 0);
    EXPECT_EQ(f.load(0, line), f.far() + f.dram());
    EXPECT_EQ(f.load(0, line), f.near());
    EXPECT_EQ(f.load(1, line), f.near()) << "its home holds it too";
    EXPECT_EQ(f.memory.state().dram_reads, 1u);
}

TEST(NearCopies, ANearLineMissGoesToDram) {
    CopiesFixture f;
    const std::uint64_t line = line_in_set0(0, 0);
    EXPECT_EQ(f.load(0, line), f.near() + f.dram());
    EXPECT_EQ(f.load(0, line), f.near());
    EXPECT_EQ(f.memory.state().l2_forwarded, 0u);
    EXPECT_EQ(f.memory.state().l2_far, 0u);
    EXPECT_EQ(f.memory.state().dram_reads, 1u);
}

TEST(NearCopies, CopiesAndHomeLinesCompeteForOnePartitionUnderLru) {
    CopiesFixture f;  // set 0 of partition 0 has 4 ways; copies and home lines are evicted alike (LRU)
    const std::uint64_t copy = line_in_set0(1, 0);
    f.load(0, copy);
    for (int k = 0; k < 4; ++k) f.load(0, line_in_set0(0, k));  // four home lines evict the copy
    EXPECT_EQ(f.load(0, copy), f.far()) << "the copy was evicted; its home still holds the line";
    // The copy's new fill evicted home line 0; three more copies evict home lines 1 to 3.
    for (int k = 1; k < 4; ++k) f.load(0, line_in_set0(1, k));
    EXPECT_EQ(f.load(0, line_in_set0(0, 1)), f.near() + f.dram()) << "a home line evicted by copies";
    EXPECT_EQ(f.load(0, line_in_set0(1, 3)), f.near()) << "the most recent copy stays";
    EXPECT_EQ(f.load(0, line_in_set0(1, 0)), f.far()) << "the least recent copy made room for home line 1";
}

TEST(NearCopies, AStoreGoesHomeAndInvalidatesTheCopies) {
    CopiesFixture f;
    const std::uint64_t line = line_in_set0(1, 0);
    f.load(0, line);
    EXPECT_EQ(f.load(0, line), f.near());
    EXPECT_EQ(f.store(0, line), f.far()) << "a store is acknowledged by the home partition";
    EXPECT_EQ(f.memory.state().l2_invalidated, 1u);
    EXPECT_EQ(f.load(0, line), f.far()) << "the copy is gone; the home holds the stored line";
    EXPECT_EQ(f.load(0, line), f.near());
}

TEST(NearCopies, WarmL2InstallsTheCopies) {
    CopiesFixture f;
    const std::uint64_t line = line_in_set0(1, 0);
    f.memory.warm_l2(line / 128);
    EXPECT_EQ(f.load(0, line), f.near());
    EXPECT_EQ(f.load(1, line), f.near());
}

// Offered load far above the DRAM bandwidth: the achieved rate is the configured one.
class Flood final : public Component, public MemoryClient {
public:
    // Streams `total` lines from `sm`, starting at byte `base`.
    Flood(MemorySystem& m, int per_cycle, std::int64_t total, int sm = 0, std::uint64_t base = 0)
        : m_(m), per_cycle_(per_cycle), left_(total), sm_(sm), next_(base) {
        m.attach(sm, *this);
    }
    const std::string& name() const override { return name_; }
    bool tick(Cycle now) override {
        for (int i = 0; i < per_cycle_ && left_ > 0; ++i) {
            WarpMemRequest r;
            r.op = MemOp::load_bypass_l1;
            r.width_bytes = 4;
            for (int l = 0; l < 32; ++l) r.lanes.addr[static_cast<std::size_t>(l)] = next_ + 4 * static_cast<std::uint64_t>(l);
            if (!m_.can_accept(sm_, r)) break;
            m_.issue(sm_, r, now);
            next_ += 128;
            --left_;
        }
        return true;
    }
    Cycle next_event(Cycle now) const override { return left_ > 0 ? now + 1 : Cycle::never(); }
    bool done() const override { return left_ == 0; }
    nlohmann::ordered_json dump_state() const override { return {{"left", left_}}; }
    void on_complete(std::uint64_t, Cycle at) override { last_ = at.value(); }
    std::uint64_t last_ = 0;

private:
    std::string name_ = "flood";
    MemorySystem& m_;
    int per_cycle_;
    std::int64_t left_;
    int sm_;
    std::uint64_t next_;
};

double achieved_dram_rate(double configured, int per_cycle) {
    MemorySpec spec = small_spec();
    spec.dram.bytes_per_clk = configured;
    spec.l2.bytes_per_clk = 4096;
    spec.l1.bytes_per_clk = 1024;
    spec.l1.queue_sectors = 512;
    spec.l1.mshr_sectors = 1 << 16;  // enough that one SM is not limited by its misses in flight (Little's law)
    MemorySystem memory("mem", spec, 1);
    const std::int64_t lines = 20000;
    Flood flood(memory, per_cycle, lines);
    Engine engine(EngineSpec{});
    engine.add(flood);
    engine.add(memory);
    engine.run();
    EXPECT_EQ(memory.state().dram_bytes, static_cast<std::uint64_t>(lines) * 128);
    const double cycles = static_cast<double>(flood.last_) - spec.l2.near_hit_latency - spec.dram.latency;
    return static_cast<double>(lines) * 128 / cycles;
}

TEST(MemorySystem, DramBandwidthSaturatesAtTheConfiguredRate) {
    // 4 lines (512 B) offered per cycle against 64 and 200 B/clk.
    EXPECT_NEAR(achieved_dram_rate(64, 4), 64, 64 * 0.02);
    EXPECT_NEAR(achieved_dram_rate(200, 4), 200, 200 * 0.02);
}

TEST(MemorySystem, BelowTheBandwidthTheOfferedLoadGetsThrough) {
    // One 128-byte line every cycle against 1000 B/clk of DRAM: the offered 128 B/clk arrives.
    EXPECT_NEAR(achieved_dram_rate(1000, 1), 128, 128 * 0.02);
}

TEST(MemorySystem, SmsContendingForAFullL2QueueAreServedInTurn) {
    // Four SMs each stream 500 lines of L2 hits, offering 16 sectors per cycle in all to one
    // partition that serves one: the queue stays full, and each SM must get a fair share of its
    // slots. With a fixed order SM 0 would finish at about a quarter of the time, SM 3 last.
    MemorySpec spec = small_spec();
    spec.l2.partitions = 1;
    spec.l2.size_bytes = 1 << 20;
    spec.l2.bytes_per_clk = 32;
    spec.l2.queue_sectors = 8;
    spec.l1.bytes_per_clk = 128;
    constexpr int kSms = 4;
    constexpr std::int64_t kLines = 500;
    MemorySystem memory("mem", spec, kSms);
    std::vector<std::unique_ptr<Flood>> floods;
    Engine engine(EngineSpec{});
    for (int sm = 0; sm < kSms; ++sm) {
        const std::uint64_t base = static_cast<std::uint64_t>(sm) * kLines * 128;
        for (std::int64_t l = 0; l < kLines; ++l) memory.warm_l2(memory.line_of(base + static_cast<std::uint64_t>(l) * 128));
        floods.push_back(std::make_unique<Flood>(memory, 4, kLines, sm, base));
        engine.add(*floods.back());
    }
    engine.add(memory);
    engine.run();
    EXPECT_EQ(memory.state().l2_hits, static_cast<std::uint64_t>(kSms * kLines * 4));
    std::uint64_t first = ~std::uint64_t{0}, last = 0;
    for (const auto& f : floods) {
        first = std::min(first, f->last_);
        last = std::max(last, f->last_);
    }
    EXPECT_GE(static_cast<double>(first), 0.95 * static_cast<double>(last)) << "first SM done at " << first << ", last at " << last;
    EXPECT_NEAR(static_cast<double>(last), kSms * kLines * 4, 0.05 * kSms * kLines * 4) << "one sector per cycle in all";
}

}  // namespace
}  // namespace stcsim::sim
