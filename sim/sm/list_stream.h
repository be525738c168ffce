// ListStream: one warp's instruction stream over a fixed list of instructions, built by hand (unit
// tests of the scheduler and pipelines). It has no memory instructions.
#pragma once

#include <utility>
#include <vector>

#include "sim/sm/warp_instr.h"

namespace stcsim::sim {

class ListStream final : public InstrStream {
public:
    explicit ListStream(std::vector<WarpInstr> list) : list_(std::move(list)) {}
    const WarpInstr* next() override { return next_ < list_.size() ? &list_[next_++] : nullptr; }

private:
    std::vector<WarpInstr> list_;
    std::size_t next_ = 0;
};

}  // namespace stcsim::sim
