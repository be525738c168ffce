// MemorySystem: the global-memory path of every SM (coalescer, L1) and the shared L2 partitions
// and DRAM channels, as one Engine component. Requests are 32-byte sectors that flow through
// finite queues; each stage serves its queue at its configured bandwidth (bytes per cycle) and a
// full queue holds the stage before it back, so bandwidth limits and queueing delay emerge under
// load. Unloaded latencies equal the configured ones:
//   L1 hit            l1.hit_latency
//   L2 hit            l2.near_hit_latency or l2.far_hit_latency (the line's partition relative to the SM)
//   DRAM              the L2 hit latency + dram.latency
// A line's home is one L2 partition (l2_partition_of its address). With l2.near_copies false an
// SM's L1 misses go to the line's home. With l2.near_copies true an SM's loads (load and
// load_bypass_l1) look up its near partition first:
//   - a hit there (a line homed there, or a copy of a far line) costs near_hit_latency;
//   - a miss on a line homed there goes to DRAM as without copies;
//   - a miss on a line homed in a far partition allocates a copy in the near partition (competing
//     with its home lines under the partition's replacement policy, no priority either way) and is
//     forwarded to the home partition, where it takes its place in the queue (always: the queue
//     bound holds back only new requests from the SMs) and bandwidth: a hit there costs
//     far_hit_latency, a miss far_hit_latency + dram.latency, and the copy fills at that cycle.
//     The request enters the home partition's queue the cycle after the near lookup;
//     far_hit_latency includes that cycle, so unloaded latencies equal the configured ones.
//   - stores go to the line's home partition as without copies (write-back, allocate) and
//     invalidate the line's copies in the other partitions (write-invalidate: the next load of a
//     far line from the storing side misses its near partition and fetches a new copy).
// The SMs' L1s offer their sectors to the L2 queues in turn, starting each cycle at the next SM
// (round-robin arbitration): when a partition's queue is full, no SM is always served first.
// Tick phases: deliver (responses due now complete warp accesses: MemoryClient::on_complete),
// l1 (per SM: tag lookups), l2 (per partition), dram (per channel), forwards (requests forwarded
// this cycle enter their home queues).
//
// The per-SM interface: can_accept(sm, request) then issue(sm, request, now) -> token; the SM's
// MemoryClient gets on_complete(token, cycle) when the last sector of that warp access is in
// registers (loads) or acknowledged by L2 (stores). A client may issue from inside on_complete.
// Tokens are per SM and reused once completed: small numbers, bounded by the SM's accesses in
// flight, that a client may index a table with.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "sim/config/memory_spec.h"
#include "sim/core/component.h"
#include "sim/core/due_queue.h"
#include "sim/core/stats.h"
#include "sim/memory/cache.h"
#include "sim/memory/coalescer.h"
#include "sim/memory/shared_memory.h"

namespace stcsim::sim {

enum class MemOp : std::uint8_t {
    load,            // ld.global: L1, then L2
    load_bypass_l1,  // ld.global.cg, cp.async.cg: L2 only
    store,           // st.global: write through to L2, no L1 allocation
};

struct WarpMemRequest {
    MemOp op = MemOp::load;
    LaneAddresses lanes;
    int width_bytes = 4;  // per lane
};

class MemoryClient {
public:
    virtual ~MemoryClient() = default;
    virtual void on_complete(std::uint64_t token, Cycle at) = 0;
    // The SM's L1 queue took sectors at `now`, after notify_when_drained() asked for it.
    virtual void on_drained(Cycle now) { (void)now; }
};

// Which L2 partition holds `line` (an XOR fold of the line address; partitions a power of two).
int l2_partition_of(std::uint64_t line, int partitions);

class MemorySystem final : public Component {
public:
    MemorySystem(std::string name, const MemorySpec& spec, int sms);

    void attach(int sm, MemoryClient& client);
    bool can_accept(int sm, const WarpMemRequest& request) const;
    std::uint64_t issue(int sm, const WarpMemRequest& request, Cycle now);
    // The same for another client of the SM (its TMA unit), which gets that access's on_complete;
    // on_drained still goes to the attached client only.
    std::uint64_t issue(int sm, const WarpMemRequest& request, Cycle now, MemoryClient& client);
    // The SM's client gets on_drained() the next time its L1 queue takes sectors (once): a
    // request can_accept() refused cannot be accepted before.
    void notify_when_drained(int sm) { l1_[static_cast<std::size_t>(sm)].notify_drained = true; }

    // Benchmarks: install lines as if a warm-up pass had loaded them (tags only, no time).
    void warm_l1(int sm, std::uint64_t line);
    // In the line's home partition; with l2.near_copies also as a copy in every other partition
    // (a warm-up pass by SMs of every side).
    void warm_l2(std::uint64_t line);

    int sms() const { return static_cast<int>(l1_.size()); }
    int line_bytes() const { return spec_.l2.line_bytes; }
    int side_of(int sm) const;
    std::uint64_t line_of(std::uint64_t address) const { return address / static_cast<std::uint64_t>(spec_.l1.line_bytes); }

    const std::string& name() const override { return name_; }
    bool tick(Cycle now) override;
    Cycle next_event(Cycle now) const override;
    bool done() const override;
    nlohmann::ordered_json dump_state() const override;
    void register_stats(Stats& stats, const std::string& prefix) const;

    struct State {
        std::uint64_t l1_accesses = 0, l1_hits = 0, l1_misses = 0, l1_bypass = 0, l1_stores = 0;
        std::uint64_t l1_bytes = 0, l1_stall_mshr = 0, l1_stall_queue = 0;
        std::uint64_t l2_accesses = 0, l2_hits = 0, l2_misses = 0, l2_near = 0, l2_far = 0, l2_bytes = 0, l2_stall_dram = 0;
        std::uint64_t l2_copy_hits = 0, l2_forwarded = 0, l2_invalidated = 0;  // l2.near_copies only
        std::uint64_t dram_reads = 0, dram_bytes = 0;
        std::uint64_t warp_accesses = 0, completed = 0;
    };
    const State& state() const { return state_; }

private:
    // The sectors of one line that one warp access still needs from a stage. Stages serve them
    // one sector at a time, lowest first, exactly as if each sector were queued alone; keeping
    // them together spares a queue entry, a tag search and a response per sector.
    struct Burst {
        std::uint32_t token = 0;
        std::uint32_t sm = 0;
        std::uint64_t line = 0;
        std::uint32_t sectors = 0;  // mask of the sectors not yet served
        std::uint16_t partition = 0;  // the L2 partition of the line
        MemOp op = MemOp::load;
        Burst only(std::uint32_t bit) const {
            Burst b = *this;
            b.sectors = bit;
            return b;
        }
    };
    struct Stage {  // a FIFO of sectors served at a fixed rate
        std::deque<Burst> queue;
        std::size_t sectors = 0;  // queued sectors
        double next_free = 0;
        double service = 1;  // cycles per sector
        bool can_start(Cycle now) const { return next_free < static_cast<double>(now.value() + 1); }
        // Queues `b` (`count` sectors), joining it to the last burst when it continues that one
        // (same access and line, higher sectors): the order in which sectors are served does not
        // change.
        void push(const Burst& b, int count);
        // Serves sector `bit` of the front burst at `now`: takes it from the queue and keeps the
        // stage busy for one sector's service time.
        void serve(std::uint32_t bit, Cycle now);
    };
    struct L1 {
        std::unique_ptr<SectoredCache> cache;
        Stage stage;
        int side = 0;  // the L2 partition near this SM
        int mshr_used = 0;
        bool notify_drained = false;
        MemoryClient* client = nullptr;
        std::vector<int> remaining;  // by token: sectors not yet delivered
        std::vector<MemoryClient*> token_client;  // by token: who gets on_complete
        std::vector<std::uint32_t> free_tokens;
    };
    struct L2Partition {
        std::unique_ptr<SectoredCache> cache;
        Stage stage;
    };
    struct Response {  // `sectors` sectors of one access, due at the same cycle
        std::uint32_t token = 0;
        bool mshr = false;
        std::uint32_t sm = 0;
        std::uint32_t sectors = 1;
    };

    bool deliver(Cycle now);
    bool tick_l1(std::uint32_t sm, Cycle now);
    bool tick_l2(int partition, Cycle now);
    // Serve the front burst of `partition`'s queue until it is done (true) or stalls (false).
    bool serve_home(int partition, const Burst& b, Cycle now, bool& progressed);  // the line's home
    bool serve_copy(int partition, const Burst& b, Cycle now, bool& progressed);  // a far line's copy
    // From the near partition to b.partition: the burst enters that queue at the end of the tick
    // (flush_forwards), so that it is served next cycle at the earliest.
    void forward(const Burst& b);
    void flush_forwards();
    bool tick_dram(int channel, Cycle now);
    void respond(const Burst& b, std::uint64_t ready, bool mshr);  // one sector of b's access
    int hit_latency(std::uint32_t sm, int partition) const;
    // Cycles from a lookup in the line's home partition to its data (a forwarded request has
    // spent one of far_hit_latency's cycles on the way).
    int home_latency(std::uint32_t sm, int partition, MemOp op) const {
        const int latency = hit_latency(sm, partition);
        return copies_ && op != MemOp::store && l1_[sm].side != partition ? latency - 1 : latency;
    }
    int channel_of(std::uint64_t line) const;

    std::string name_;
    const MemorySpec& spec_;
    std::vector<L1> l1_;
    std::vector<L2Partition> l2_;
    std::vector<Stage> dram_;
    DueQueue<Response> responses_;  // by ready cycle, then issue order
    std::vector<LineRequest> lines_scratch_;  // issue(): the lines of the access being issued
    std::vector<Burst> forwards_;  // forwarded this cycle, to enter their home queues next cycle
    bool copies_ = false;          // l2.near_copies
    std::uint64_t queued_ = 0;  // sectors in any stage queue
    State state_;
};

}  // namespace stcsim::sim
