// SectoredCache: the tag store of a set-associative, sectored cache (L1 and each L2 partition).
// Tags only, no data: a 1 GB footprint costs nothing beyond the tags of the cache itself.
//
// A line holds `line_bytes / sector_bytes` sectors with one valid bit each. access() looks a
// line up: on a tag hit the valid sectors of the request hit and the others are filled (sector
// misses); on a tag miss the line is allocated (when `allocate`), evicting the victim the
// replacement policy names. Each line remembers the cycle its last fill arrives, so a request
// that hits a sector still in flight waits for it (a merged miss, as an MSHR would do).
// Replacement policies sit behind ReplacementPolicy and are chosen by name ("lru", "fifo").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace stcsim::sim {

struct CacheGeometry {
    std::int64_t size_bytes = 0;
    int line_bytes = 128;
    int sector_bytes = 32;
    int ways = 4;
    std::string policy = "lru";
    // Set index = (line address >> index_shift) mod sets (L2 partitions drop their select bits).
    int index_shift = 0;
};

class ReplacementPolicy {
public:
    virtual ~ReplacementPolicy() = default;
    virtual void on_fill(std::size_t slot, std::uint64_t seq) = 0;
    virtual void on_hit(std::size_t slot, std::uint64_t seq) = 0;
    // The way to evict in [first, first + ways), all valid.
    virtual std::size_t victim(std::size_t first, int ways) const = 0;
};
// Throws UserError for an unknown name.
std::unique_ptr<ReplacementPolicy> make_replacement_policy(const std::string& name, std::size_t slots);

struct CacheResult {
    std::uint32_t hit_sectors = 0;   // requested sectors that were valid
    std::uint32_t miss_sectors = 0;  // requested sectors that must be fetched
    std::uint64_t ready = 0;         // cycle the line's pending fill arrives (0: none pending)
    bool evicted = false;
};

class SectoredCache {
public:
    explicit SectoredCache(const CacheGeometry& geometry);

    // `line` is the line address (byte address / line_bytes); `sectors` a mask of sectors.
    CacheResult access(std::uint64_t line, std::uint32_t sectors, bool allocate);
    // Records that `line`'s fill arrives at `ready` (after a miss that allocated).
    void set_ready(std::uint64_t line, std::uint64_t ready);
    // Write-through store: marks the sectors valid if the line is present, allocates nothing.
    bool update_if_present(std::uint64_t line, std::uint32_t sectors);
    bool contains(std::uint64_t line, std::uint32_t sectors) const;

    std::size_t sets() const { return sets_; }
    const CacheGeometry& geometry() const { return geometry_; }

private:
    struct Line {
        std::uint64_t tag = 0;
        std::uint32_t valid = 0;  // sector mask; 0: the way is empty
        std::uint64_t ready = 0;
    };
    std::size_t set_of(std::uint64_t line) const;
    std::ptrdiff_t find(std::uint64_t line) const;

    CacheGeometry geometry_;
    std::size_t sets_ = 0;
    std::size_t set_mask_ = 0;  // sets_ - 1 when sets_ is a power of two (then no division per lookup), else 0
    std::vector<Line> lines_;
    std::unique_ptr<ReplacementPolicy> policy_;
    std::uint64_t seq_ = 0;
};

}  // namespace stcsim::sim
