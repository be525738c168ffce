#include "sim/trace/instruction_line.h"

#include <bit>
#include <cctype>
#include <iterator>
#include <type_traits>

#include "common/errors.h"
#include "common/printable.h"
#include "sim/trace/async_token.h"
#include "sim/trace/parse_util.h"

namespace stcsim::trace {
namespace {

// What a token was expected to be, for the error message: a string, or a callable that builds one
// (formatted only when the token is wrong, so that correct lines cost no formatting).
template <class What>
std::string describe(const What& what) {
    if constexpr (std::is_invocable_v<const What&>) return what();
    else return std::string(what);
}

class LineParser {
public:
    LineParser(std::string_view line, const Where& where) : tokens_(line), where_(where) {}

    template <class What>
    std::string_view take(const What& what) {
        std::string_view token;
        if (!tokens_.next(token)) fail_expected(where_, describe(what), "end of line");
        return token;
    }
    template <class What>
    std::uint64_t unsigned_number(const What& what, int base, std::uint64_t max) {
        std::uint64_t fast = 0;
        if (tokens_.next_unsigned(fast, static_cast<unsigned>(base), max)) return fast;
        const std::string_view token = take(what);
        std::uint64_t value = 0;
        if (!parse_unsigned(token, value, base) || value > max) fail_expected(where_, describe(what), token);
        return value;
    }
    template <class What>
    std::int64_t signed_number(const What& what) {
        std::int64_t fast = 0;
        if (tokens_.next_signed(fast)) return fast;
        const std::string_view token = take(what);
        std::int64_t value = 0;
        if (!parse_signed(token, value)) fail_expected(where_, describe(what), token);
        return value;
    }
    std::uint8_t reg(std::string_view what) {
        std::uint8_t fast = 0;
        if (tokens_.next_register(fast)) return fast;
        const std::string_view token = take(what);
        std::uint8_t value = 0;
        if (!parse_register(token, value)) fail_expected(where_, what, token);
        return value;
    }
    Tokens& tokens() { return tokens_; }
    const Where& where() const { return where_; }

private:
    Tokens tokens_;
    const Where& where_;
};

void parse_addresses(LineParser& p, TraceInstruction& out) {
    const auto mode = p.unsigned_number("an address compression mode 0 (list), 1 (base+stride) or 2 (base+deltas)", 10, 2);
    out.address_mode = static_cast<AddressMode>(mode);
    const int lanes = std::popcount(out.active_mask);
    std::uint64_t values[kWarpSize] = {};
    if (out.address_mode == AddressMode::list) {
        for (int i = 0; i < lanes; ++i)
            values[i] = p.unsigned_number([&] { return fmt::format("the hex address of active lane {} of {}", i + 1, lanes); },
                                          16, UINT64_MAX);
    } else {
        const std::uint64_t base = p.unsigned_number("a hex base address", 16, UINT64_MAX);
        if (out.address_mode == AddressMode::base_stride) {
            const std::int64_t stride = p.signed_number("a decimal stride");
            // Addresses wrap modulo 2^64 (as base+deltas do): unsigned arithmetic, never a signed overflow.
            for (int i = 0; i < lanes; ++i)
                values[i] = base + static_cast<std::uint64_t>(stride) * static_cast<std::uint64_t>(i);
        } else {
            values[0] = base;
            for (int i = 1; i < lanes; ++i)
                values[i] = values[i - 1] + static_cast<std::uint64_t>(p.signed_number(
                                                [&] { return fmt::format("address delta {} of {} (decimal)", i, lanes - 1); }));
        }
    }
    int index = 0;
    for (int lane = 0; lane < kWarpSize; ++lane)
        out.addresses[static_cast<std::size_t>(lane)] = out.lane_active(lane) ? values[index++] : 0;
}

// A decimal of one to three digits at `pos` of `text`, advancing `pos` past it.
bool short_decimal(std::string_view text, std::size_t& pos, unsigned& value) {
    const std::size_t start = pos;
    value = 0;
    while (pos < text.size() && pos - start < 4 && text[pos] >= '0' && text[pos] <= '9')
        value = value * 10 + static_cast<unsigned>(text[pos++] - '0');
    return pos > start && pos - start <= 3;
}

// The well-formed case of parse_widths in one pass over `list` (the token after `dst=`): false
// for anything unusual, which parse_widths then checks (and reports) the long way.
bool parse_widths_fast(std::string_view list, RegOperand* operands, int count) {
    if (count == 0) return false;
    std::size_t pos = 0;
    for (int index = 0; index < count; ++index) {
        if (index > 0 && (pos >= list.size() || list[pos++] != ',')) return false;
        unsigned reg = 0, width = 1;
        if (pos >= list.size() || list[pos++] != 'R' || !short_decimal(list, pos, reg) || reg != operands[index].reg)
            return false;
        if (pos < list.size() && list[pos] == ':' &&
            (!short_decimal(list, ++pos, width) || width == 0 || reg + width - 1 > static_cast<unsigned>(kMaxRegister)))
            return false;
        operands[index].width = static_cast<std::uint8_t>(width);
    }
    return pos == list.size();
}

// `dst=R4:4,R8` or `src=...`: the widths of the operands the line already named.
void parse_widths(LineParser& p, std::string_view token, RegOperand* operands, int count) {
    if (parse_widths_fast(token.substr(4), operands, count)) return;
    const std::string_view key = token.substr(0, 4);
    std::string_view list = token.substr(4);
    int index = 0;
    while (!list.empty() || index == 0) {
        const std::size_t comma = std::min(list.find(','), list.size());
        const std::string_view item = list.substr(0, comma);
        const std::size_t colon = std::min(item.find(':'), item.size());
        std::uint8_t reg = 0;
        std::uint64_t width = 1;
        if (index >= count || !parse_register(item.substr(0, colon), reg) || reg != operands[index].reg ||
            (colon < item.size() && (!parse_unsigned(item.substr(colon + 1), width) || width == 0 ||
                                     reg + width - 1 > static_cast<std::uint64_t>(kMaxRegister))))
            fail_expected(p.where(),
                          fmt::format("'{}' then the {} operand(s) of the line as R<base>[:<width>] in order", key, count),
                          token);
        operands[index++].width = static_cast<std::uint8_t>(width);
        if (comma == list.size()) break;
        list.remove_prefix(comma + 1);
    }
    if (index != count)
        fail_expected(p.where(), fmt::format("'{}' with {} operand(s), as many as the line names", key, count), token);
}

// `stall=N`: the compiler's stall count, 1..15 (the 4-bit field of the control bits).
void parse_stall_token(std::string_view token, TraceInstruction& out, const Where& where) {
    std::uint64_t stall = 0;
    if (!parse_unsigned(token.substr(6), stall, 10) || stall < 1 || stall > 15)
        fail_expected(where, "stall=N with N from 1 to 15 (the stall count of the control bits)", token);
    out.stall = static_cast<std::uint8_t>(stall);
}

void parse_tail(LineParser& p, const KernelHeader& header, TraceInstruction& out) {
    std::string_view token;
    bool saw_extension = false;
    while (p.tokens().next(token)) {
        if (header.extended() && out.async.kind == AsyncKind::none && (token.starts_with("dst=") || token.starts_with("src="))) {
            if (token[0] == 'd') parse_widths(p, token, out.dst.data(), out.dst_count);
            else parse_widths(p, token, out.src.data(), out.src_count);
            saw_extension = true;
            continue;
        }
        if (header.extended() && is_barrier_token(token)) {
            parse_barrier_token(token, out, p.where());
            saw_extension = true;
            continue;
        }
        if (header.extended() && token.starts_with("stall=") && out.stall == 0) {
            parse_stall_token(token, out, p.where());
            saw_extension = true;
            continue;
        }
        if (header.extended() && token == "hold" && !out.hold) {
            out.hold = true;
            saw_extension = true;
            continue;
        }
        if (header.extended() && is_async_token(token)) {  // the last token of its line
            parse_async_token(token, out, p.where());
            saw_extension = true;
            continue;
        }
        std::int64_t value = 0;
        if (!out.has_immediate && !saw_extension && parse_signed(token, value)) {
            out.has_immediate = true;
            out.immediate = value;
            continue;
        }
        fail_expected(p.where(),
                      header.extended() ? (out.async.kind != AsyncKind::none ? "the end of the line after 'mbar=' / 'tma='"
                                                                             : "an immediate, 'dst=...', 'src=...', 'bar=...', 'stall=...', 'hold', 'mbar=...', 'tma=...' or the end of the line")
                      : out.has_immediate ? "the end of the line"
                                          : "a decimal immediate or the end of the line",
                      token);
    }
}

}  // namespace

void parse_instruction_line(std::string_view line, const KernelHeader& header, OpcodeTable& opcodes,
                            TraceInstruction& out, const Where& where) {
    out = TraceInstruction{};
    LineParser p(line, where);
    if (header.tracer_version < 3)
        for (const char* what : {"the thread block x", "the thread block y", "the thread block z", "the warp id"})
            p.unsigned_number([what] { return fmt::format("{} (tracer version < 3 lines start with block and warp ids)", what); },
                              10, UINT32_MAX);
    if (header.enable_lineinfo)
        out.source_line = static_cast<std::uint32_t>(p.unsigned_number("a decimal source line number", 10, UINT32_MAX));
    out.pc = p.unsigned_number("a hex PC", 16, UINT64_MAX);
    out.active_mask = static_cast<std::uint32_t>(p.unsigned_number("a hex active mask of 32 bits", 16, UINT32_MAX));
    out.dst_count = static_cast<std::uint8_t>(
        p.unsigned_number([] { return fmt::format("a destination register count from 0 to {}", kMaxDstOperands); }, 10,
                          kMaxDstOperands));
    for (int i = 0; i < out.dst_count; ++i) out.dst[static_cast<std::size_t>(i)].reg = p.reg("a destination register R0..R255");
    const std::string_view opcode = p.take("an opcode");
    if (!std::isalpha(static_cast<unsigned char>(opcode.front()))) fail_expected(where, "an opcode such as HMMA.16816.F32", opcode);
    const std::size_t known = opcodes.size();
    out.opcode = opcodes.intern(opcode);
    if (opcodes.size() != known)  // a new opcode: checked once, as it will name stats and reports
        for (const char c : opcode)
            if (c < 0x21 || c > 0x7e) fail_expected(where, "an opcode of printable ASCII characters", printable(opcode, true));
    out.src_count = static_cast<std::uint8_t>(
        p.unsigned_number([] { return fmt::format("a source register count from 0 to {}", kMaxSrcOperands); }, 10,
                          kMaxSrcOperands));
    for (int i = 0; i < out.src_count; ++i) out.src[static_cast<std::size_t>(i)].reg = p.reg("a source register R0..R255");
    out.mem_width = static_cast<std::uint32_t>(p.unsigned_number("a decimal memory width in bytes (0: no memory access)", 10, 4096));
    if (out.mem_width > 0) parse_addresses(p, out);
    parse_tail(p, header, out);
}

namespace {

void format_operands(const RegOperand* operands, int count, std::string_view key, fmt::memory_buffer& out) {
    out.append(key);
    for (int i = 0; i < count; ++i) {
        if (i > 0) out.push_back(',');
        fmt::format_to(std::back_inserter(out), "R{}", operands[i].reg);
        if (operands[i].width != 1) fmt::format_to(std::back_inserter(out), ":{}", operands[i].width);
    }
}

bool any_wide(const RegOperand* operands, int count) {
    for (int i = 0; i < count; ++i)
        if (operands[i].width != 1) return true;
    return false;
}

void format_addresses(const TraceInstruction& inst, fmt::memory_buffer& out) {
    auto it = std::back_inserter(out);
    fmt::format_to(it, " {}", static_cast<int>(inst.address_mode));
    std::uint64_t values[kWarpSize] = {};
    int lanes = 0;
    for (int lane = 0; lane < kWarpSize; ++lane)
        if (inst.lane_active(lane)) values[lanes++] = inst.addresses[static_cast<std::size_t>(lane)];
    switch (inst.address_mode) {
        case AddressMode::list:
            for (int i = 0; i < lanes; ++i) fmt::format_to(it, " 0x{:016x}", values[i]);
            return;
        case AddressMode::base_stride: {
            const auto stride = lanes > 1 ? static_cast<std::int64_t>(values[1] - values[0]) : 0;
            for (int i = 2; i < lanes; ++i)
                if (static_cast<std::int64_t>(values[i] - values[i - 1]) != stride)
                    throw InternalError("base+stride address mode for addresses without a constant stride");
            fmt::format_to(it, " 0x{:x} {}", values[0], stride);
            return;
        }
        case AddressMode::base_delta:
            fmt::format_to(it, " 0x{:x}", values[0]);
            for (int i = 1; i < lanes; ++i) fmt::format_to(it, " {}", static_cast<std::int64_t>(values[i] - values[i - 1]));
            return;
    }
}

}  // namespace

void format_instruction_line(const TraceInstruction& inst, const KernelHeader& header, fmt::memory_buffer& out) {
    if (header.tracer_version < 3) throw InternalError("stcsim writes traces of tracer version 3 or later only");
    if (inst.opcode == nullptr) throw InternalError("a trace instruction without an opcode");
    auto it = std::back_inserter(out);
    if (header.enable_lineinfo) fmt::format_to(it, "{} ", inst.source_line);
    fmt::format_to(it, "{:04x} {:08x} {}", inst.pc, inst.active_mask, inst.dst_count);
    for (int i = 0; i < inst.dst_count; ++i) fmt::format_to(it, " R{}", inst.dst[static_cast<std::size_t>(i)].reg);
    fmt::format_to(it, " {} {}", inst.opcode->full, inst.src_count);
    for (int i = 0; i < inst.src_count; ++i) fmt::format_to(it, " R{}", inst.src[static_cast<std::size_t>(i)].reg);
    fmt::format_to(it, " {}", inst.mem_width);
    if (inst.mem_width > 0) format_addresses(inst, out);
    if (inst.has_immediate) fmt::format_to(it, " {}", inst.immediate);
    if (header.extended()) {
        if (any_wide(inst.dst.data(), inst.dst_count)) format_operands(inst.dst.data(), inst.dst_count, " dst=", out);
        if (any_wide(inst.src.data(), inst.src_count)) format_operands(inst.src.data(), inst.src_count, " src=", out);
        format_barrier_token(inst, out);
        if (inst.stall != 0) fmt::format_to(it, " stall={}", inst.stall);
        if (inst.hold) fmt::format_to(it, " hold");
        format_async_token(inst.async, out);
    } else if (inst.async.kind != AsyncKind::none) {
        throw InternalError("an mbarrier or TMA operation in a trace without the stcsim extension");
    }
}

}  // namespace stcsim::trace
