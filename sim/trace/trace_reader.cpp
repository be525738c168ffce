#include "sim/trace/trace_reader.h"

#include <fmt/format.h>

#include "common/errors.h"
#include "sim/trace/instruction_line.h"
#include "sim/trace/parse_util.h"

namespace stcsim::trace {

std::uint64_t ThreadBlockTrace::instruction_count() const {
    std::uint64_t count = 0;
    for (const auto& warp : warps) count += warp.instructions.size();
    return count;
}

TraceReader::TraceReader(const std::string& path) : lines_(open_input(path), path) {
    read_header();
    memo_ = std::make_unique<LineMemo>(header_);
}

std::string TraceReader::where() const { return fmt::format("{}:{}", lines_.name(), lines_.line_number()); }

void TraceReader::read_header() {
    std::string_view line;
    while (lines_.next(line)) {
        line = trim(line);
        if (line.empty()) continue;
        if (line.front() == '#') {
            if (line.starts_with("#BEGIN_TB")) {
                pending_ = std::string(line);
                has_pending_ = true;
            }
            break;
        }
        parse_header_line(line, header_, where());
    }
    check_header(header_, where());
}

// The next line that is neither blank nor a comment ('#' lines other than #BEGIN_TB / #END_TB).
bool TraceReader::next_content_line(std::string_view& line) {
    if (has_pending_) {
        has_pending_ = false;
        line = pending_;
        return true;
    }
    while (lines_.next(line)) {
        line = trim(line);
        if (line.empty()) continue;
        if (line.front() == '#' && !line.starts_with("#BEGIN_TB") && !line.starts_with("#END_TB")) continue;
        return true;
    }
    return false;
}

namespace {

// "name = value" lines of a block: returns the value, or fails naming what was expected.
bool block_key(std::string_view line, std::string_view key, std::string_view& value) {
    if (!line.starts_with(key)) return false;
    const std::string_view rest = trim(line.substr(key.size()));
    if (rest.empty() || rest.front() != '=') return false;
    value = trim(rest.substr(1));
    return true;
}

}  // namespace

bool TraceReader::next_block(ThreadBlockTrace& block) { return read_block(block, nullptr); }

bool TraceReader::next_block(ThreadBlockTrace& block, InstructionSink& sink) { return read_block(block, &sink); }

bool TraceReader::read_block(ThreadBlockTrace& block, InstructionSink* sink) {
    std::string_view line;
    if (!next_content_line(line)) {
        if (blocks_read_ != header_.grid.count())
            throw UserError(fmt::format("{}: the grid ({},{},{}) has {} thread blocks, but the trace lists {}", lines_.name(),
                                        header_.grid.x, header_.grid.y, header_.grid.z, header_.grid.count(), blocks_read_));
        return false;
    }
    if (line != "#BEGIN_TB") fail_expected(where(), "'#BEGIN_TB'", line);
    block.warps.resize(header_.warps_per_block());
    for (auto& warp : block.warps) {
        warp.present = false;
        warp.instructions.clear();
    }
    block.cluster_id = block.cluster_cta = Dim3{0, 0, 0};
    block.cluster_rank = 0;
    bool have_id = false;
    for (;;) {
        if (!next_content_line(line)) fail_expected(where(), "'#END_TB'", "end of file");
        std::string_view value;
        if (line == "#END_TB") break;
        if (line == "#BEGIN_TB") fail_expected(where(), "'#END_TB' before the next '#BEGIN_TB'", line);
        if (block_key(line, "thread block", value)) {
            if (!parse_triple(value, block.id.x, block.id.y, block.id.z) || block.id.x >= header_.grid.x ||
                block.id.y >= header_.grid.y || block.id.z >= header_.grid.z)
                fail_expected(where(), fmt::format("'thread block = x,y,z' inside the grid ({},{},{})", header_.grid.x,
                                                   header_.grid.y, header_.grid.z), line);
            if (have_id) fail_expected(where(), "one 'thread block = x,y,z' line per block", line);
            const std::uint64_t linear =
                (std::uint64_t{block.id.z} * header_.grid.y + block.id.y) * header_.grid.x + block.id.x;
            if (!listed_.insert(linear))
                fail_expected(where(), "each thread block once, but this one was listed before", line);
            have_id = true;
        } else if (block_key(line, "cluster id", value)) {
            if (!parse_triple(value, block.cluster_id.x, block.cluster_id.y, block.cluster_id.z))
                fail_expected(where(), "'cluster id = x,y,z'", line);
        } else if (block_key(line, "cluster cta", value)) {
            if (!parse_triple(value, block.cluster_cta.x, block.cluster_cta.y, block.cluster_cta.z))
                fail_expected(where(), "'cluster cta = x,y,z'", line);
        } else if (block_key(line, "cluster rank", value)) {
            std::uint64_t rank = 0;
            if (!parse_unsigned(value, rank) || rank > UINT32_MAX) fail_expected(where(), "'cluster rank = N'", line);
            block.cluster_rank = static_cast<std::uint32_t>(rank);
        } else if (block_key(line, "warp", value)) {
            if (!have_id) fail_expected(where(), "'thread block = x,y,z' before the first warp", line);
            read_warp(line, block, sink);
        } else {
            fail_expected(where(), "'thread block = x,y,z', 'warp = N' or '#END_TB'", line);
        }
    }
    if (!have_id) fail_expected(where(), "'thread block = x,y,z' in the block", line);
    ++blocks_read_;
    peak_buffered_ = std::max(peak_buffered_, block.instruction_count());
    return true;
}

void TraceReader::read_warp(std::string_view warp_line, ThreadBlockTrace& block, InstructionSink* sink) {
    std::string_view value;
    block_key(warp_line, "warp", value);
    std::uint64_t id = 0;
    if (!parse_unsigned(value, id) || id >= header_.warps_per_block())
        fail_expected(where(), fmt::format("'warp = N' with N below {} (the block's warps)", header_.warps_per_block()),
                      warp_line);
    WarpTrace& warp = block.warps[static_cast<std::size_t>(id)];
    if (warp.present) fail_expected(where(), fmt::format("each warp once per block, but warp {} repeats", id), warp_line);
    warp.present = true;
    std::string_view line;
    std::uint64_t count = 0;
    if (!next_content_line(line)) fail_expected(where(), fmt::format("'insts = N' after 'warp = {}'", id), "end of file");
    if (!block_key(line, "insts", value) || !parse_unsigned(value, count))
        fail_expected(where(), fmt::format("'insts = N' after 'warp = {}'", id), line);
    for (std::uint64_t i = 0; i < count; ++i) {
        if (!lines_.next(line)) fail_expected(where(), fmt::format("{} instruction lines for warp {} (insts = {})", count, id, count),
                                              fmt::format("end of file after {}", i));
        line = trim(line);
        if (line.empty()) { --i; continue; }
        if (line.front() == '#' || line.starts_with("warp"))
            fail_expected(where(), fmt::format("{} instruction lines for warp {} (insts = {}), found {}", count, id, count, i), line);
        TraceInstruction& inst = sink != nullptr ? scratch_ : warp.instructions.emplace_back();
        if (!memo_->recall(line, inst)) {
            parse_instruction_line(line, header_, opcodes_, inst, Where(lines_.name(), lines_.line_number()));
            memo_->remember(line, inst);
        }
        if (sink != nullptr) {
            try {
                sink->instruction(static_cast<std::size_t>(id), inst);
            } catch (const UserError& error) {  // what the consumer refuses, at the line that holds it
                throw UserError(fmt::format("{}: {}", where(), error.what()));
            }
        }
    }
}

}  // namespace stcsim::trace
