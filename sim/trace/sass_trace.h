// Traces a compiled kernel from its SASS: runs the SASS emulator (isa/sass) over the CTAs of a
// launch and writes what every warp executed as a kernel trace in stcsim's extended Accel-Sim
// format (traces/README.md).
//
// Contract: write_sass_trace writes DIR/kernelslist.g and DIR/<kernel_file> for the CTAs asked for
// (all by default), in CTA order (x fastest), warps in order within each CTA. Every executed warp
// instruction is one line: its PC, the lanes that executed it, the general registers it writes and
// reads with their widths, and for memory instructions every executing lane's address (shared
// addresses above the header's shared-memory base, LDGSTS with its global addresses). Memory holds
// one CTA's lines at a time, whatever the grid. Errors of the emulator propagate unchanged.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "isa/sass/emulator.h"
#include "isa/sass/program.h"
#include "sim/trace/kernel_header.h"

namespace stcsim::trace {

struct SassTraceOptions {
    std::uint64_t first_cta = 0;         // linear CTA index, x fastest
    std::uint64_t last_cta = UINT64_MAX;  // inclusive; clamped to the grid
    std::string kernel_file = "kernel-1.traceg";  // .gz / .zst compress
    std::vector<TraceCommand> memcpys;  // kernelslist.g lines before the kernel (MemcpyHtoD of its inputs)
    std::uint64_t max_warp_instructions = isa::sass::kDefaultMaxWarpInstructions;  // per warp and CTA: an endless loop
    // Called after each traced CTA with the CTAs done and to do (for a progress line).
    std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

struct SassTraceResult {
    std::string kernel_file;
    std::uint64_t ctas = 0, instructions = 0;
    std::uint64_t tensor_instructions = 0;  // executed by at least one lane (HMMA, IMMA, ...)
    double emulate_seconds = 0;  // wall time of the whole run (emulation and writing)
    double cpu_seconds = 0;      // processor time of the same (the speed on one core, whatever the machine's load)
};

inline constexpr std::uint64_t kSassShmemBase = 0x00007f8000000000ULL;
inline constexpr std::uint64_t kSassLocalBase = 0x00007f7000000000ULL;

SassTraceResult write_sass_trace(const isa::sass::Program& program, const std::string& dir,
                                 const SassTraceOptions& options);

}  // namespace stcsim::trace
