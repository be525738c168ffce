#include "sim/sm/scheduler.h"

#include <bit>

#include "common/errors.h"

namespace stcsim::sim {
namespace {

class GreedyThenOldest final : public SchedulerPolicy {
public:
    int select(std::uint64_t ready) override {
        if (last_ >= 0 && ((ready >> last_) & 1U)) return last_;
        return std::countr_zero(ready);
    }
    void issued(int slot) override { last_ = slot; }
    const char* name() const override { return "gto"; }

private:
    int last_ = -1;
};

class LooseRoundRobin final : public SchedulerPolicy {
public:
    int select(std::uint64_t ready) override {
        const int start = last_ + 1;
        const std::uint64_t after = start >= 64 ? 0 : ready & (~std::uint64_t{0} << start);
        return std::countr_zero(after != 0 ? after : ready);
    }
    void issued(int slot) override { last_ = slot; }
    const char* name() const override { return "lrr"; }

private:
    int last_ = -1;
};

}  // namespace

std::unique_ptr<SchedulerPolicy> make_scheduler(const SchedulerSpec& spec) {
    if (spec.policy == "gto") return std::make_unique<GreedyThenOldest>();
    if (spec.policy == "lrr") return std::make_unique<LooseRoundRobin>();
    throw UserError("sm.scheduler.policy: unknown policy \"" + spec.policy + "\" (expected gto or lrr)");
}

}  // namespace stcsim::sim
