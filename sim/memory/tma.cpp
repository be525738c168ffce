#include "sim/memory/tma.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/errors.h"

namespace stcsim::sim {

namespace {
std::uint64_t listed_bytes(const trace::AsyncOp& op) {
    std::uint64_t bytes = op.row_bytes;
    for (int d = 0; d < op.row_dims; ++d) bytes *= op.extent[static_cast<std::size_t>(d)];
    return bytes;
}
}  // namespace

TmaUnit::TmaUnit(const TmaSpec& spec, MemorySystem* memory, int sm, int line_bytes, TmaHost& host, Component* owner)
    : spec_(spec), memory_(memory), sm_(sm), line_bytes_(static_cast<std::uint64_t>(std::max(1, line_bytes))), host_(host),
      owner_(owner) {}

void TmaUnit::push(Cycle now, const trace::AsyncOp& op, std::uint64_t tag) {
    if (!op.is_tma()) throw InternalError("TmaUnit::push: not a TMA copy");
    if (memory_ == nullptr) throw InternalError("a TMA copy on an SM without a memory system");
    if (listed_bytes(op) > op.bytes) throw InternalError("a TMA box whose rows exceed its BYTES");
    Copy c;
    c.op = op;
    c.tag = tag;
    c.ready = std::max(now, accept_free_) + static_cast<std::uint64_t>(spec_.issue_cycles);
    accept_free_ = c.ready;
    c.unfinished = op.bytes;
    c.all_requested = listed_bytes(op) == 0;
    ops_.push_back(c);
    if (op.kind == trace::AsyncKind::tma_load) ++state_.loads;
    else ++state_.stores;
}

TmaUnit::Copy* TmaUnit::find(std::uint64_t id) {
    if (id < first_id_ || id - first_id_ >= ops_.size()) return nullptr;
    return &ops_[static_cast<std::size_t>(id - first_id_)];
}

Cycle TmaUnit::port_write(Cycle from, std::uint64_t bytes) {
    const auto rate = static_cast<std::uint64_t>(spec_.smem_bytes_per_cycle);
    port_free_ = std::max(port_free_, from) + (bytes + rate - 1) / rate;
    return port_free_;
}

void TmaUnit::start(std::size_t index) {
    Copy& c = ops_[index];
    c.started = true;
    const std::uint64_t id = first_id_ + index;
    const std::uint64_t clipped = c.op.bytes - listed_bytes(c.op);
    if (c.op.kind == trace::AsyncKind::tma_store) {
        c.read_done = port_write(c.ready, c.op.bytes);
        if (clipped > 0) landings_.push_back({c.read_done, id, clipped});  // nothing to write for them
    } else if (clipped > 0) {
        landings_.push_back({port_write(c.ready, clipped), id, clipped});  // zeros for the clipped rows
    }
}

bool TmaUnit::next_piece(Copy& c, std::uint64_t& address, std::uint64_t& size) const {
    if (c.all_requested) return false;
    const trace::AsyncOp& op = c.op;
    std::uint64_t row = op.global;
    for (int d = 0; d < op.row_dims; ++d)
        row += static_cast<std::uint64_t>(op.stride[static_cast<std::size_t>(d)]) * c.index[static_cast<std::size_t>(d)];
    address = row + c.offset;
    size = std::min<std::uint64_t>(op.row_bytes - c.offset, line_bytes_ - address % line_bytes_);
    c.offset += size;
    if (c.offset < op.row_bytes) return true;
    c.offset = 0;
    for (int d = 0; d < op.row_dims; ++d) {  // the next row, first dimension fastest
        auto& i = c.index[static_cast<std::size_t>(d)];
        if (++i < op.extent[static_cast<std::size_t>(d)]) return true;
        i = 0;
    }
    c.all_requested = true;
    return true;
}

bool TmaUnit::send_request(Cycle now) {
    while (sending_ < ops_.size() && ops_[sending_].started && ops_[sending_].all_requested) ++sending_;
    if (sending_ >= ops_.size() || next_send_ > now || outstanding_ >= spec_.max_outstanding) return false;
    Copy& c = ops_[sending_];
    const bool store = c.op.kind == trace::AsyncKind::tma_store;
    if (!c.started || (store ? c.read_done : c.ready) > now) return false;
    Copy probe = c;
    std::uint64_t address = 0, size = 0;
    if (!next_piece(probe, address, size)) return false;
    WarpMemRequest request;
    request.op = store ? MemOp::store : MemOp::load_bypass_l1;
    request.lanes.active = 1;
    request.lanes.addr[0] = address;
    request.width_bytes = static_cast<int>(size);
    if (!memory_->can_accept(sm_, request)) return false;  // tried again next cycle
    c = probe;
    const std::uint64_t token = memory_->issue(sm_, request, now, *this);
    if (token >= tokens_.size()) tokens_.resize(token + 1);
    tokens_[token] = {first_id_ + sending_, size};
    ++outstanding_;
    ++state_.requests;
    state_.bytes_requested += size;
    next_send_ = now + 1;
    return true;
}

void TmaUnit::on_complete(std::uint64_t token, Cycle at) {
    const Request r = tokens_.at(token);
    --outstanding_;
    const Copy* c = find(r.copy);
    if (c == nullptr) throw InternalError("TMA: a response for a finished copy");
    if (c->op.kind == trace::AsyncKind::tma_store) finish_part(r.copy, r.bytes, at);
    else landings_.push_back({port_write(at, r.bytes), r.copy, r.bytes});
    if (owner_ != nullptr) owner_->wake(at + 1);
}

void TmaUnit::finish_part(std::uint64_t id, std::uint64_t amount, Cycle at) {
    Copy* c = find(id);
    if (c == nullptr || amount > c->unfinished) throw InternalError("TMA: more bytes finished than the copy has");
    c->unfinished -= amount;
    if (c->unfinished > 0) return;
    if (c->op.kind == trace::AsyncKind::tma_load) state_.bytes_loaded += c->op.bytes;
    else state_.bytes_stored += c->op.bytes;
    host_.tma_done(c->tag, at);
    pop_finished();
}

void TmaUnit::pop_finished() {
    // A finished copy has sent every request: sending_ is past it, or at it when nothing followed.
    while (!ops_.empty() && ops_.front().unfinished == 0) {
        ops_.pop_front();
        ++first_id_;
        if (sending_ > 0) --sending_;
    }
}

bool TmaUnit::tick(Cycle now) {
    bool progress = false;
    // Landed bytes complete on the copy's barrier (loads) or finish a store's clipped part.
    while (!landings_.empty() && landings_.front().at <= now) {
        const Landing l = landings_.front();
        landings_.pop_front();
        const Copy* c = find(l.copy);
        if (c == nullptr) throw InternalError("TMA: a landing for a finished copy");
        if (c->op.kind == trace::AsyncKind::tma_load) host_.tma_landed(c->tag, c->op.mbar, l.bytes, l.at);
        finish_part(l.copy, l.bytes, l.at);
        progress = true;
    }
    for (std::size_t i = 0; i < ops_.size(); ++i) {
        if (ops_[i].started) continue;
        if (ops_[i].ready > now) break;  // accepted in order
        start(i);
        progress = true;
    }
    progress = send_request(now) || progress;
    pop_finished();
    return progress;
}

bool TmaUnit::due(Cycle now) const { return earliest(now) <= now; }

Cycle TmaUnit::next_event(Cycle now) const { return earliest(now + 1); }

Cycle TmaUnit::earliest(Cycle soon) const {
    Cycle next = Cycle::never();
    if (!landings_.empty()) next = std::max(landings_.front().at, soon);
    for (const Copy& c : ops_)
        if (!c.started) {
            next = std::min(next, std::max(c.ready, soon));
            break;
        }
    std::size_t s = sending_;
    while (s < ops_.size() && ops_[s].started && ops_[s].all_requested) ++s;
    if (s < ops_.size() && ops_[s].started && outstanding_ < spec_.max_outstanding) {
        const Copy& c = ops_[s];
        const Cycle from = c.op.kind == trace::AsyncKind::tma_store ? c.read_done : c.ready;
        next = std::min(next, std::max({from, next_send_, soon}));
    }
    return next;
}

nlohmann::ordered_json TmaUnit::dump_state() const {
    nlohmann::ordered_json out;
    out["copies"] = ops_.size();
    out["outstanding_requests"] = outstanding_;
    out["landings"] = landings_.size();
    if (!ops_.empty()) {
        const Copy& c = ops_.front();
        out["oldest"] = {{"kind", c.op.kind == trace::AsyncKind::tma_load ? "load" : "store"}, {"tag", c.tag},
                         {"bytes", c.op.bytes}, {"unfinished", c.unfinished}, {"ready", c.ready.value()},
                         {"all_requested", c.all_requested}};
    }
    return out;
}

}  // namespace stcsim::sim
