// BlockSet: the linear ids of the thread blocks a trace has listed so far, to find a block listed
// twice. Kept as disjoint ranges [first, last], merged as they touch: blocks listed in order (the
// usual case) take one range, so memory grows with the gaps in the order, not with the grid.
#pragma once

#include <cstdint>
#include <iterator>
#include <map>

namespace stcsim::trace {

class BlockSet {
public:
    // Adds `id`; false if it was there already.
    bool insert(std::uint64_t id) {
        auto next = ranges_.upper_bound(id);  // the first range starting after id
        if (next != ranges_.begin()) {
            auto prev = std::prev(next);
            if (id <= prev->second) return false;
            if (prev->second + 1 == id) {
                prev->second = id;
                if (next != ranges_.end() && next->first == id + 1) {
                    prev->second = next->second;
                    ranges_.erase(next);
                }
                ++count_;
                return true;
            }
        }
        if (next != ranges_.end() && next->first == id + 1) {
            const std::uint64_t last = next->second;
            ranges_.erase(next);
            ranges_.emplace(id, last);
        } else {
            ranges_.emplace(id, id);
        }
        ++count_;
        return true;
    }
    std::uint64_t size() const { return count_; }
    std::size_t ranges() const { return ranges_.size(); }
    void clear() {
        ranges_.clear();
        count_ = 0;
    }

private:
    std::map<std::uint64_t, std::uint64_t> ranges_;  // first -> last
    std::uint64_t count_ = 0;
};

}  // namespace stcsim::trace
