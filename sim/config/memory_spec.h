// The plain Spec structs of the memory hierarchy (the `memory` key of a GPU config). No
// behaviour: the field tables in memory_schema.cpp document every member; sim/memory builds its
// units from these. One clock: every latency is in SM cycles and every bandwidth in bytes per SM
// cycle (the config's source text gives the published figure and the conversion).
#pragma once

#include <cstdint>
#include <string>

namespace stcsim::sim {

// Bounds the memory config's fields are declared with (memory_schema.cpp): a latency of up to
// 10^8 cycles is legal (the engine sleeps through it), and an SM's storage is allocated per SM.
inline constexpr int kMaxMemoryLatency = 100'000'000;
inline constexpr std::int64_t kMaxSmStorageBytes = std::int64_t{16} << 20;

struct SharedMemorySpec {
    int banks = 32;
    int bank_width_bytes = 4;
    int load_latency = 23;      // ld.shared issue to data, one wavefront, unloaded
    int store_latency = 19;     // st.shared issue to completion
    int ldmatrix_latency = 25;  // ldmatrix issue to fragments, one wavefront per matrix
    int wavefront_cycles = 1;   // cycles the banks are busy per wavefront (replay)
    int wavefront_latency_cycles = 1;  // latency each further wavefront of one access adds
    std::int64_t unified_bytes = 192 * 1024;      // L1 + shared storage per SM
    std::int64_t max_shared_bytes = 164 * 1024;   // largest shared-memory carveout
    std::int64_t shared_carveout_bytes = 0;       // shared-memory part of the unified storage
    std::int64_t min_carveout_bytes = 0;          // the smallest carveout any kernel runs with
    std::string source;
};

struct L1Spec {
    int line_bytes = 128;
    int sector_bytes = 32;
    int ways = 4;  // sets = l1_bytes(memory) / (ways * line_bytes)
    std::string policy = "lru";
    std::string write_policy = "write_through_no_allocate";
    int hit_latency = 33;
    std::string hit_latency_source;
    int bytes_per_clk = 128;
    std::string bytes_per_clk_source;
    int mshr_sectors = 1024;  // outstanding sector misses per SM
    int queue_sectors = 128;  // requests waiting for a tag lookup
    std::string source;
};

struct L2Spec {
    std::int64_t size_bytes = 40LL * 1024 * 1024;
    int partitions = 2;
    int line_bytes = 128;
    int sector_bytes = 32;
    int ways = 16;
    std::string policy = "lru";
    int near_hit_latency = 205;
    int far_hit_latency = 390;
    std::string latency_source;
    double bytes_per_clk = 3830;  // all partitions together
    std::string bytes_per_clk_source;
    int queue_sectors = 256;      // input queue of each partition
    bool near_copies = false;     // loads look up the SM's near partition first, which keeps copies of far lines
    std::string near_copies_source;
    std::string source;
};

struct DramSpec {
    int latency = 261;            // added to the L2 hit latency on an L2 miss
    std::string latency_source;
    double bytes_per_clk = 1103;  // all channels together
    std::string bytes_per_clk_source;
    int channels = 10;
    int queue_sectors = 256;      // per channel
    std::string source;
};

struct MemorySpec {
    SharedMemorySpec shared;
    L1Spec l1;
    L2Spec l2;
    DramSpec dram;
};

}  // namespace stcsim::sim
