#include "sim/memory/memory_system.h"

#include <algorithm>
#include <bit>

#include "common/errors.h"
#include "sim/config/memory_schema.h"
#include "sim/memory/coalescer.h"

namespace stcsim::sim {

int l2_partition_of(std::uint64_t line, int partitions) {
    if (partitions <= 1) return 0;
    const int bits = std::countr_zero(static_cast<unsigned>(partitions));
    std::uint64_t h = 0;
    for (std::uint64_t v = line; v != 0; v >>= bits) h ^= v;
    return static_cast<int>(h & static_cast<std::uint64_t>(partitions - 1));
}

MemorySystem::MemorySystem(std::string name, const MemorySpec& spec, int sms)
    : name_(std::move(name)), spec_(spec), copies_(spec.l2.near_copies && spec.l2.partitions > 1) {
    if (sms < 1) throw UserError("memory: at least one SM expected");
    if ((spec.l2.partitions & (spec.l2.partitions - 1)) != 0) throw UserError("memory.l2.partitions: expected a power of two");
    CacheGeometry g1{config::l1_bytes(spec), spec.l1.line_bytes, spec.l1.sector_bytes, spec.l1.ways, spec.l1.policy, 0};
    l1_.resize(static_cast<std::size_t>(sms));
    for (std::size_t i = 0; i < l1_.size(); ++i) {
        L1& l = l1_[i];
        l.side = static_cast<int>(i) * spec.l2.partitions / sms;
        l.cache = std::make_unique<SectoredCache>(g1);
        l.stage.service = static_cast<double>(spec.l1.sector_bytes) / spec.l1.bytes_per_clk;
    }
    CacheGeometry g2{spec.l2.size_bytes / spec.l2.partitions, spec.l2.line_bytes, spec.l2.sector_bytes, spec.l2.ways,
                     spec.l2.policy, std::countr_zero(static_cast<unsigned>(spec.l2.partitions))};
    l2_.resize(static_cast<std::size_t>(spec.l2.partitions));
    for (L2Partition& p : l2_) {
        p.cache = std::make_unique<SectoredCache>(g2);
        p.stage.service = static_cast<double>(spec.l2.sector_bytes) * spec.l2.partitions / spec.l2.bytes_per_clk;
    }
    dram_.resize(static_cast<std::size_t>(spec.dram.channels));
    for (Stage& c : dram_) c.service = static_cast<double>(spec.l2.sector_bytes) * spec.dram.channels / spec.dram.bytes_per_clk;
}

void MemorySystem::attach(int sm, MemoryClient& client) { l1_.at(static_cast<std::size_t>(sm)).client = &client; }

int MemorySystem::side_of(int sm) const { return l1_.at(static_cast<std::size_t>(sm)).side; }

int MemorySystem::hit_latency(std::uint32_t sm, int partition) const {
    return l1_[sm].side == partition ? spec_.l2.near_hit_latency : spec_.l2.far_hit_latency;
}

int MemorySystem::channel_of(std::uint64_t line) const {
    const std::uint64_t h = line ^ (line >> 7) ^ (line >> 15);
    return static_cast<int>(h % static_cast<std::uint64_t>(spec_.dram.channels));
}

bool MemorySystem::can_accept(int sm, const WarpMemRequest& request) const {
    const auto sectors = static_cast<std::size_t>(32 * request.width_bytes / spec_.l1.sector_bytes + 2);
    return l1_.at(static_cast<std::size_t>(sm)).stage.sectors + std::min<std::size_t>(sectors, 32) <=
           static_cast<std::size_t>(spec_.l1.queue_sectors);
}

std::uint64_t MemorySystem::issue(int sm, const WarpMemRequest& request, Cycle now) {
    L1& l1 = l1_.at(static_cast<std::size_t>(sm));
    if (l1.client == nullptr) throw InternalError("memory: SM " + std::to_string(sm) + " has no client attached");
    return issue(sm, request, now, *l1.client);
}

std::uint64_t MemorySystem::issue(int sm, const WarpMemRequest& request, Cycle now, MemoryClient& client) {
    L1& l1 = l1_.at(static_cast<std::size_t>(sm));
    std::vector<LineRequest>& lines = lines_scratch_;
    coalesce(request.lanes, request.width_bytes, spec_.l1.line_bytes, spec_.l1.sector_bytes, lines);
    std::uint32_t token = 0;
    if (l1.free_tokens.empty()) {
        token = static_cast<std::uint32_t>(l1.remaining.size());
        l1.remaining.push_back(0);
    } else {
        token = l1.free_tokens.back();
        l1.free_tokens.pop_back();
    }
    if (l1.token_client.size() <= token) l1.token_client.resize(token + 1, nullptr);
    l1.token_client[token] = &client;
    int& remaining = l1.remaining[token];
    remaining = 0;
    Burst b;
    b.token = token;
    b.sm = static_cast<std::uint32_t>(sm);
    b.op = request.op;
    for (const LineRequest& r : lines) {
        if (r.sectors == 0) continue;
        b.line = r.line;
        b.sectors = r.sectors;
        b.partition = static_cast<std::uint16_t>(l2_partition_of(r.line, spec_.l2.partitions));
        const int n = std::popcount(r.sectors);
        l1.stage.push(b, n);
        remaining += n;
        queued_ += static_cast<std::uint64_t>(n);
    }
    ++state_.warp_accesses;
    if (remaining == 0) respond(b, now.value(), false);
    return token;
}

void MemorySystem::warm_l1(int sm, std::uint64_t line) {
    const std::uint32_t all = (std::uint32_t{1} << (spec_.l1.line_bytes / spec_.l1.sector_bytes)) - 1;
    l1_.at(static_cast<std::size_t>(sm)).cache->access(line, all, true);
}

void MemorySystem::warm_l2(std::uint64_t line) {
    const std::uint32_t all = (std::uint32_t{1} << (spec_.l2.line_bytes / spec_.l2.sector_bytes)) - 1;
    const int home = l2_partition_of(line, spec_.l2.partitions);
    for (int p = 0; p < static_cast<int>(l2_.size()); ++p)
        if (p == home || copies_) l2_[static_cast<std::size_t>(p)].cache->access(line, all, true);
}

void MemorySystem::Stage::push(const Burst& b, int count) {
    sectors += static_cast<std::size_t>(count);
    if (!queue.empty()) {
        Burst& last = queue.back();
        if (last.token == b.token && last.sm == b.sm && last.line == b.line && last.op == b.op &&
            static_cast<int>(std::bit_width(last.sectors)) <= std::countr_zero(b.sectors)) {
            last.sectors |= b.sectors;
            return;
        }
    }
    queue.push_back(b);
}

void MemorySystem::Stage::serve(std::uint32_t bit, Cycle now) {
    next_free = std::max(next_free, static_cast<double>(now.value())) + service;
    Burst& b = queue.front();
    b.sectors &= ~bit;
    --sectors;
    if (b.sectors == 0) queue.pop_front();
}

void MemorySystem::respond(const Burst& b, std::uint64_t ready, bool mshr) {
    // Sectors of one access due at the same cycle, one after the other, are one response.
    Response* last = responses_.last_at(ready);
    if (last != nullptr && last->token == b.token && last->sm == b.sm && last->mshr == mshr) {
        ++last->sectors;
        return;
    }
    responses_.push(ready, {b.token, mshr, b.sm, 1});
}

bool MemorySystem::deliver(Cycle now) {
    bool progressed = false;
    responses_.drain(now.value(), [&](const Response& r) {
        progressed = true;
        L1& l1 = l1_[r.sm];
        if (r.mshr) l1.mshr_used -= static_cast<int>(r.sectors);
        int& remaining = l1.remaining[r.token];
        remaining = std::max(0, remaining - static_cast<int>(r.sectors));
        if (remaining == 0) {
            l1.free_tokens.push_back(r.token);
            ++state_.completed;
            l1.token_client[r.token]->on_complete(r.token, now);
        }
    });
    return progressed;
}

bool MemorySystem::tick_l1(std::uint32_t sm, Cycle now) {
    L1& l1 = l1_[sm];
    bool progressed = false;
    while (!l1.stage.queue.empty() && l1.stage.can_start(now)) {
        const Burst b = l1.stage.queue.front();
        const int partition = b.partition;
        // With near copies, loads look up the near partition first.
        const int first = copies_ && b.op != MemOp::store ? l1.side : partition;
        Stage& target = l2_[static_cast<std::size_t>(first)].stage;
        // Only this loop changes this L1's tags, so one search serves the whole burst.
        std::ptrdiff_t way = b.op == MemOp::load ? l1.cache->find(b.line) : -1;
        for (std::uint32_t left = b.sectors; left != 0 && l1.stage.can_start(now); left &= left - 1) {
            const std::uint32_t bit = left & (~left + 1);
            const bool hit = l1.cache->holds(way, bit);
            if (!hit && target.sectors >= static_cast<std::size_t>(spec_.l2.queue_sectors)) {
                ++state_.l1_stall_queue;
                return progressed;
            }
            if (!hit && b.op != MemOp::store && l1.mshr_used >= spec_.l1.mshr_sectors) {
                ++state_.l1_stall_mshr;
                return progressed;
            }
            l1.stage.serve(bit, now);
            progressed = true;
            ++state_.l1_accesses;
            if (b.op == MemOp::store) {
                ++state_.l1_stores;
                l1.cache->update_if_present(b.line, bit);
            } else if (b.op == MemOp::load_bypass_l1) {
                ++state_.l1_bypass;
                ++l1.mshr_used;
            } else {
                state_.l1_bytes += static_cast<std::uint64_t>(spec_.l1.sector_bytes);
                const CacheResult r = l1.cache->access_at(way, b.line, bit, true);
                if (hit) {
                    ++state_.l1_hits;
                    respond(b, std::max(now.value() + static_cast<std::uint64_t>(spec_.l1.hit_latency), r.ready), false);
                    --queued_;
                    continue;
                }
                ++state_.l1_misses;
                way = r.way;
                l1.cache->set_ready_at(r.way, now.value() + static_cast<std::uint64_t>(hit_latency(sm, partition)));
                ++l1.mshr_used;
            }
            target.push(b.only(bit), 1);
        }
    }
    return progressed;
}

bool MemorySystem::tick_l2(int partition, Cycle now) {
    L2Partition& part = l2_[static_cast<std::size_t>(partition)];
    bool progressed = false;
    while (!part.stage.queue.empty() && part.stage.can_start(now)) {
        const Burst b = part.stage.queue.front();
        const bool served = b.partition == partition ? serve_home(partition, b, now, progressed) : serve_copy(partition, b, now, progressed);
        if (!served) break;
    }
    return progressed;
}

bool MemorySystem::serve_home(int partition, const Burst& b, Cycle now, bool& progressed) {
    L2Partition& part = l2_[static_cast<std::size_t>(partition)];
    // Only this loop changes this partition's tags, and no loop here changes the L1's.
    std::ptrdiff_t way = part.cache->find(b.line);
    std::ptrdiff_t l1_way = -2;  // not searched yet
    Stage& channel = dram_[static_cast<std::size_t>(channel_of(b.line))];
    const auto latency = static_cast<std::uint64_t>(home_latency(b.sm, partition, b.op));
    const int side = l1_[b.sm].side;
    const bool near = side == partition;
    // A forwarded load: the copy in the SM's near partition fills when the data is here.
    const bool copy = copies_ && !near && b.op != MemOp::store;
    std::ptrdiff_t copy_way = -2;  // not searched yet
    if (copies_ && b.op == MemOp::store)
        for (int p = 0; p < static_cast<int>(l2_.size()); ++p)
            if (p != partition && l2_[static_cast<std::size_t>(p)].cache->invalidate(b.line)) ++state_.l2_invalidated;
    for (std::uint32_t left = b.sectors; left != 0 && part.stage.can_start(now); left &= left - 1) {
        const std::uint32_t bit = left & (~left + 1);
        const bool hit = b.op == MemOp::store || part.cache->holds(way, bit);
        if (!hit && channel.sectors >= static_cast<std::size_t>(spec_.dram.queue_sectors)) {
            ++state_.l2_stall_dram;
            return false;
        }
        part.stage.serve(bit, now);
        progressed = true;
        ++state_.l2_accesses;
        if (!copy) state_.l2_bytes += static_cast<std::uint64_t>(spec_.l2.sector_bytes);  // else counted at the near lookup
        ++(near ? state_.l2_near : state_.l2_far);
        const CacheResult r = part.cache->access_at(way, b.line, bit, true);
        way = r.way;
        if (hit) {
            ++state_.l2_hits;
            const std::uint64_t ready = std::max(now.value() + latency, r.ready);
            respond(b, ready, b.op != MemOp::store);
            if (b.op == MemOp::load) {
                if (l1_way == -2) l1_way = l1_[b.sm].cache->find(b.line);
                l1_[b.sm].cache->set_ready_at(l1_way, ready);
            }
            if (copy) {
                if (copy_way == -2) copy_way = l2_[static_cast<std::size_t>(side)].cache->find(b.line);
                l2_[static_cast<std::size_t>(side)].cache->set_ready_at(copy_way, ready);
            }
            --queued_;
        } else {
            ++state_.l2_misses;
            part.cache->set_ready_at(r.way, now.value() + latency + static_cast<std::uint64_t>(spec_.dram.latency));
            channel.push(b.only(bit), 1);
        }
    }
    return true;
}

// A forwarded request always enters its home queue, full or not: it is already inside the L2,
// and holding it back could deadlock two partitions that forward to each other. The queue bound
// holds back new requests from the SMs, which see the forwarded sectors in the home queue.
bool MemorySystem::serve_copy(int partition, const Burst& b, Cycle now, bool& progressed) {
    L2Partition& part = l2_[static_cast<std::size_t>(partition)];
    // Only this loop changes this partition's tags, and no loop here changes the L1's.
    std::ptrdiff_t way = part.cache->find(b.line);
    std::ptrdiff_t l1_way = -2;  // not searched yet
    const auto latency = static_cast<std::uint64_t>(spec_.l2.near_hit_latency);
    for (std::uint32_t left = b.sectors; left != 0 && part.stage.can_start(now); left &= left - 1) {
        const std::uint32_t bit = left & (~left + 1);
        const bool hit = part.cache->holds(way, bit);
        part.stage.serve(bit, now);
        progressed = true;
        ++state_.l2_accesses;
        state_.l2_bytes += static_cast<std::uint64_t>(spec_.l2.sector_bytes);
        ++state_.l2_near;
        const CacheResult r = part.cache->access_at(way, b.line, bit, true);
        way = r.way;
        if (hit) {
            ++state_.l2_hits;
            ++state_.l2_copy_hits;
            const std::uint64_t ready = std::max(now.value() + latency, r.ready);
            respond(b, ready, true);
            if (b.op == MemOp::load) {
                if (l1_way == -2) l1_way = l1_[b.sm].cache->find(b.line);
                l1_[b.sm].cache->set_ready_at(l1_way, ready);
            }
            --queued_;
        } else {
            ++state_.l2_forwarded;
            part.cache->set_ready_at(r.way, now.value() + static_cast<std::uint64_t>(spec_.l2.far_hit_latency));
            forward(b.only(bit));
        }
    }
    return true;
}

void MemorySystem::forward(const Burst& b) {
    if (!forwards_.empty()) {
        Burst& last = forwards_.back();
        if (last.token == b.token && last.sm == b.sm && last.line == b.line && last.op == b.op &&
            static_cast<int>(std::bit_width(last.sectors)) <= std::countr_zero(b.sectors)) {
            last.sectors |= b.sectors;
            return;
        }
    }
    forwards_.push_back(b);
}

void MemorySystem::flush_forwards() {
    // Before the next tick's L1 phase: the SMs see the forwarded sectors in the home queue.
    for (const Burst& b : forwards_) l2_[b.partition].stage.push(b, std::popcount(b.sectors));
    forwards_.clear();
}

bool MemorySystem::tick_dram(int channel, Cycle now) {
    Stage& c = dram_[static_cast<std::size_t>(channel)];
    bool progressed = false;
    while (!c.queue.empty() && c.can_start(now)) {
        const Burst b = c.queue.front();
        // No loop here changes tags: one search per cache serves the whole burst.
        const std::ptrdiff_t l2_way = l2_[b.partition].cache->find(b.line);
        const std::ptrdiff_t l1_way = b.op == MemOp::load ? l1_[b.sm].cache->find(b.line) : -1;
        const int side = l1_[b.sm].side;
        const bool copy = copies_ && side != b.partition && b.op != MemOp::store;  // a forwarded load fills its copy too
        const std::ptrdiff_t copy_way = copy ? l2_[static_cast<std::size_t>(side)].cache->find(b.line) : -1;
        const std::uint64_t ready = now.value() + static_cast<std::uint64_t>(spec_.dram.latency + home_latency(b.sm, b.partition, b.op));
        for (std::uint32_t left = b.sectors; left != 0 && c.can_start(now); left &= left - 1) {
            const std::uint32_t bit = left & (~left + 1);
            c.serve(bit, now);
            progressed = true;
            ++state_.dram_reads;
            state_.dram_bytes += static_cast<std::uint64_t>(spec_.l2.sector_bytes);
            l2_[b.partition].cache->set_ready_at(l2_way, ready);
            l1_[b.sm].cache->set_ready_at(l1_way, ready);
            if (copy) l2_[static_cast<std::size_t>(side)].cache->set_ready_at(copy_way, ready);
            respond(b, ready, true);
            --queued_;
        }
    }
    return progressed;
}

bool MemorySystem::tick(Cycle now) {
    bool progressed = deliver(now);
    if (queued_ == 0) return progressed;
    // Round-robin arbitration for the L2 queues: each cycle a different SM offers its sectors
    // first, so that under load no SM is served ahead of the others every cycle.
    const auto sms = static_cast<std::uint32_t>(l1_.size());
    const auto first = static_cast<std::uint32_t>(now.value() % sms);
    for (std::uint32_t i = 0; i < sms; ++i) {
        const std::uint32_t sm = first + i < sms ? first + i : first + i - sms;
        L1& l1 = l1_[sm];
        if (l1.stage.queue.empty() || !tick_l1(sm, now)) continue;
        progressed = true;
        if (l1.notify_drained) {
            l1.notify_drained = false;
            l1.client->on_drained(now);
        }
    }
    for (int p = 0; p < static_cast<int>(l2_.size()); ++p)
        if (!l2_[static_cast<std::size_t>(p)].stage.queue.empty()) progressed |= tick_l2(p, now);
    for (int c = 0; c < static_cast<int>(dram_.size()); ++c)
        if (!dram_[static_cast<std::size_t>(c)].queue.empty()) progressed |= tick_dram(c, now);
    if (!forwards_.empty()) flush_forwards();
    return progressed;
}

Cycle MemorySystem::next_event(Cycle now) const {
    if (queued_ > 0) return now + 1;
    if (!responses_.empty()) return Cycle{std::max(responses_.earliest(), now.value() + 1)};
    return Cycle::never();
}

bool MemorySystem::done() const { return queued_ == 0 && responses_.empty(); }

nlohmann::ordered_json MemorySystem::dump_state() const {
    nlohmann::ordered_json j;
    j["queued_sectors"] = queued_;
    j["responses_in_flight"] = responses_.size();
    j["next_response"] = responses_.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(responses_.earliest());
    nlohmann::ordered_json l2 = nlohmann::ordered_json::array();
    for (const L2Partition& p : l2_) l2.push_back(p.stage.sectors);
    j["l2_queues"] = l2;
    nlohmann::ordered_json dram = nlohmann::ordered_json::array();
    for (const Stage& c : dram_) dram.push_back(c.sectors);
    j["dram_queues"] = dram;
    return j;
}

void MemorySystem::register_stats(Stats& stats, const std::string& prefix) const {
    const std::string l1 = prefix + ".l1", l2 = prefix + ".l2", dram = prefix + ".dram";
    stats.counter(prefix + ".warp_accesses", "warp accesses", "global-memory warp accesses issued (all SMs)", &state_.warp_accesses);
    stats.counter(l1 + ".accesses", "sectors", "sector requests looked up or passed by the L1s (all SMs)", &state_.l1_accesses);
    stats.counter(l1 + ".hits", "sectors", "L1 sector hits", &state_.l1_hits);
    stats.counter(l1 + ".misses", "sectors", "L1 sector misses (loads sent on to L2)", &state_.l1_misses);
    stats.counter(l1 + ".bypass", "sectors", "loads that bypass L1 (.cg, cp.async.cg)", &state_.l1_bypass);
    stats.counter(l1 + ".stores", "sectors", "store sectors written through to L2", &state_.l1_stores);
    stats.counter(l1 + ".bytes", "bytes", "bytes of L1-cached loads delivered to the SMs", &state_.l1_bytes);
    stats.counter(l1 + ".stall_mshr", "events", "lookups held back because all MSHRs were busy", &state_.l1_stall_mshr);
    stats.counter(l1 + ".stall_l2_queue", "events", "lookups held back by a full L2 partition queue", &state_.l1_stall_queue);
    stats.derived(l1 + ".hit_rate", "ratio", "L1 hits / (hits + misses)", [this] {
        return static_cast<double>(state_.l1_hits) / static_cast<double>(state_.l1_hits + state_.l1_misses);
    });
    stats.counter(l2 + ".accesses", "sectors", "sector requests served by the L2 partitions", &state_.l2_accesses);
    stats.counter(l2 + ".hits", "sectors", "L2 sector hits (stores count as hits: write-back, allocate)", &state_.l2_hits);
    stats.counter(l2 + ".misses", "sectors", "L2 sector misses (sent to DRAM)", &state_.l2_misses);
    stats.counter(l2 + ".near", "sectors", "requests to the partition near the requesting SM", &state_.l2_near);
    stats.counter(l2 + ".far", "sectors", "requests to a far partition", &state_.l2_far);
    stats.counter(l2 + ".bytes", "bytes", "bytes moved between L2 and the SMs", &state_.l2_bytes);
    stats.counter(l2 + ".stall_dram_queue", "events", "L2 lookups held back by a full DRAM channel queue", &state_.l2_stall_dram);
    if (copies_) {
        stats.counter(l2 + ".copy_hits", "sectors", "loads of far-homed lines served by their copy in the near partition (counted in hits)",
                      &state_.l2_copy_hits);
        stats.counter(l2 + ".forwarded", "sectors", "near-partition misses on far-homed lines, forwarded to the home partition",
                      &state_.l2_forwarded);
        stats.counter(l2 + ".invalidated_copies", "lines", "copies dropped by stores to their line", &state_.l2_invalidated);
    }
    stats.derived(l2 + ".hit_rate", "ratio", "L2 hits / accesses", [this] {
        return static_cast<double>(state_.l2_hits) / static_cast<double>(state_.l2_accesses);
    });
    stats.counter(dram + ".reads", "sectors", "sectors read from DRAM", &state_.dram_reads);
    stats.counter(dram + ".bytes", "bytes", "bytes read from DRAM", &state_.dram_bytes);
}

}  // namespace stcsim::sim
