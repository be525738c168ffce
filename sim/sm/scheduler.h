// Warp scheduler policies of one sub-partition, behind one interface and chosen by name
// (sm.scheduler.policy). Each cycle the sub-partition offers the set of warps (slot bits, slot 0
// = the oldest warp) that could issue; the policy picks one. One issue per cycle. A warp that the
// compiler's yield hint holds goes first without asking the policy (SubPartition::issue).
//   gto: greedy-then-oldest: the warp that issued last, while it can; otherwise the oldest.
//   lrr: loose round robin: the first ready warp after the one that issued last.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sim/config/gpu_spec.h"

namespace stcsim::sim {

class SchedulerPolicy {
public:
    virtual ~SchedulerPolicy() = default;
    // ready_mask != 0; returns the slot to issue.
    virtual int select(std::uint64_t ready_mask) = 0;
    virtual void issued(int slot) = 0;
    virtual const char* name() const = 0;
};

// Throws UserError naming sm.scheduler.policy for an unknown name.
std::unique_ptr<SchedulerPolicy> make_scheduler(const SchedulerSpec& spec);

}  // namespace stcsim::sim
