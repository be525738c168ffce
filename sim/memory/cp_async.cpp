#include "sim/memory/cp_async.h"

#include <algorithm>

#include "common/errors.h"

namespace stcsim::sim {

void CpAsyncGroups::issue(std::uint64_t copy) {
    if (!open_) {
        groups_.emplace_back();
        open_ = true;
    }
    groups_.back().copies.push_back({copy, false, Cycle{0}});
}

void CpAsyncGroups::complete(std::uint64_t copy, Cycle at) {
    for (Group& g : groups_)
        for (Copy& c : g.copies)
            if (c.id == copy && !c.done) {
                c.done = true;
                c.at = at;
                prune();
                return;
            }
    throw InternalError("cp.async: completion of unknown copy " + std::to_string(copy));
}

void CpAsyncGroups::commit() {
    if (!open_) groups_.emplace_back();  // an empty group is legal and complete at once
    open_ = false;
    prune();
}

// Dropping the oldest committed group once all its copies are done changes no answer of
// release_cycle(n) that can still matter (it only shortens the list of groups to check), and
// keeps a long-running warp's state bounded.
void CpAsyncGroups::prune() {
    while (groups_.size() > (open_ ? 1u : 0u) &&
           std::all_of(groups_.front().copies.begin(), groups_.front().copies.end(), [](const Copy& c) { return c.done; })) {
        for (const Copy& c : groups_.front().copies) pruned_latest_ = std::max(pruned_latest_, c.at);
        groups_.pop_front();
    }
}

std::optional<Cycle> CpAsyncGroups::release_cycle(int n) const {
    const std::size_t committed = committed_groups();
    const std::size_t waited = committed > static_cast<std::size_t>(std::max(0, n)) ? committed - static_cast<std::size_t>(n) : 0;
    Cycle latest = pruned_latest_;
    for (std::size_t g = 0; g < waited; ++g)
        for (const Copy& c : groups_[g].copies) {
            if (!c.done) return std::nullopt;
            latest = std::max(latest, c.at);
        }
    return latest;
}

bool CpAsyncGroups::satisfied(int n) const { return release_cycle(n).has_value(); }

std::size_t CpAsyncGroups::pending_copies() const {
    std::size_t n = 0;
    for (const Group& g : groups_)
        n += static_cast<std::size_t>(std::count_if(g.copies.begin(), g.copies.end(), [](const Copy& c) { return !c.done; }));
    return n;
}

}  // namespace stcsim::sim
