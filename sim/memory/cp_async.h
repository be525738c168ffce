// cp.async (LDGSTS) groups of one warp: cp.async.commit_group closes the open group;
// cp.async.wait_group N waits until every committed group except the newest N is complete
// (wait_all = wait_group 0 after a commit). Copies complete in any order (each when its global
// load has returned and its shared-memory store is done); groups are released in commit order
// only in the sense that wait_group N counts the newest N committed groups, whatever finished.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "sim/core/cycle.h"

namespace stcsim::sim {

class CpAsyncGroups {
public:
    // A cp.async issued into the open group; `copy` names it for complete().
    void issue(std::uint64_t copy);
    // The copy's data is in shared memory at `at`.
    void complete(std::uint64_t copy, Cycle at);
    void commit();
    // True when every committed group older than the newest `n` has completed.
    bool satisfied(int n) const;
    // The cycle at which wait_group n is released, if all it waits for has completed.
    std::optional<Cycle> release_cycle(int n) const;
    std::size_t committed_groups() const { return groups_.size() - (open_ ? 1 : 0); }
    std::size_t pending_copies() const;

private:
    void prune();
    struct Copy {
        std::uint64_t id = 0;
        bool done = false;
        Cycle at;
    };
    struct Group {
        std::deque<Copy> copies;
    };
    std::deque<Group> groups_;  // oldest first; the last is the open group while open_
    bool open_ = false;
    Cycle pruned_latest_{0};  // the latest completion among groups already dropped
};

}  // namespace stcsim::sim
