#include "sim/gpu/memory_bench.h"

#include <algorithm>
#include <deque>

#include <fmt/format.h>

#include "common/errors.h"
#include "sim/core/engine.h"
#include "sim/core/stats.h"
#include "sim/memory/memory_system.h"

namespace stcsim::sim {
namespace {

constexpr std::uint64_t kMaxWarmLoads = std::uint64_t{1} << 21;
constexpr std::uint64_t kMinMeasuredLoads = 4096;

// One warp on SM 0: each load issues when the previous one's data has arrived.
class PointerChase final : public Component, public MemoryClient {
public:
    PointerChase(MemorySystem& memory, const LatencyBenchParams& p, std::uint64_t warm, std::uint64_t measured)
        : memory_(memory), p_(p), slots_(p.footprint_bytes / p.stride_bytes), warm_(warm), total_(warm + measured) {
        memory_.attach(0, *this);
        const int partitions = memory_.side_of(memory_.sms() - 1) + 1;
        want_ = p.l2_side == "all" ? -1 : p.l2_side == "near" ? memory_.side_of(0) : (memory_.side_of(0) + 1) % partitions;
        partitions_ = partitions;
    }
    const std::string& name() const override { return name_; }
    bool tick(Cycle now) override {
        if (started_) return false;
        started_ = true;
        issue(now);
        return true;
    }
    Cycle next_event(Cycle) const override { return Cycle::never(); }
    bool done() const override { return started_ && issued_ == total_ && !in_flight_; }
    nlohmann::ordered_json dump_state() const override { return {{"issued", issued_}, {"in_flight", in_flight_}}; }
    void on_complete(std::uint64_t, Cycle at) override {
        in_flight_ = false;
        if (issued_ == warm_) measure_start_ = at;
        end_ = at;
        if (issued_ < total_) issue(at);
    }
    Cycle measure_start() const { return measure_start_; }
    Cycle end() const { return end_; }

private:
    std::uint64_t next_address() {
        for (std::uint64_t tries = 0; tries <= slots_; ++tries) {
            const std::uint64_t address = slot_ * p_.stride_bytes;
            slot_ = slot_ + 1 == slots_ ? 0 : slot_ + 1;
            if (want_ < 0 || l2_partition_of(memory_.line_of(address), partitions_) == want_) return address;
        }
        throw UserError("--l2-side: no line of the footprint lies in the requested partition");
    }
    void issue(Cycle now) {
        WarpMemRequest r;
        r.op = MemOp::load;
        r.lanes.active = 1u;  // the chase is one thread's chain of dependent loads
        r.lanes.addr[0] = next_address();
        r.width_bytes = 8;
        memory_.issue(0, r, now);
        in_flight_ = true;
        ++issued_;
    }

    std::string name_ = "pointer_chase";
    MemorySystem& memory_;
    LatencyBenchParams p_;
    std::uint64_t slots_, warm_, total_;
    std::uint64_t slot_ = 0, issued_ = 0;
    int want_ = -1, partitions_ = 1;
    bool started_ = false, in_flight_ = false;
    Cycle measure_start_{0}, end_{0};
};

// Every SM streams warp loads of 512 bytes (16 bytes per lane), up to kInFlight at a time.
class Streamers final : public Component {
public:
    static constexpr int kInFlight = 64;
    Streamers(MemorySystem& memory, MemOp op, std::uint64_t region_bytes, bool shared_region, std::int64_t loads)
        : memory_(memory), op_(op), region_(region_bytes), shared_(shared_region), loads_(loads) {
        sms_.resize(static_cast<std::size_t>(memory.sms()));
        for (std::size_t i = 0; i < sms_.size(); ++i) {
            sms_[i].owner = this;
            memory_.attach(static_cast<int>(i), sms_[i]);
        }
        total_bytes_ = static_cast<std::uint64_t>(loads) * 512 * sms_.size();
    }
    const std::string& name() const override { return name_; }
    bool tick(Cycle now) override {
        bool progressed = false;
        for (std::size_t i = 0; i < sms_.size(); ++i) {
            Sm& s = sms_[i];
            if (s.issued == loads_ || s.in_flight == kInFlight) continue;
            WarpMemRequest r = request(i, s.issued);
            if (!memory_.can_accept(static_cast<int>(i), r)) continue;
            memory_.issue(static_cast<int>(i), r, now);
            ++s.issued;
            ++s.in_flight;
            progressed = true;
        }
        return progressed;
    }
    Cycle next_event(Cycle now) const override {
        for (const Sm& s : sms_)
            if (s.issued < loads_ && s.in_flight < kInFlight) return now + 1;
        return Cycle::never();
    }
    bool done() const override { return arrived_ == total_bytes_; }
    nlohmann::ordered_json dump_state() const override { return {{"arrived_bytes", arrived_}, {"total_bytes", total_bytes_}}; }
    std::uint64_t region_base(std::size_t sm) const { return shared_ ? 0 : static_cast<std::uint64_t>(sm) * region_; }
    double bytes_per_clk() const {
        return 0.8 * static_cast<double>(total_bytes_) / static_cast<double>(std::max<std::uint64_t>(1, t90_ - t10_));
    }

private:
    struct Sm final : MemoryClient {
        Streamers* owner = nullptr;
        std::int64_t issued = 0;
        int in_flight = 0;
        void on_complete(std::uint64_t, Cycle at) override {
            --in_flight;
            owner->arrived(at);
        }
    };
    WarpMemRequest request(std::size_t sm, std::int64_t k) const {
        WarpMemRequest r;
        r.op = op_;
        r.width_bytes = 16;
        // SMs start at different offsets of a shared region so that they do not move in lock step.
        const std::uint64_t offset = (static_cast<std::uint64_t>(k) * 512 + (shared_ ? sm * 8192 : 0)) % region_;
        for (int l = 0; l < 32; ++l) r.lanes.addr[static_cast<std::size_t>(l)] = region_base(sm) + offset + static_cast<std::uint64_t>(l) * 16;
        return r;
    }
    void arrived(Cycle at) {
        arrived_ += 512;
        if (t10_ == 0 && arrived_ * 10 >= total_bytes_) t10_ = at.value();
        if (t90_ == 0 && arrived_ * 10 >= total_bytes_ * 9) t90_ = at.value();
    }

    std::string name_ = "streamers";
    MemorySystem& memory_;
    MemOp op_;
    std::uint64_t region_;
    bool shared_;
    std::int64_t loads_;
    std::deque<Sm> sms_;
    std::uint64_t total_bytes_ = 0, arrived_ = 0, t10_ = 0, t90_ = 0;
};

}  // namespace

LatencyBenchResult run_latency_bench(const GpuSpec& spec, const LatencyBenchParams& params) {
    if (params.stride_bytes == 0 || params.stride_bytes % 8 != 0) throw UserError("--stride: expected a positive multiple of 8 bytes");
    if (params.footprint_bytes < params.stride_bytes) throw UserError("--footprint: expected at least one stride");
    if (params.footprint_bytes > kMaxFootprintBytes)
        throw UserError(fmt::format("--footprint: expected at most {} bytes, got {}", kMaxFootprintBytes, params.footprint_bytes));
    if (params.l2_side != "all" && params.l2_side != "near" && params.l2_side != "far")
        throw UserError("--l2-side: expected all, near or far");
    const std::uint64_t slots = params.footprint_bytes / params.stride_bytes;
    // Twice the loads that fill every cache the chase goes through: enough to reach the steady state.
    const std::uint64_t cached = static_cast<std::uint64_t>(spec.memory.shared.unified_bytes + spec.memory.l2.size_bytes);
    const std::uint64_t warm = std::min({slots, kMaxWarmLoads, 2 * cached / params.stride_bytes + 1});
    const std::uint64_t measured = std::clamp(slots, kMinMeasuredLoads, std::max(kMinMeasuredLoads, params.max_measured_loads));

    MemorySpec memory_spec = spec.memory;
    // Once warm, a far line is served by its near copy: `far` measures the far partition itself.
    if (params.l2_side == "far") memory_spec.l2.near_copies = false;
    MemorySystem memory("memory", memory_spec, spec.gpu.sms);
    PointerChase chase(memory, params, warm, measured);
    Stats stats;
    memory.register_stats(stats, "memory");
    EngineSpec engine_spec = spec.engine;
    Engine engine(engine_spec);
    engine.add(chase);
    engine.add(memory);
    const Cycle end = engine.run();

    LatencyBenchResult r;
    r.loads = measured;
    r.cycles = end.value();
    r.latency_cycles = static_cast<double>(chase.end() - chase.measure_start()) / static_cast<double>(measured);
    r.stats = stats.document();
    return r;
}

BandwidthBenchResult run_bandwidth_bench(const GpuSpec& spec, const std::string& level, std::int64_t loads_per_sm) {
    if (loads_per_sm < 0 || loads_per_sm > kMaxLoadsPerSm)
        throw UserError(fmt::format("--loads: expected 0 to {}, got {}", kMaxLoadsPerSm, loads_per_sm));
    MemorySystem memory("memory", spec.memory, spec.gpu.sms);
    const std::uint64_t line = static_cast<std::uint64_t>(spec.memory.l1.line_bytes);
    std::unique_ptr<Streamers> streamers;
    if (level == "l1") {
        const std::uint64_t region = 32 * 1024;
        streamers = std::make_unique<Streamers>(memory, MemOp::load, region, false, loads_per_sm > 0 ? loads_per_sm : 2048);
        for (int sm = 0; sm < memory.sms(); ++sm)
            for (std::uint64_t a = 0; a < region; a += line) memory.warm_l1(sm, memory.line_of(streamers->region_base(static_cast<std::size_t>(sm)) + a));
    } else if (level == "l2") {
        const std::uint64_t region = std::min<std::uint64_t>(8 << 20, static_cast<std::uint64_t>(spec.memory.l2.size_bytes) / 4);
        streamers = std::make_unique<Streamers>(memory, MemOp::load_bypass_l1, region, true, loads_per_sm > 0 ? loads_per_sm : 1024);
        for (std::uint64_t a = 0; a < region; a += line) memory.warm_l2(memory.line_of(a));
    } else if (level == "dram") {
        streamers = std::make_unique<Streamers>(memory, MemOp::load_bypass_l1, 64ull << 20, false, loads_per_sm > 0 ? loads_per_sm : 512);
    } else {
        throw UserError("--level: expected l1, l2 or dram, got '" + level + "'");
    }
    Stats stats;
    memory.register_stats(stats, "memory");
    Engine engine(spec.engine);
    engine.add(*streamers);
    engine.add(memory);
    const Cycle end = engine.run();

    BandwidthBenchResult r;
    r.cycles = end.value();
    r.bytes_per_clk = streamers->bytes_per_clk();
    r.bytes_per_clk_per_sm = r.bytes_per_clk / spec.gpu.sms;
    r.gigabytes_per_s = r.bytes_per_clk * spec.gpu.clock_mhz * 1e6 / 1e9;
    r.stats = stats.document();
    return r;
}

namespace {

SmemBenchResult run_shared(const GpuSpec& spec, SharedMemory::Kind kind, int wavefronts, int phases, std::uint64_t bytes,
                           std::int64_t iters) {
    if (iters < 1 || iters > kMaxMemoryBenchIters)
        throw UserError(fmt::format("--iters: expected 1 to {}, got {}", kMaxMemoryBenchIters, iters));
    SharedMemory smem(spec.memory.shared);
    SmemBenchResult r;
    r.wavefronts = wavefronts;
    r.bank_conflicts = wavefronts - phases;
    std::uint64_t last = 0;
    for (std::int64_t i = 0; i < iters; ++i) {
        last = smem.access(kind, wavefronts, 0);
        smem.count(bytes, phases, wavefronts);
        if (i == 0) r.latency_cycles = static_cast<double>(last);
    }
    r.cycles_per_access = static_cast<double>(smem.state().busy_until) / static_cast<double>(iters);
    Stats stats;
    smem.register_stats(stats, "sm0.shared");
    r.stats = stats.document();
    return r;
}

}  // namespace

SmemBenchResult run_smem_bench(const GpuSpec& spec, const SmemBenchParams& p) {
    LaneAddresses lanes;
    for (int l = 0; l < 32; ++l) lanes.addr[static_cast<std::size_t>(l)] = static_cast<std::uint64_t>(l) * p.stride_bytes;
    const int wavefronts = shared_wavefronts(spec.memory.shared, lanes, p.width_bytes);
    const int wavefront_bytes = spec.memory.shared.banks * spec.memory.shared.bank_width_bytes;
    const int phases = std::max(1, 32 * p.width_bytes / wavefront_bytes);
    return run_shared(spec, SharedMemory::Kind::load, wavefronts, phases, static_cast<std::uint64_t>(32 * p.width_bytes), p.iters);
}

SmemBenchResult run_ldmatrix_bench(const GpuSpec& spec, const LdmatrixBenchParams& p) {
    LaneAddresses lanes;
    // Lane l gives row (l % 8) + 8 * (l / 16) and 16-byte chunk (l / 8) % 2 of a 16 x 32-byte tile
    // (the A operand of m16n8k16: four 8x8 b16 matrices).
    for (int l = 0; l < 32; ++l) {
        const auto row = static_cast<std::uint64_t>(l % 8 + 8 * (l / 16));
        auto chunk = static_cast<std::uint64_t>(l / 8 % 2);
        if (p.swizzle) chunk ^= row % 8;
        lanes.addr[static_cast<std::size_t>(l)] = row * p.row_pitch_bytes + chunk * 16;
    }
    if (p.row_pitch_bytes % 16 != 0) throw UserError("--row-pitch: expected a multiple of 16 bytes");
    const int wavefronts = ldmatrix_wavefronts(spec.memory.shared, lanes, p.num);
    return run_shared(spec, SharedMemory::Kind::ldmatrix, wavefronts, p.num, static_cast<std::uint64_t>(128 * p.num), p.iters);
}

}  // namespace stcsim::sim
