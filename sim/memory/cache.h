// SectoredCache: the tag store of a set-associative, sectored cache (L1 and each L2 partition).
// Tags only, no data: a 1 GB footprint costs nothing beyond the tags of the cache itself.
//
// A line holds `line_bytes / sector_bytes` sectors with one valid bit each. access() looks a
// line up: on a tag hit the valid sectors of the request hit and the others are filled (sector
// misses); on a tag miss the line is allocated (when `allocate`), evicting the victim the
// replacement policy names. Each line remembers the cycle its last fill arrives, so a request
// that hits a sector still in flight waits for it (a merged miss, as an MSHR would do).
// Replacement policies sit behind ReplacementPolicy and are chosen by name ("lru", "fifo").
// The tags of a set are contiguous and apart from each way's valid mask and fill time (which sit
// together), so that a lookup in a large L2 touches as few host cache lines as possible; a caller
// that looks a line up and then updates it passes the way it found (find / *_at) instead of
// searching again.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/divisor.h"

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
    std::ptrdiff_t way = -1;         // where the line now is (-1: not present, nothing allocated)
};

class SectoredCache {
public:
    explicit SectoredCache(const CacheGeometry& geometry);

    // `line` is the line address (byte address / line_bytes); `sectors` a mask of sectors.
    CacheResult access(std::uint64_t line, std::uint32_t sectors, bool allocate) {
        return access_at(find(line), line, sectors, allocate);
    }
    // Records that `line`'s fill arrives at `ready` (after a miss that allocated).
    void set_ready(std::uint64_t line, std::uint64_t ready) { set_ready_at(find(line), ready); }
    // Write-through store: marks the sectors valid if the line is present, allocates nothing.
    bool update_if_present(std::uint64_t line, std::uint32_t sectors);
    // Drops `line` (all its sectors) if present; its way becomes empty, the first choice of the
    // next fill in its set. Returns whether it was present.
    bool invalidate(std::uint64_t line);
    bool contains(std::uint64_t line, std::uint32_t sectors) const { return holds(find(line), sectors); }

    // The same, given the way find(line) returned (-1: absent) with no change to the cache since.
    std::ptrdiff_t find(std::uint64_t line) const;
    bool holds(std::ptrdiff_t way, std::uint32_t sectors) const {
        return way >= 0 && (state_[static_cast<std::size_t>(way)].valid & sectors) == sectors;
    }
    CacheResult access_at(std::ptrdiff_t way, std::uint64_t line, std::uint32_t sectors, bool allocate);
    void set_ready_at(std::ptrdiff_t way, std::uint64_t ready) {
        if (way >= 0) state_[static_cast<std::size_t>(way)].ready = ready;
    }

    std::size_t sets() const { return sets_; }
    const CacheGeometry& geometry() const { return geometry_; }

private:
    std::size_t set_of(std::uint64_t line) const {
        return static_cast<std::size_t>(set_index_.mod(line >> geometry_.index_shift));
    }

    CacheGeometry geometry_;
    std::size_t sets_ = 0;
    Divisor set_index_{1};  // line index -> set
    // Per way (set-major): the line address + 1 (0: empty); apart from it, what an access to the
    // way reads (one host cache line): the cycle the line's last fill arrives, the valid sectors.
    struct WayState {
        std::uint64_t ready = 0;
        std::uint32_t valid = 0;
    };
    std::vector<std::uint64_t> tags_;
    std::vector<WayState> state_;
    std::unique_ptr<ReplacementPolicy> policy_;
    std::uint64_t seq_ = 0;
};

}  // namespace stcsim::sim
