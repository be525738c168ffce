// Sm: Hopper's mbarrier operations and TMA copies (see "Hopper" in sm.h).
#include <fmt/format.h>

#include "common/errors.h"
#include "sim/sm/sm.h"

namespace stcsim::sim {

using trace::AsyncKind;

namespace {
// A barrier error with the place it happened.
[[noreturn]] void rethrow(const std::string& sm, std::uint64_t cta, std::uint32_t warp, const UserError& error) {
    throw UserError(fmt::format("{}: CTA {}, warp slot {}: {}", sm, cta, warp, error.what()));
}
}  // namespace

Sm::Cta& Sm::cta_of(const Warp& warp, const char* what) {
    if (warp.cta < 0) throw UserError(fmt::format("{}: {} by a warp outside any CTA (an mbarrier lives in a CTA's shared memory)", name_, what));
    return ctas_[static_cast<std::size_t>(warp.cta)];
}

void Sm::work_done(Warp& warp) {
    --warp.in_flight;
    wake_part(warp.id % parts_.size());
    if (warp.finished()) warp_finished(warp);
}

void Sm::phase_completed(Cta& cta, Cycle at) {
    ++mbar_stats_.phases_completed;
    for (const std::uint32_t id : cta.mbarriers.take_released()) {
        Warp& w = warps_[id];
        if (--w.mbar_waits > 0) continue;
        w.mbar_ready = at + static_cast<std::uint64_t>(spec_.mbarrier.wake_latency);
        mbar_stats_.wait_cycles += w.mbar_ready - w.mbar_since;
        work_done(w);
    }
}

void Sm::mbar_wait(Cycle now, Warp& warp, const LaneAddresses& lanes, int parity) {
    Cta& cta = cta_of(warp, "an mbarrier wait");
    ++mbar_stats_.waits;
    for (int lane = 0; lane < 32; ++lane) {
        if (((lanes.active >> lane) & 1u) == 0) continue;
        const std::uint64_t address = lanes.addr[static_cast<std::size_t>(lane)];
        bool seen = false;  // lanes usually share one barrier: wait on it once
        for (int before = 0; before < lane && !seen; ++before)
            seen = ((lanes.active >> before) & 1u) != 0 && lanes.addr[static_cast<std::size_t>(before)] == address;
        if (seen || cta.mbarriers.phase_done(address, parity)) continue;
        cta.mbarriers.add_waiter(address, parity, warp.id);
        ++warp.mbar_waits;
    }
    if (warp.mbar_waits == 0) return;
    ++mbar_stats_.blocked_waits;
    warp.mbar_since = now;
    ++warp.in_flight;
}

void Sm::async_issue(Cycle now, Warp& warp, const WarpInstr& in) {
    const trace::AsyncOp& op = warp.stream->async_op();
    if (op.kind != in.async) throw InternalError("an async instruction whose stream gives another operation");
    if (op.is_tma()) {
        if (op.kind == AsyncKind::tma_load) cta_of(warp, "a TMA load");
        ++warp.in_flight;
        tma_.push(now, op, warp.id);
        return;
    }
    ++mbar_stats_.operations;
    Cta& cta = cta_of(warp, "an mbarrier operation");
    LaneAddresses lanes;
    warp.stream->addresses(lanes);
    try {
        switch (op.kind) {
            case AsyncKind::mbar_init:
            case AsyncKind::mbar_inval:
                for (int lane = 0; lane < 32; ++lane)
                    if (((lanes.active >> lane) & 1u) != 0) {
                        const std::uint64_t address = lanes.addr[static_cast<std::size_t>(lane)];
                        if (op.kind == AsyncKind::mbar_init) cta.mbarriers.init(address, op.count);
                        else if (lane == 0 || lanes.addr[static_cast<std::size_t>(lane - 1)] != address) cta.mbarriers.inval(address);
                    }
                return;
            case AsyncKind::mbar_wait: mbar_wait(now, warp, lanes, static_cast<int>(op.count)); return;
            case AsyncKind::mbar_arrive:
            case AsyncKind::mbar_complete: {
                PendingMbar p{now + static_cast<std::uint64_t>(spec_.mbarrier.arrive_latency), warp.id, op.kind, op.count, op.bytes, lanes};
                mbar_pending_.push_back(p);
                ++warp.in_flight;
                return;
            }
            default: throw InternalError("an mbarrier operation of an unknown kind");
        }
    } catch (const UserError& error) {
        rethrow(name_, cta.tag, warp.id, error);
    }
}

bool Sm::apply_mbar(Cycle now) {
    bool any = false;
    while (!mbar_pending_.empty() && mbar_pending_.front().at <= now) {
        const PendingMbar p = mbar_pending_.front();
        mbar_pending_.pop_front();
        Warp& w = warps_[p.warp];
        Cta& cta = cta_of(w, "an mbarrier arrive");
        try {
            for (int lane = 0; lane < 32; ++lane) {
                if (((p.lanes.active >> lane) & 1u) == 0) continue;
                const std::uint64_t address = p.lanes.addr[static_cast<std::size_t>(lane)];
                const bool completed = p.kind == AsyncKind::mbar_arrive ? cta.mbarriers.arrive(address, p.count, p.bytes)
                                                                        : cta.mbarriers.complete_tx(address, p.bytes);
                if (completed) phase_completed(cta, p.at);
            }
        } catch (const UserError& error) {
            rethrow(name_, cta.tag, w.id, error);
        }
        work_done(w);
        any = true;
    }
    return any;
}

void Sm::tma_landed(std::uint64_t tag, std::uint64_t mbar, std::uint64_t bytes, Cycle at) {
    Warp& w = warps_[static_cast<std::size_t>(tag)];
    Cta& cta = cta_of(w, "a TMA load");
    try {
        if (cta.mbarriers.complete_tx(mbar, bytes)) phase_completed(cta, at);
    } catch (const UserError& error) {
        rethrow(name_, cta.tag, w.id, error);
    }
}

void Sm::tma_done(std::uint64_t tag, Cycle) { work_done(warps_[static_cast<std::size_t>(tag)]); }

}  // namespace stcsim::sim
