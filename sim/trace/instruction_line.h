// One instruction line of a kernel trace, parsed and formatted (grammar in traces/README.md).
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "sim/trace/kernel_header.h"
#include "sim/trace/parse_util.h"
#include "sim/trace/trace_instruction.h"

namespace stcsim::trace {

// Parses `line` into `out` (every field overwritten). `where` is "FILE:LINE" for errors, formatted
// only on an error. The
// header decides the optional fields: per-line block and warp ids (tracer version < 3), the
// source-line number (`-enable lineinfo = 1`) and the stcsim extension tokens.
void parse_instruction_line(std::string_view line, const KernelHeader& header, OpcodeTable& opcodes,
                            TraceInstruction& out, const Where& where);

// Appends the line (without '\n') for `inst`. Writes the extension tokens only when `extended`
// and some operand is wider than one register.
void format_instruction_line(const TraceInstruction& inst, const KernelHeader& header, fmt::memory_buffer& out);

}  // namespace stcsim::trace
