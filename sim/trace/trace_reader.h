// Streams a kernel trace (kernel-N.traceg, plain, .gz, .zst or .xz) one thread block at a time.
//
// Accel-Sim traces list a block's warps one after another, so a consumer that runs a block's
// warps together needs that block in memory; the reader holds exactly one block, reusing its
// buffers, so memory is bounded by the largest block and does not grow with the number of blocks.
// Instructions point at the reader's opcode table: they are valid while the reader lives.
// Every malformed line is a UserError "FILE:LINE: expected <what>, got '<token>'". A line that
// repeats an earlier one (but for its base address) is taken from a LineMemo, not parsed again.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/trace/block_set.h"
#include "sim/trace/compressed_stream.h"
#include "sim/trace/kernel_header.h"
#include "sim/trace/line_memo.h"
#include "sim/trace/trace_instruction.h"

namespace stcsim::trace {

struct WarpTrace {
    bool present = false;  // listed in the block (an empty warp may be absent)
    std::vector<TraceInstruction> instructions;
};

struct ThreadBlockTrace {
    Dim3 id;
    Dim3 cluster_id{0, 0, 0}, cluster_cta{0, 0, 0};  // Hopper cluster lines, when present
    std::uint32_t cluster_rank = 0;
    std::vector<WarpTrace> warps;  // indexed by warp id; header().warps_per_block() entries

    std::uint64_t instruction_count() const;
};

// Receives a block's instructions as they are parsed, so that the block need not hold them.
class InstructionSink {
public:
    virtual ~InstructionSink() = default;
    // `inst` is valid during the call only.
    virtual void instruction(std::size_t warp, const TraceInstruction& inst) = 0;
};

class TraceReader {
public:
    explicit TraceReader(const std::string& path);  // opens the file and reads the header

    const KernelHeader& header() const { return header_; }
    const std::string& path() const { return lines_.name(); }
    // Reads the next thread block into `block` (its buffers are reused); false after the last one.
    bool next_block(ThreadBlockTrace& block);
    // The same, but hands each instruction to `sink` instead of storing it: the block's warps
    // stay empty (`present` is set) and the reader holds one instruction at a time.
    bool next_block(ThreadBlockTrace& block, InstructionSink& sink);

    std::uint64_t blocks_read() const { return blocks_read_; }
    // The most instructions held at once: the largest block so far.
    std::uint64_t peak_buffered_instructions() const { return peak_buffered_; }
    const OpcodeTable& opcodes() const { return opcodes_; }

private:
    std::string where() const;
    bool next_content_line(std::string_view& line);
    void read_header();
    bool read_block(ThreadBlockTrace& block, InstructionSink* sink);
    void read_warp(std::string_view warp_line, ThreadBlockTrace& block, InstructionSink* sink);

    LineReader lines_;
    KernelHeader header_;
    OpcodeTable opcodes_;
    std::unique_ptr<LineMemo> memo_;  // lines seen before, not parsed again (after the header)
    std::string pending_;  // the first line after the header, when it is already a block line
    bool has_pending_ = false;
    TraceInstruction scratch_;  // the instruction being handed to a sink
    BlockSet listed_;           // the blocks read so far: each once, all of the grid by the end
    std::uint64_t blocks_read_ = 0, peak_buffered_ = 0;
};

}  // namespace stcsim::trace
