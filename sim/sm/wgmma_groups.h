// WgmmaGroups: one warp's wgmma commit groups (wgmma.commit_group / wgmma.wait_group).
//
// Issued wgmma instructions join the open group; commit() closes it (a commit with no open
// group makes an empty group, which is complete at once). wait_group N lets the warp go on when
// at most N committed groups still have instructions in flight. Instructions not yet committed
// are not waited for (PTX: wait_group waits for committed groups only).
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>

namespace stcsim::sim {

class WgmmaGroups {
public:
    // A wgmma issued: returns the id of the group it joined.
    std::uint32_t issue() {
        if (groups_.empty() || groups_.back().committed) groups_.push_back({next_id_++, 0, false});
        ++groups_.back().outstanding;
        return groups_.back().id;
    }
    void commit() {
        if (!groups_.empty() && !groups_.back().committed) groups_.back().committed = true;
        drop_complete();
    }
    // An instruction of group `id` wrote its results.
    void retire(std::uint32_t id) {
        for (Group& g : groups_)
            if (g.id == id && g.outstanding > 0) {
                --g.outstanding;
                break;
            }
        drop_complete();
    }
    // With `commit_open`, as if commit() came first (a traced WARPGROUP.DEPBAR closes the group).
    bool satisfied(int pending_allowed, bool commit_open = false) const {
        const auto pending = std::count_if(groups_.begin(), groups_.end(),
                                           [&](const Group& g) { return g.committed || (commit_open && g.outstanding > 0); });
        return pending <= pending_allowed;
    }
    int pending_groups() const { return static_cast<int>(groups_.size()); }

private:
    struct Group {
        std::uint32_t id;
        int outstanding;
        bool committed;
    };
    void drop_complete() {
        std::erase_if(groups_, [](const Group& g) { return g.committed && g.outstanding == 0; });
    }
    std::deque<Group> groups_;
    std::uint32_t next_id_ = 0;
};

}  // namespace stcsim::sim
