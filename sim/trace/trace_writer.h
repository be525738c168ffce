// Writes a kernel trace in the format TraceReader reads, compressed by the file name (.gz, .zst).
// With header.stcsim_version > 0 the file carries the stcsim extension (operand widths).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "sim/trace/compressed_stream.h"
#include "sim/trace/kernel_header.h"
#include "sim/trace/trace_instruction.h"

namespace stcsim::trace {

class TraceWriter {
public:
    TraceWriter(const std::string& path, const KernelHeader& header);
    ~TraceWriter();

    void begin_block(const Dim3& id);
    void write_warp(std::uint32_t warp_id, std::span<const TraceInstruction> instructions);
    // A warp whose `count` instruction lines (each ending in '\n') were formatted already.
    void write_warp_text(std::uint32_t warp_id, std::uint64_t count, std::string_view lines);
    void end_block();
    void close();  // flushes; the destructor closes too, but cannot report errors

    std::uint64_t instructions_written() const { return instructions_; }

private:
    void flush_if_full();

    std::unique_ptr<OutputStream> out_;
    KernelHeader header_;
    fmt::memory_buffer buffer_;
    bool in_block_ = false;
    std::uint64_t instructions_ = 0;
};

// Writes kernelslist.g lines: kernel file names (relative to the list) and memcpy commands.
void write_kernelslist(const std::string& path, const std::vector<TraceCommand>& commands);

}  // namespace stcsim::trace
