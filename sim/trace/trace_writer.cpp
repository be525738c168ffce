#include "sim/trace/trace_writer.h"

#include <fstream>
#include <iterator>

#include "common/errors.h"
#include "sim/trace/instruction_line.h"

namespace stcsim::trace {

TraceWriter::TraceWriter(const std::string& path, const KernelHeader& header)
    : out_(open_output(path)), header_(header) {
    const std::string text = format_header(header_);
    buffer_.append(text);
}

TraceWriter::~TraceWriter() {
    try {
        close();
    } catch (...) {  // a destructor must not throw; close() explicitly to see errors
    }
}

void TraceWriter::begin_block(const Dim3& id) {
    if (in_block_) throw InternalError("TraceWriter: begin_block inside a block");
    in_block_ = true;
    fmt::format_to(std::back_inserter(buffer_), "\n#BEGIN_TB\n\nthread block = {},{},{}\n", id.x, id.y, id.z);
}

void TraceWriter::write_warp(std::uint32_t warp_id, std::span<const TraceInstruction> instructions) {
    if (!in_block_) throw InternalError("TraceWriter: write_warp outside a block");
    fmt::format_to(std::back_inserter(buffer_), "\nwarp = {}\ninsts = {}\n", warp_id, instructions.size());
    for (const TraceInstruction& inst : instructions) {
        format_instruction_line(inst, header_, buffer_);
        buffer_.push_back('\n');
        flush_if_full();
    }
    instructions_ += instructions.size();
}

void TraceWriter::write_warp_text(std::uint32_t warp_id, std::uint64_t count, std::string_view lines) {
    if (!in_block_) throw InternalError("TraceWriter: write_warp_text outside a block");
    fmt::format_to(std::back_inserter(buffer_), "\nwarp = {}\ninsts = {}\n", warp_id, count);
    buffer_.append(lines);
    flush_if_full();
    instructions_ += count;
}

void TraceWriter::end_block() {
    if (!in_block_) throw InternalError("TraceWriter: end_block outside a block");
    in_block_ = false;
    buffer_.append(std::string_view("\n#END_TB\n"));
    flush_if_full();
}

void TraceWriter::flush_if_full() {
    if (buffer_.size() < (1u << 16)) return;
    out_->write(buffer_.data(), buffer_.size());
    buffer_.clear();
}

void TraceWriter::close() {
    if (!out_) return;
    out_->write(buffer_.data(), buffer_.size());
    buffer_.clear();
    auto out = std::move(out_);
    out->close();
}

void write_kernelslist(const std::string& path, const std::vector<TraceCommand>& commands) {
    std::ofstream out(path);
    if (!out) throw UserError(fmt::format("{}: cannot write the kernels list", path));
    for (const auto& command : commands) out << command.text << '\n';
    if (!out) throw UserError(fmt::format("{}: write error", path));
}

}  // namespace stcsim::trace
