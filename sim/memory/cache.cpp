#include "sim/memory/cache.h"


#include "common/errors.h"

namespace stcsim::sim {
namespace {

// Both policies keep one stamp per way and evict the smallest: LRU stamps on every use, FIFO
// only on fill.
class StampPolicy final : public ReplacementPolicy {
public:
    StampPolicy(std::size_t slots, bool stamp_on_hit) : stamps_(slots, 0), stamp_on_hit_(stamp_on_hit) {}
    void on_fill(std::size_t slot, std::uint64_t seq) override { stamps_[slot] = seq; }
    void on_hit(std::size_t slot, std::uint64_t seq) override {
        if (stamp_on_hit_) stamps_[slot] = seq;
    }
    std::size_t victim(std::size_t first, int ways) const override {
        std::size_t best = first;
        for (std::size_t s = first + 1; s < first + static_cast<std::size_t>(ways); ++s)
            if (stamps_[s] < stamps_[best]) best = s;
        return best;
    }

private:
    std::vector<std::uint64_t> stamps_;
    bool stamp_on_hit_;
};

}  // namespace

std::unique_ptr<ReplacementPolicy> make_replacement_policy(const std::string& name, std::size_t slots) {
    if (name == "lru") return std::make_unique<StampPolicy>(slots, true);
    if (name == "fifo") return std::make_unique<StampPolicy>(slots, false);
    throw UserError("unknown replacement policy '" + name + "' (known: lru, fifo)");
}

SectoredCache::SectoredCache(const CacheGeometry& geometry) : geometry_(geometry) {
    const std::int64_t lines = geometry.size_bytes / geometry.line_bytes;
    if (lines <= 0 || lines % geometry.ways != 0) throw UserError("cache size must be a positive multiple of ways * line_bytes");
    sets_ = static_cast<std::size_t>(lines / geometry.ways);
    set_index_ = Divisor(sets_);
    tags_.assign(static_cast<std::size_t>(lines), 0);
    state_.assign(tags_.size(), WayState{});
    policy_ = make_replacement_policy(geometry.policy, tags_.size());
}

std::ptrdiff_t SectoredCache::find(std::uint64_t line) const {
    const std::size_t first = set_of(line) * static_cast<std::size_t>(geometry_.ways);
    const std::uint64_t tag = line + 1;
    const std::uint64_t* tags = tags_.data() + first;
    for (int w = 0; w < geometry_.ways; ++w)
        if (tags[w] == tag) return static_cast<std::ptrdiff_t>(first) + w;
    return -1;
}

CacheResult SectoredCache::access_at(std::ptrdiff_t way, std::uint64_t line, std::uint32_t sectors, bool allocate) {
    ++seq_;
    CacheResult r;
    if (way >= 0) {
        const auto slot = static_cast<std::size_t>(way);
        WayState& w = state_[slot];
        r.hit_sectors = sectors & w.valid;
        r.miss_sectors = sectors & ~w.valid;
        r.ready = w.ready;
        r.way = way;
        policy_->on_hit(slot, seq_);
        if (allocate) w.valid |= sectors;
        return r;
    }
    r.miss_sectors = sectors;
    if (!allocate) return r;
    const std::size_t first = set_of(line) * static_cast<std::size_t>(geometry_.ways);
    std::size_t slot = first;
    bool empty = false;
    for (std::size_t s = first; s < first + static_cast<std::size_t>(geometry_.ways); ++s)
        if (tags_[s] == 0) {
            slot = s;
            empty = true;
            break;
        }
    if (!empty) {
        slot = policy_->victim(first, geometry_.ways);
        r.evicted = true;
    }
    tags_[slot] = line + 1;
    state_[slot] = {0, sectors};
    policy_->on_fill(slot, seq_);
    r.way = static_cast<std::ptrdiff_t>(slot);
    return r;
}

bool SectoredCache::update_if_present(std::uint64_t line, std::uint32_t sectors) {
    const std::ptrdiff_t way = find(line);
    if (way < 0) return false;
    state_[static_cast<std::size_t>(way)].valid |= sectors;
    return true;
}

bool SectoredCache::invalidate(std::uint64_t line) {
    const std::ptrdiff_t way = find(line);
    if (way < 0) return false;
    tags_[static_cast<std::size_t>(way)] = 0;
    state_[static_cast<std::size_t>(way)] = WayState{};
    return true;
}

}  // namespace stcsim::sim
