// The instruction streams of pipe_bench (host and device code): each names the instruction its
// even and its odd chains apply. pipe_kernel<FIRST, SECOND, CHAINS> takes the PipeOp values as
// template arguments, so a stream's kernel can be found in the compiled binary by its mangled name
// (`stcsim compare` replays it, tools/compare_pipe_bench.h).
#pragma once

#include <array>
#include <string_view>

namespace stcsim::validation {

// The instruction of one chain step; the SASS each compiles to, checked with cuobjdump
// (validation/README.md). kCall is a call of a subroutine of one add: CALL.REL.NOINC after the
// MOV of the return address, the add, RET.REL.NODEC through that register: the call and return
// that ptxas also emits around every int4 mma on sm_90. kBar is a CTA barrier (bar.sync 0:
// BAR.SYNC.DEFER_BLOCKING), which every warp of the CTA must reach before any goes on.
enum PipeOp : int { kImad, kFfma, kIadd3, kLop3, kShf, kLea, kCall, kBar };

inline constexpr std::array<std::string_view, 8> kPipeOpSass = {
    "IMAD", "FFMA", "IADD3", "LOP3.LUT", "SHF.L.W.U32.HI", "LEA", "CALL.REL.NOINC", "BAR.SYNC.DEFER_BLOCKING"};

struct PipeStream {
    std::string_view name;  // "imad", "imad+ffma", ...
    PipeOp first, second;   // the instruction of even chains, of odd chains
};

inline constexpr std::array<PipeStream, 12> kPipeStreams = {{
    {"imad", kImad, kImad},
    {"ffma", kFfma, kFfma},
    {"iadd3", kIadd3, kIadd3},
    {"lop3", kLop3, kLop3},
    {"shf", kShf, kShf},
    {"lea", kLea, kLea},
    {"imad+ffma", kImad, kFfma},
    {"imad+iadd3", kImad, kIadd3},
    {"ffma+iadd3", kFfma, kIadd3},
    {"imad+lop3", kImad, kLop3},
    {"call", kCall, kCall},
    {"bar", kBar, kBar},
}};

// The stream of this name, nullptr if none.
constexpr const PipeStream* find_pipe_stream(std::string_view name) {
    for (const PipeStream& s : kPipeStreams)
        if (s.name == name) return &s;
    return nullptr;
}

// The loop of every pipe kernel applies kPipeUnroll steps per iteration; chains are 1 or 8.
inline constexpr int kPipeUnroll = 4;

}  // namespace stcsim::validation
