#include "sim/gpu/compact_warp.h"

#include <bit>

namespace stcsim::sim {
namespace {

void put_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}

void put_zigzag(std::vector<std::uint8_t>& out, std::uint64_t difference) {
    const auto v = static_cast<std::int64_t>(difference);
    put_varint(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

std::uint64_t hash_of(std::uint32_t mask, const std::uint64_t* lanes, int n) {
    std::uint64_t h = 0x9e3779b97f4a7c15ull ^ mask;
    for (int i = 1; i < n; ++i) h = (h ^ (lanes[i] - lanes[0])) * 0x100000001b3ull;
    return h;
}

}  // namespace

std::uint32_t AddressPatterns::intern(std::uint32_t mask, const std::uint64_t* lanes, int n) {
    const std::uint64_t h = hash_of(mask, lanes, n);
    const auto found = by_hash_.find(h);
    std::uint32_t last = 0;
    for (std::uint32_t p = found == by_hash_.end() ? 0 : found->second; p != 0; p = table_[p - 1].next) {
        const Pattern& candidate = table_[p - 1];
        last = p;
        if (candidate.mask != mask) continue;
        bool same = true;
        int i = 0;
        for (int lane = 0; lane < 32 && same; ++lane)
            if ((mask >> lane) & 1u) same = candidate.offset[static_cast<std::size_t>(lane)] == lanes[i++] - lanes[0];
        if (same) return p;
    }
    if (table_.size() >= max_) return 0;
    Pattern& pattern = table_.emplace_back();
    pattern.mask = mask;
    int i = 0;
    for (int lane = 0; lane < 32; ++lane)
        if ((mask >> lane) & 1u) pattern.offset[static_cast<std::size_t>(lane)] = lanes[i++] - lanes[0];
    const auto p = static_cast<std::uint32_t>(table_.size());
    if (last == 0) by_hash_.emplace(h, p);
    else table_[last - 1].next = p;
    return p;
}

void CompactWarp::clear() {
    bytes.clear();
    count = 0;
    base.fill(0);
    last_pc = 0;
}

void CompactWarp::trim() {
    if (bytes.capacity() > 2 * bytes.size() + 4096) bytes.shrink_to_fit();
}

void CompactWarp::append(std::uint32_t index, bool memory, std::uint32_t mask, const std::uint64_t* lanes, int n,
                         AddressPatterns& patterns) {
    ++count;
    put_varint(bytes, index);
    if (!memory) return;
    const std::uint32_t p = patterns.intern(mask, lanes, n);
    const std::uint64_t first = n > 0 ? lanes[0] : 0;
    std::uint64_t& last = base[index % kSlots];
    put_varint(bytes, p);
    put_zigzag(bytes, first - last);
    last = first;
    if (p != 0) return;
    put_varint(bytes, mask);
    for (int i = 1; i < n; ++i) put_zigzag(bytes, lanes[i] - lanes[i - 1]);
}

void CompactReader::reset(const CompactWarp& warp, const AddressPatterns& patterns) {
    patterns_ = &patterns;
    next_ = warp.bytes.data();
    end_ = next_ + warp.bytes.size();
    base_.fill(0);
    pattern_ = 0;
    current_ = 0;
}

std::uint64_t CompactReader::varint() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
        const std::uint8_t b = *next_++;
        v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
        if (b < 0x80) return v;
    }
}

std::int64_t CompactReader::zigzag() {
    const std::uint64_t v = varint();
    return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

std::uint32_t CompactReader::next_index() { return static_cast<std::uint32_t>(varint()); }

void CompactReader::read_addresses(std::uint32_t index) {
    pattern_ = static_cast<std::uint32_t>(varint());
    std::uint64_t& last = base_[index % CompactWarp::kSlots];
    last += static_cast<std::uint64_t>(zigzag());
    current_ = last;
    if (pattern_ != 0) return;
    explicit_.active = static_cast<std::uint32_t>(varint());
    explicit_.addr.fill(0);
    std::uint64_t address = current_;
    bool first = true;
    for (int lane = 0; lane < 32; ++lane) {
        if (((explicit_.active >> lane) & 1u) == 0) continue;
        if (!first) address += static_cast<std::uint64_t>(zigzag());
        first = false;
        explicit_.addr[static_cast<std::size_t>(lane)] = address;
    }
}

void CompactReader::addresses(LaneAddresses& out) const {
    if (pattern_ == 0) {
        out = explicit_;
        return;
    }
    const AddressPatterns::Pattern& p = patterns_->at(pattern_);
    out.active = p.mask;
    for (std::size_t lane = 0; lane < 32; ++lane) out.addr[lane] = ((p.mask >> lane) & 1u) ? current_ + p.offset[lane] : 0;
}

void CompactWarp::append_async(const trace::AsyncOp& op) {
    for (const std::uint64_t v : {std::uint64_t{static_cast<std::uint8_t>(op.kind)}, std::uint64_t{op.count}, op.bytes, op.smem,
                                  op.mbar, op.global, std::uint64_t{op.row_bytes}, std::uint64_t{op.row_dims}})
        put_varint(bytes, v);
    for (int d = 0; d < op.row_dims; ++d) {
        put_varint(bytes, op.extent[static_cast<std::size_t>(d)]);
        put_zigzag(bytes, static_cast<std::uint64_t>(op.stride[static_cast<std::size_t>(d)]));
    }
}

void CompactReader::read_async(trace::AsyncOp& out) {
    out = trace::AsyncOp{};
    out.kind = static_cast<trace::AsyncKind>(varint());
    out.count = static_cast<std::uint32_t>(varint());
    out.bytes = varint();
    out.smem = varint();
    out.mbar = varint();
    out.global = varint();
    out.row_bytes = static_cast<std::uint32_t>(varint());
    out.row_dims = static_cast<std::uint8_t>(varint());
    for (int d = 0; d < out.row_dims; ++d) {
        out.extent[static_cast<std::size_t>(d)] = static_cast<std::uint32_t>(varint());
        out.stride[static_cast<std::size_t>(d)] = zigzag();
    }
}

}  // namespace stcsim::sim
