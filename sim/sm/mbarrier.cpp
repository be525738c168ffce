#include "sim/sm/mbarrier.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/errors.h"

namespace stcsim::sim {

namespace {
void check_aligned(std::uint64_t address) {
    if (address % 8 != 0) throw UserError(fmt::format("mbarrier 0x{:x}: an mbarrier address is 8-byte aligned", address));
}
}  // namespace

MbarrierTable::Barrier* MbarrierTable::find(std::uint64_t address) {
    for (Barrier& b : barriers_)
        if (b.address == address) return &b;
    return nullptr;
}

const MbarrierTable::Barrier* MbarrierTable::find(std::uint64_t address) const {
    for (const Barrier& b : barriers_)
        if (b.address == address) return &b;
    return nullptr;
}

MbarrierTable::Barrier& MbarrierTable::get(std::uint64_t address, const char* operation) {
    check_aligned(address);
    Barrier* b = find(address);
    if (b == nullptr)
        throw UserError(fmt::format("mbarrier 0x{:x}: {} on a barrier that was never initialised (or was invalidated); "
                                    "expected an 'mbar=init' line first",
                                    address, operation));
    return *b;
}

void MbarrierTable::init(std::uint64_t address, std::uint32_t count) {
    check_aligned(address);
    if (count == 0) throw UserError(fmt::format("mbarrier 0x{:x}: init with a count of 0; expected at least 1", address));
    Barrier* b = find(address);
    if (b == nullptr) b = &barriers_.emplace_back();
    if (!b->waiters.empty())
        throw UserError(fmt::format("mbarrier 0x{:x}: init while {} warp(s) wait on it", address, b->waiters.size()));
    *b = Barrier{address, count, count, 0, 0, {}};
}

bool MbarrierTable::try_complete(Barrier& b) {
    if (b.pending != 0 || b.tx != 0) return false;
    ++b.phase;
    b.pending = b.count;
    ++state_.phases_completed;
    const int done_parity = static_cast<int>((b.phase - 1) & 1u);
    auto keep = std::stable_partition(b.waiters.begin(), b.waiters.end(),
                                      [done_parity](const Waiter& w) { return w.parity != done_parity; });
    for (auto it = keep; it != b.waiters.end(); ++it) released_.push_back(it->warp);
    b.waiters.erase(keep, b.waiters.end());
    return true;
}

bool MbarrierTable::arrive(std::uint64_t address, std::uint32_t count, std::uint64_t tx) {
    Barrier& b = get(address, "arrive");
    b.tx += static_cast<std::int64_t>(tx);
    if (count > b.pending)
        throw UserError(fmt::format("mbarrier 0x{:x}: {} arrival(s) on phase {}, which has {} pending (of {} per phase); "
                                    "expected at most the pending count",
                                    address, count, b.phase, b.pending, b.count));
    b.pending -= count;
    return try_complete(b);
}

bool MbarrierTable::complete_tx(std::uint64_t address, std::uint64_t bytes) {
    Barrier& b = get(address, "complete_tx");
    b.tx -= static_cast<std::int64_t>(bytes);
    if (b.pending == 0 && b.tx < 0)
        throw UserError(fmt::format("mbarrier 0x{:x}: {} transaction bytes completed on phase {}, {} more than its "
                                    "arrivals expected; expected the expect-tx bytes of the phase at most",
                                    address, bytes, b.phase, -b.tx));
    return try_complete(b);
}

void MbarrierTable::inval(std::uint64_t address) {
    Barrier& b = get(address, "inval");
    if (!b.waiters.empty())
        throw UserError(fmt::format("mbarrier 0x{:x}: invalidated while {} warp(s) wait on it", address, b.waiters.size()));
    barriers_.erase(barriers_.begin() + (&b - barriers_.data()));
}

bool MbarrierTable::phase_done(std::uint64_t address, int parity) const {
    check_aligned(address);
    const Barrier* b = find(address);
    if (b == nullptr)
        throw UserError(fmt::format("mbarrier 0x{:x}: wait on a barrier that was never initialised (or was invalidated); "
                                    "expected an 'mbar=init' line first",
                                    address));
    return static_cast<int>(b->phase & 1u) != parity;
}

void MbarrierTable::add_waiter(std::uint64_t address, int parity, std::uint32_t warp) {
    get(address, "wait").waiters.push_back({warp, parity});
}

std::vector<std::uint32_t> MbarrierTable::take_released() {
    std::vector<std::uint32_t> out;
    out.swap(released_);
    return out;
}

std::size_t MbarrierTable::waiters() const {
    std::size_t n = 0;
    for (const Barrier& b : barriers_) n += b.waiters.size();
    return n;
}

nlohmann::ordered_json MbarrierTable::dump_state() const {
    auto out = nlohmann::ordered_json::array();
    for (const Barrier& b : barriers_) {
        auto waiting = nlohmann::ordered_json::array();
        for (const Waiter& w : b.waiters) waiting.push_back({{"warp", w.warp}, {"parity", w.parity}});
        out.push_back({{"address", fmt::format("0x{:x}", b.address)}, {"count", b.count}, {"pending", b.pending},
                       {"tx", b.tx}, {"phase", b.phase}, {"waiting", waiting}});
    }
    return out;
}

}  // namespace stcsim::sim
