#include "sim/trace/async_token.h"

#include <iterator>

#include "common/errors.h"

namespace stcsim::trace {
namespace {

// The fields of a token body split at one separator character, taken one at a time.
class Fields {
public:
    Fields(std::string_view body, char separator) : rest_(body), separator_(separator) {}
    bool next(std::string_view& field) {
        if (done_) return false;
        const std::size_t at = rest_.find(separator_);
        field = rest_.substr(0, at);
        if (at == std::string_view::npos) done_ = true;
        else rest_.remove_prefix(at + 1);
        return true;
    }
    bool at_end() const { return done_; }

private:
    std::string_view rest_;
    char separator_;
    bool done_ = false;
};

class TokenParser {
public:
    TokenParser(std::string_view token, const Where& where) : token_(token), where_(where) {}

    [[noreturn]] void fail(std::string_view what) const { fail_expected(where_, what, token_); }

    std::string_view field(Fields& fields, std::string_view what) const {
        std::string_view f;
        if (!fields.next(f)) fail(what);
        return f;
    }
    std::uint64_t decimal(Fields& fields, std::string_view what, std::uint64_t min, std::uint64_t max) const {
        std::uint64_t value = 0;
        if (!parse_unsigned(field(fields, what), value, 10) || value < min || value > max) fail(what);
        return value;
    }
    std::uint64_t hex(Fields& fields, std::string_view what, std::uint64_t align) const {
        std::uint64_t value = 0;
        if (!parse_unsigned(field(fields, what), value, 16) || value % align != 0) fail(what);
        return value;
    }
    void end(const Fields& fields, std::string_view what) const {
        if (!fields.at_end()) fail(what);
    }

private:
    std::string_view token_;
    const Where& where_;
};

void parse_mbar(const TokenParser& p, std::string_view body, AsyncOp& op) {
    constexpr std::string_view kinds = "'mbar=' then init:COUNT, arrive:COUNT:TX, complete:TX, wait:PARITY or inval";
    Fields fields(body, ':');
    const std::string_view kind = p.field(fields, kinds);
    const std::string count = fmt::format("a decimal count from 1 to {}", kMaxMbarrierCount);
    const std::string tx = fmt::format("a decimal transaction byte count from 0 to {}", kMaxMbarrierCount);
    if (kind == "init") {
        op.kind = AsyncKind::mbar_init;
        op.count = static_cast<std::uint32_t>(p.decimal(fields, "'mbar=init:COUNT' with " + count, 1, kMaxMbarrierCount));
        p.end(fields, "'mbar=init:COUNT' and nothing more");
    } else if (kind == "arrive") {
        op.kind = AsyncKind::mbar_arrive;
        op.count = static_cast<std::uint32_t>(p.decimal(
            fields, fmt::format("'mbar=arrive:COUNT:TX' with COUNT a decimal from 0 to {}", kMaxMbarrierCount), 0, kMaxMbarrierCount));
        op.bytes = p.decimal(fields, "'mbar=arrive:COUNT:TX' with TX " + tx, 0, kMaxMbarrierCount);
        p.end(fields, "'mbar=arrive:COUNT:TX' and nothing more");
    } else if (kind == "complete") {
        op.kind = AsyncKind::mbar_complete;
        op.bytes = p.decimal(fields, "'mbar=complete:TX' with TX " + tx, 0, kMaxMbarrierCount);
        p.end(fields, "'mbar=complete:TX' and nothing more");
    } else if (kind == "wait") {
        op.kind = AsyncKind::mbar_wait;
        op.count = static_cast<std::uint32_t>(p.decimal(fields, "'mbar=wait:PARITY' with PARITY 0 or 1", 0, 1));
        p.end(fields, "'mbar=wait:PARITY' and nothing more");
    } else if (kind == "inval") {
        op.kind = AsyncKind::mbar_inval;
        p.end(fields, "'mbar=inval' and nothing more");
    } else {
        p.fail(kinds);
    }
}

void parse_box(const TokenParser& p, Fields& fields, std::string_view form, AsyncOp& op) {
    op.global = p.hex(fields, fmt::format("'{}' with GLOBAL a hex global address", form), 1);
    op.row_bytes = static_cast<std::uint32_t>(
        p.decimal(fields, fmt::format("'{}' with ROW_BYTES a decimal row size in bytes", form), 0, UINT32_MAX));
    std::string_view dim;
    while (fields.next(dim)) {
        const std::string what = fmt::format("'{}' with at most {} row dimensions N*STRIDE (N a decimal from 1, STRIDE "
                                             "a signed decimal)",
                                             form, kMaxBoxRowDims);
        const std::size_t star = dim.find('*');
        std::uint64_t n = 0;
        std::int64_t stride = 0;
        if (op.row_dims == kMaxBoxRowDims || star == std::string_view::npos || !parse_unsigned(dim.substr(0, star), n, 10) ||
            n == 0 || n > UINT32_MAX || !parse_signed(dim.substr(star + 1), stride))
            p.fail(what);
        op.extent[op.row_dims] = static_cast<std::uint32_t>(n);
        op.stride[op.row_dims] = stride;
        ++op.row_dims;
    }
    // BYTES covers the box's rows (the in-bounds ones listed here, plus any clipped ones).
    std::uint64_t listed = op.row_bytes;
    bool overflow = false;
    for (int d = 0; d < op.row_dims; ++d)
        overflow = __builtin_mul_overflow(listed, std::uint64_t{op.extent[static_cast<std::size_t>(d)]}, &listed) || overflow;
    if (overflow || listed > op.bytes)
        p.fail(fmt::format("'{}' with BYTES at least the box's rows ({} x {} bytes)", form, box_rows(op), op.row_bytes));
}

void parse_tma(const TokenParser& p, std::string_view body, AsyncOp& op) {
    constexpr std::string_view kinds = "'tma=' then load,SMEM,MBAR,BYTES,BOX or store,SMEM,BYTES,BOX";
    Fields fields(body, ',');
    const std::string_view kind = p.field(fields, kinds);
    const bool load = kind == "load";
    if (!load && kind != "store") p.fail(kinds);
    const std::string_view form = load ? "tma=load,SMEM,MBAR,BYTES,GLOBAL,ROW_BYTES{,N*STRIDE}"
                                       : "tma=store,SMEM,BYTES,GLOBAL,ROW_BYTES{,N*STRIDE}";
    op.kind = load ? AsyncKind::tma_load : AsyncKind::tma_store;
    op.smem = p.hex(fields, fmt::format("'{}' with SMEM a 16-byte aligned hex shared address", form), 16);
    if (load) op.mbar = p.hex(fields, fmt::format("'{}' with MBAR an 8-byte aligned hex shared address", form), 8);
    op.bytes = p.decimal(fields, fmt::format("'{}' with BYTES a decimal from 1 to {}", form, UINT32_MAX), 1, UINT32_MAX);
    parse_box(p, fields, form, op);
}

}  // namespace

std::uint64_t box_rows(const AsyncOp& op) {
    std::uint64_t rows = 1;
    for (int d = 0; d < op.row_dims; ++d) rows *= op.extent[static_cast<std::size_t>(d)];
    return rows;
}

void parse_async_token(std::string_view token, TraceInstruction& inst, const Where& where) {
    const TokenParser p(token, where);
    if (inst.async.kind != AsyncKind::none) p.fail("the end of the line (one 'mbar=' or 'tma=' token per line)");
    AsyncOp op;
    if (token.starts_with("mbar=")) {
        if (inst.mem_width != 8)
            p.fail(fmt::format("no 'mbar=' on a line of memory width {}: an mbarrier line has width 8 and one barrier "
                               "address per active lane",
                               inst.mem_width));
        parse_mbar(p, token.substr(5), op);
    } else {
        if (inst.mem_width != 0)
            p.fail(fmt::format("no 'tma=' on a line with addresses (memory width {}): a TMA line has memory width 0",
                               inst.mem_width));
        parse_tma(p, token.substr(4), op);
    }
    inst.async = op;
}

void format_async_token(const AsyncOp& op, fmt::memory_buffer& out) {
    auto it = std::back_inserter(out);
    switch (op.kind) {
        case AsyncKind::none: return;
        case AsyncKind::mbar_init: fmt::format_to(it, " mbar=init:{}", op.count); return;
        case AsyncKind::mbar_arrive: fmt::format_to(it, " mbar=arrive:{}:{}", op.count, op.bytes); return;
        case AsyncKind::mbar_complete: fmt::format_to(it, " mbar=complete:{}", op.bytes); return;
        case AsyncKind::mbar_wait: fmt::format_to(it, " mbar=wait:{}", op.count); return;
        case AsyncKind::mbar_inval: fmt::format_to(it, " mbar=inval"); return;
        case AsyncKind::tma_load:
            fmt::format_to(it, " tma=load,0x{:x},0x{:x},{}", op.smem, op.mbar, op.bytes);
            break;
        case AsyncKind::tma_store:
            fmt::format_to(it, " tma=store,0x{:x},{}", op.smem, op.bytes);
            break;
    }
    fmt::format_to(it, ",0x{:x},{}", op.global, op.row_bytes);
    if (op.row_dims > kMaxBoxRowDims) throw InternalError("a TMA box with more than 4 row dimensions");
    for (int d = 0; d < op.row_dims; ++d)
        fmt::format_to(it, ",{}*{}", op.extent[static_cast<std::size_t>(d)], op.stride[static_cast<std::size_t>(d)]);
}

}  // namespace stcsim::trace

namespace stcsim::trace {

void parse_barrier_token(std::string_view token, TraceInstruction& inst, const Where& where) {
    const std::string_view body = token.substr(4);
    const std::size_t comma = body.find(',');
    std::uint64_t id = 0, threads = 0;
    if (comma == std::string_view::npos || !parse_unsigned(body.substr(0, comma), id, 10) || id > 15 ||
        !parse_unsigned(body.substr(comma + 1), threads, 10) || threads > 1024 || threads % 32 != 0)
        fail_expected(where, "bar=ID,THREADS (ID 0..15, THREADS 0..1024 in multiples of 32)", token);
    if (inst.opcode == nullptr || inst.opcode->base != "BAR") fail_expected(where, "bar= on a BAR line only", token);
    inst.barrier = static_cast<std::uint8_t>(id);
    inst.barrier_threads = static_cast<std::uint16_t>(threads);
}

void format_barrier_token(const TraceInstruction& inst, fmt::memory_buffer& out) {
    if (inst.barrier != 0 || inst.barrier_threads != 0)
        fmt::format_to(std::back_inserter(out), " bar={},{}", inst.barrier, inst.barrier_threads);
}

}  // namespace stcsim::trace
