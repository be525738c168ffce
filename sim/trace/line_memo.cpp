#include "sim/trace/line_memo.h"

#include <bit>
#include <cstring>

#include "sim/trace/parse_util.h"

namespace stcsim::trace {

LineMemo::LineMemo(const KernelHeader& header)
    : leading_tokens_((header.tracer_version < 3 ? 4 : 0) + (header.enable_lineinfo ? 1 : 0)), entries_(kSlots) {}

bool LineMemo::split(std::string_view line, Split& out) const {
    Tokens tokens(line);
    std::string_view token;
    const auto skip = [&](std::uint64_t n) {
        for (std::uint64_t i = 0; i < n; ++i)
            if (!tokens.next(token)) return false;
        return true;
    };
    const auto count = [&](std::uint64_t max, std::uint64_t& n) {
        return tokens.next(token) && parse_unsigned(token, n) && n <= max;
    };
    std::uint64_t dsts = 0, srcs = 0, width = 0, mode = 0;
    // [ids] [line] PC mask #dst dst... opcode #src src... width [mode base ...]
    if (!skip(leading_tokens_ + 2) || !count(kMaxDstOperands, dsts) || !skip(dsts + 1) || !count(kMaxSrcOperands, srcs) ||
        !skip(srcs) || !count(UINT64_MAX, width))
        return false;
    if (width == 0) {
        out = {line, {}, {}};
        return true;
    }
    if (!count(2, mode) || mode == 0 || !tokens.next(token)) return false;
    const auto at = static_cast<std::size_t>(token.data() - line.data());
    out = {line.substr(0, at), token, line.substr(at + token.size())};
    return true;
}

std::size_t LineMemo::slot(std::string_view line) const {
    // FNV-1a over the line up to the end of the active-mask token.
    std::size_t blanks = 0, i = 0;
    std::uint64_t h = 1469598103934665603ull;
    for (; i < line.size(); ++i) {
        if (Tokens::blank(line[i]) && ++blanks == leading_tokens_ + 2) break;
        h = (h ^ static_cast<unsigned char>(line[i])) * 1099511628211ull;
    }
    return static_cast<std::size_t>(h ^ (h >> 29)) % kSlots;
}

bool LineMemo::recall(std::string_view line, TraceInstruction& out) {
    const Entry& e = entries_[slot(line)];
    if (!e.used) return false;
    if (!e.has_base) {
        if (line.size() != e.text.size() || std::memcmp(line.data(), e.text.data(), line.size()) != 0) return false;
        out = e.inst;
        return true;
    }
    if (line.size() <= e.head || std::memcmp(line.data(), e.text.data(), e.head) != 0) return false;
    std::size_t end = e.head;
    while (end < line.size() && !Tokens::blank(line[end])) ++end;
    const std::string_view tail = line.substr(end);
    std::uint64_t base = 0;
    if (tail.size() != e.text.size() - e.head || std::memcmp(tail.data(), e.text.data() + e.head, tail.size()) != 0 ||
        !parse_unsigned(line.substr(e.head, end - e.head), base, 16))
        return false;
    out = e.inst;
    const std::uint64_t shift = base - e.base;
    for (int lane = 0; lane < kWarpSize; ++lane)
        if (out.lane_active(lane)) out.addresses[static_cast<std::size_t>(lane)] += shift;
    return true;
}

void LineMemo::remember(std::string_view line, const TraceInstruction& parsed) {
    Split s;
    if (!split(line, s)) return;
    std::uint64_t base = 0;
    if (s.base.empty()) {
        if (parsed.is_memory()) return;
    } else {
        // Only base+stride / base+delta lines whose base is the first active lane's address.
        if (!parsed.is_memory() || parsed.address_mode == AddressMode::list || parsed.active_mask == 0 ||
            !parse_unsigned(s.base, base, 16) ||
            parsed.addresses[static_cast<std::size_t>(std::countr_zero(parsed.active_mask))] != base)
            return;
    }
    Entry& e = entries_[slot(line)];
    e.text.assign(s.head);
    e.text.append(s.tail);
    e.head = s.head.size();
    e.has_base = !s.base.empty();
    e.base = base;
    e.used = true;
    e.inst = parsed;
}

}  // namespace stcsim::trace
