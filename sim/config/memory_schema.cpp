#include "sim/config/memory_schema.h"

#include <algorithm>

namespace stcsim::sim::config {
namespace {

const char* kSource = "where the values without their own source field come from (publication, or 'estimate: how derived')";

const Schema<SharedMemorySpec>& shared_schema() {
    static const Schema<SharedMemorySpec> s = [] {
        Schema<SharedMemorySpec> x("shared", "Shared memory of one SM and its split of the unified L1/shared storage.");
        x.field("banks", &SharedMemorySpec::banks, {"banks", "shared-memory banks; word w lives in bank w mod banks", Json(32), {}, 1.0, 1024.0});
        x.field("bank_width_bytes", &SharedMemorySpec::bank_width_bytes, {"bytes", "bytes one bank delivers per wavefront", Json(4), {}, 1.0, 128.0});
        x.field("load_latency", &SharedMemorySpec::load_latency,
                {"cycles", "ld.shared issue to data, one wavefront, unloaded; each further wavefront adds wavefront_latency_cycles", Json(23), {}, 1.0, kMaxMemoryLatency});
        x.field("store_latency", &SharedMemorySpec::store_latency, {"cycles", "st.shared issue to completion, one wavefront, unloaded", Json(19), {}, 1.0, kMaxMemoryLatency});
        x.field("ldmatrix_latency", &SharedMemorySpec::ldmatrix_latency,
                {"cycles", "ldmatrix issue to fragments in registers, first wavefront, unloaded", Json(25), {}, 1.0, kMaxMemoryLatency});
        x.field("wavefront_cycles", &SharedMemorySpec::wavefront_cycles,
                {"cycles", "cycles the banks are busy per wavefront (a bank conflict replays one wavefront): the SM's shared-memory throughput", Json(1), {}, 1.0, 1024.0});
        x.field("wavefront_latency_cycles", &SharedMemorySpec::wavefront_latency_cycles,
                {"cycles", "latency each further wavefront of one access adds (a bank conflict, an ldmatrix matrix): the wavefronts of one warp's access follow each other this far apart, while other accesses' wavefronts fill the banks in between", Json(1), {}, 0.0, 1024.0});
        x.field("unified_bytes", &SharedMemorySpec::unified_bytes, {"bytes", "L1 data cache + shared memory storage per SM", Json(196608), {}, 1.0, kMaxSmStorageBytes});
        x.field("max_shared_bytes", &SharedMemorySpec::max_shared_bytes, {"bytes", "largest shared-memory carveout", Json(167936), {}, 0.0, kMaxSmStorageBytes});
        x.field("shared_carveout_bytes", &SharedMemorySpec::shared_carveout_bytes,
                {"bytes", "shared-memory part of the unified storage; the rest is L1 (0: a kernel without shared memory of its own; min_carveout_bytes still applies)",
                 Json(0), {}, 0.0, kMaxSmStorageBytes});
        x.field("min_carveout_bytes", &SharedMemorySpec::min_carveout_bytes,
                {"bytes", "the smallest carveout a kernel runs with, even one without shared memory of its own: the CUDA driver reserves 1 KB of shared memory per thread block (compute capability 8.0 and later), and the smallest carveout that holds it is the L1's loss; the L1 is unified_bytes - max(shared_carveout_bytes, this)",
                 Json(0), {}, 0.0, kMaxSmStorageBytes});
        x.field("source", &SharedMemorySpec::source, {"", kSource, Json("")});
        return x;
    }();
    return s;
}

const Schema<L1Spec>& l1_schema() {
    static const Schema<L1Spec> s = [] {
        Schema<L1Spec> x("l1", "L1 data cache of one SM: sectored, set associative; size = shared.unified_bytes - max(shared.shared_carveout_bytes, shared.min_carveout_bytes).");
        x.field("line_bytes", &L1Spec::line_bytes, {"bytes", "cache line (tag) size", Json(128), {}, 1.0, 4096.0});
        x.field("sector_bytes", &L1Spec::sector_bytes, {"bytes", "sector size: the unit of fill and of memory requests", Json(32), {}, 1.0, 4096.0});
        x.field("ways", &L1Spec::ways, {"ways", "associativity; sets follow from the size", Json(4), {}, 1.0, 1024.0});
        x.field("policy", &L1Spec::policy, {"", "replacement policy", Json("lru"), {"lru", "fifo"}});
        x.field("write_policy", &L1Spec::write_policy,
                {"", "global stores: write through to L2, no allocation on a miss; a hit updates the cached sectors",
                 Json("write_through_no_allocate"), {"write_through_no_allocate"}});
        x.field("hit_latency", &L1Spec::hit_latency, {"cycles", "ld.global issue to data on an L1 hit, unloaded (pointer chase)", Json(33), {}, 1.0, kMaxMemoryLatency});
        x.field("hit_latency_source", &L1Spec::hit_latency_source, {"", "where hit_latency comes from", Json("")});
        x.field("bytes_per_clk", &L1Spec::bytes_per_clk, {"bytes/cycle", "data the L1 returns per cycle (tag lookups of bytes_per_clk / sector_bytes sectors)", Json(128), {}, 1.0, 1048576.0});
        x.field("bytes_per_clk_source", &L1Spec::bytes_per_clk_source, {"", "where bytes_per_clk comes from", Json("")});
        x.field("mshr_sectors", &L1Spec::mshr_sectors, {"sectors", "sector misses one SM may have outstanding (loads wait beyond this)", Json(1024), {}, 1.0, 1048576.0});
        x.field("queue_sectors", &L1Spec::queue_sectors,
                {"sectors", "sector requests waiting for a tag lookup; a warp access waits to enter while it does not fit", Json(128), {}, 32.0, 1048576.0});
        x.field("source", &L1Spec::source, {"", kSource, Json("")});
        return x;
    }();
    return s;
}

const Schema<L2Spec>& l2_schema() {
    static const Schema<L2Spec> s = [] {
        Schema<L2Spec> x("l2", "L2 cache: partitions addressed by a hash of the line address; each SM is near one partition.");
        x.field("size_bytes", &L2Spec::size_bytes, {"bytes", "total capacity, split evenly over the partitions", Json(41943040), {}, 1.0, 1073741824.0});
        x.field("partitions", &L2Spec::partitions, {"partitions", "L2 partitions; SM s is near partition s * partitions / sms", Json(2), {}, 1.0, 1024.0});
        x.field("line_bytes", &L2Spec::line_bytes, {"bytes", "cache line (tag) size", Json(128), {}, 1.0, 4096.0});
        x.field("sector_bytes", &L2Spec::sector_bytes, {"bytes", "sector size", Json(32), {}, 1.0, 4096.0});
        x.field("ways", &L2Spec::ways, {"ways", "associativity of each partition", Json(16), {}, 1.0, 1024.0});
        x.field("policy", &L2Spec::policy, {"", "replacement policy", Json("lru"), {"lru", "fifo"}});
        x.field("near_hit_latency", &L2Spec::near_hit_latency,
                {"cycles", "ld.global issue to data on an L1 miss that hits the near partition, unloaded", Json(205), {}, 1.0, kMaxMemoryLatency});
        x.field("far_hit_latency", &L2Spec::far_hit_latency,
                {"cycles", "ld.global issue to data on an L1 miss that hits a far partition, unloaded", Json(390), {}, 1.0, kMaxMemoryLatency});
        x.field("latency_source", &L2Spec::latency_source, {"", "where the hit latencies come from", Json("")});
        x.field("bytes_per_clk", &L2Spec::bytes_per_clk, {"bytes/cycle", "sector bandwidth of all partitions together (each serves its share)", Json(3830), {}, 1.0, 1e9});
        x.field("bytes_per_clk_source", &L2Spec::bytes_per_clk_source, {"", "where bytes_per_clk comes from, with the conversion", Json("")});
        x.field("queue_sectors", &L2Spec::queue_sectors, {"sectors", "input queue of each partition; a full queue holds requests back in the SMs", Json(256), {}, 1.0, 1048576.0});
        x.field("near_copies", &L2Spec::near_copies,
                {"", "true: an SM's loads look up its near partition first; a miss on a line homed in a far partition is forwarded to that "
                     "(home) partition, served there (far_hit_latency, or DRAM on a miss) and the line is then also kept as a copy in the "
                     "near partition, competing for its capacity under the replacement policy; stores go to the home partition and "
                     "invalidate the copies. false: a line lives only in its home partition",
                 Json(false)});
        x.field("near_copies_source", &L2Spec::near_copies_source, {"", "where near_copies comes from", Json("")});
        x.field("source", &L2Spec::source, {"", kSource, Json("")});
        return x;
    }();
    return s;
}

const Schema<DramSpec>& dram_schema() {
    static const Schema<DramSpec> s = [] {
        Schema<DramSpec> x("dram", "Device memory: channels addressed by a hash of the line address.");
        x.field("latency", &DramSpec::latency,
                {"cycles", "added to the L2 hit latency (near or far) on an L2 miss, unloaded", Json(261), {}, 0.0, kMaxMemoryLatency});
        x.field("latency_source", &DramSpec::latency_source, {"", "where latency comes from", Json("")});
        x.field("bytes_per_clk", &DramSpec::bytes_per_clk, {"bytes/cycle", "bandwidth of all channels together, in bytes per SM cycle", Json(1103), {}, 1.0, 1e9});
        x.field("bytes_per_clk_source", &DramSpec::bytes_per_clk_source, {"", "where bytes_per_clk comes from, with the conversion", Json("")});
        x.field("channels", &DramSpec::channels, {"channels", "independent channels, each with bytes_per_clk / channels", Json(10), {}, 1.0, 1024.0});
        x.field("queue_sectors", &DramSpec::queue_sectors, {"sectors", "request queue of each channel; a full queue holds requests back in L2", Json(256), {}, 1.0, 1048576.0});
        x.field("source", &DramSpec::source, {"", kSource, Json("")});
        return x;
    }();
    return s;
}

bool power_of_two(std::int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

}  // namespace

const Schema<MemorySpec>& memory_schema() {
    static const Schema<MemorySpec> s = [] {
        Schema<MemorySpec> x("memory", "The memory hierarchy: shared memory, L1, L2 partitions, DRAM.");
        x.object("shared", &MemorySpec::shared, shared_schema(), "shared memory and the L1/shared split", false);
        x.object("l1", &MemorySpec::l1, l1_schema(), "L1 data cache", false);
        x.object("l2", &MemorySpec::l2, l2_schema(), "L2 cache", false);
        x.object("dram", &MemorySpec::dram, dram_schema(), "device memory", false);
        return x;
    }();
    return s;
}

std::int64_t l1_bytes(const MemorySpec& spec) {
    return spec.shared.unified_bytes - std::max(spec.shared.shared_carveout_bytes, spec.shared.min_carveout_bytes);
}

void validate_memory(const MemorySpec& m, const std::string& label) {
    const Where at{label, "memory"};
    if (m.shared.shared_carveout_bytes > m.shared.max_shared_bytes)
        (at / "shared" / "shared_carveout_bytes").fail("larger than max_shared_bytes");
    if (m.shared.min_carveout_bytes > m.shared.max_shared_bytes)
        (at / "shared" / "min_carveout_bytes").fail("larger than max_shared_bytes");
    if (m.shared.max_shared_bytes > m.shared.unified_bytes)
        (at / "shared" / "max_shared_bytes").fail("larger than unified_bytes");
    if (!power_of_two(m.shared.banks)) (at / "shared" / "banks").fail("expected a power of two");
    if (!power_of_two(m.shared.bank_width_bytes)) (at / "shared" / "bank_width_bytes").fail("expected a power of two");
    auto check_cache = [&](const std::string& key, std::int64_t size, int line, int sector, int ways) {
        if (!power_of_two(line) || !power_of_two(sector) || sector > line)
            (at / key / "sector_bytes").fail("line and sector sizes must be powers of two, sector <= line, line / sector <= 32");
        if (line / sector > 32) (at / key / "sector_bytes").fail("at most 32 sectors per line");
        if (size <= 0 || size % (static_cast<std::int64_t>(line) * ways) != 0)
            (at / key).fail("size " + std::to_string(size) + " bytes is not a positive multiple of ways * line_bytes");
    };
    check_cache("l1", l1_bytes(m), m.l1.line_bytes, m.l1.sector_bytes, m.l1.ways);
    if (m.l2.size_bytes % m.l2.partitions != 0) (at / "l2" / "partitions").fail("size_bytes must divide evenly");
    check_cache("l2", m.l2.size_bytes / m.l2.partitions, m.l2.line_bytes, m.l2.sector_bytes, m.l2.ways);
    if (m.l1.sector_bytes != m.l2.sector_bytes || m.l1.line_bytes != m.l2.line_bytes)
        (at / "l2" / "line_bytes").fail("L1 and L2 must use the same line and sector sizes");
    if (m.l2.near_hit_latency < m.l1.hit_latency) (at / "l2" / "near_hit_latency").fail("shorter than the L1 hit latency");
    if (m.l2.far_hit_latency < m.l2.near_hit_latency) (at / "l2" / "far_hit_latency").fail("shorter than near_hit_latency");
}

}  // namespace stcsim::sim::config
