#include "sim/sm/lsu.h"

#include <algorithm>
#include <bit>

#include "common/errors.h"

namespace stcsim::sim {

Lsu::Lsu(const SmSpec& spec, const SharedMemorySpec& shared, MemorySystem* memory, int sm, bool skip_idle,
         Component* owner)
    : depth_(static_cast<std::size_t>(std::max(1, spec.lsu.queue_depth))), shared_(shared), shared_spec_(shared),
      memory_(memory), sm_(sm), skip_idle_(skip_idle), owner_(owner) {}

LaneAddresses& Lsu::push(const WarpInstr& in, const Completion& what) {
    Entry& e = queue_.emplace_back();
    e.kind = in.mem;
    e.count = std::max<std::uint8_t>(1, in.count);
    e.request.op = in.mem == MemKind::global_store ? MemOp::store
                   : (in.bypass_l1 || in.mem == MemKind::cp_async) ? MemOp::load_bypass_l1 : MemOp::load;
    e.request.width_bytes = std::max<std::uint8_t>(1, in.width);
    e.what = what;
    return e.request.lanes;
}

void Lsu::finish(std::uint64_t at, const Completion& what) {
    done_.push({at, seq_++, what});
    if (owner_ != nullptr) owner_->wake(Cycle{at});
}

bool Lsu::start_global(Cycle now, Entry& e) {
    if (memory_ == nullptr) throw InternalError("global memory instruction on an SM without a memory system");
    // The cycles since the last refusal were waited without trying (see the header).
    if (refused_at_ != Cycle::never()) state_.stall_memory += (now - refused_at_) - 1;
    refused_at_ = Cycle::never();
    if (!memory_->can_accept(sm_, e.request)) {
        ++state_.stall_memory;
        refused_at_ = now;
        drained_since_refused_ = false;
        memory_->notify_when_drained(sm_);
        return false;
    }
    const std::uint64_t token = memory_->issue(sm_, e.request, now);
    if (token >= tokens_.size()) {
        tokens_.resize(token + 1);
        cp_async_wavefronts_.resize(token + 1);
    }
    tokens_[token] = e.what;
    const int bytes = std::popcount(e.request.lanes.active) * e.request.width_bytes;
    cp_async_wavefronts_[token] = static_cast<std::uint16_t>(e.kind == MemKind::cp_async ? std::max(1, (bytes + 127) / 128) : 0);
    ++outstanding_;
    if (e.kind == MemKind::cp_async) ++state_.cp_async;
    else if (e.kind == MemKind::global_store) ++state_.global_stores;
    else ++state_.global_loads;
    return true;
}

void Lsu::start_shared(Cycle now, const Entry& e) {
    const LaneAddresses& lanes = e.request.lanes;
    const int width = e.request.width_bytes;
    const int active = std::popcount(lanes.active);
    int wavefronts = 0, phases = 1;
    std::uint64_t bytes = 0;
    SharedMemory::Kind kind = SharedMemory::Kind::load;
    if (e.kind == MemKind::ldmatrix) {
        wavefronts = ldmatrix_wavefronts(shared_spec_, lanes, e.count);
        phases = e.count;
        bytes = 128u * e.count;
        kind = SharedMemory::Kind::ldmatrix;
        ++state_.ldmatrix;
    } else {
        const int bank_width = std::min<int>(16, width);
        wavefronts = shared_wavefronts(shared_spec_, lanes, bank_width);
        phases = std::max(1, bank_width / 4);
        bytes = static_cast<std::uint64_t>(active) * static_cast<std::uint64_t>(width);
        if (e.kind == MemKind::shared_store) {
            kind = SharedMemory::Kind::store;
            ++state_.shared_stores;
        } else {
            ++state_.shared_loads;
        }
    }
    shared_.count(bytes, phases, wavefronts);
    finish(shared_.access(kind, wavefronts, now.value()), e.what);
}

bool Lsu::tick(Cycle now) {
    if (!head_may_start()) return false;
    Entry& e = queue_.front();
    const bool global = e.kind == MemKind::global_load || e.kind == MemKind::global_store || e.kind == MemKind::cp_async;
    if (global) {
        if (!start_global(now, e)) return false;
    } else {
        start_shared(now, e);
    }
    queue_.pop_front();
    return true;
}

void Lsu::on_complete(std::uint64_t token, Cycle at) {
    const Completion what = tokens_.at(token);
    --outstanding_;
    const int wavefronts = cp_async_wavefronts_[token];
    if (wavefronts == 0) {
        finish(at.value(), what);
        return;
    }
    // cp.async: the data now goes into shared memory.
    shared_.count(static_cast<std::uint64_t>(wavefronts) * 128u, wavefronts, wavefronts);
    finish(shared_.access(SharedMemory::Kind::store, wavefronts, at.value()), what);
}

void Lsu::on_drained(Cycle now) {
    drained_since_refused_ = true;
    if (owner_ != nullptr && refused_at_ != Cycle::never()) owner_->wake(now + 1);
}

Cycle Lsu::next_event(Cycle now) const {
    // A refused head waits for the memory system to drain, which the memory system's own events
    // bring about.
    if (head_may_start()) return now + 1;
    if (!done_.empty()) return Cycle{std::max(done_.top().at, now.value() + 1)};
    return Cycle::never();
}

nlohmann::ordered_json Lsu::dump_state() const {
    return {{"queued", queue_.size()}, {"outstanding_global", outstanding_}, {"completions_pending", done_.size()},
            {"next_completion", done_.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(done_.top().at)}};
}

}  // namespace stcsim::sim
