// LineMemo: trace lines remembered by their text, so that a line seen before is not parsed again.
//
// A kernel's trace repeats few distinct lines: a loop body runs its instructions again and again,
// and every warp of every block writes the same registers and opcodes. What changes from one
// dynamic instance to the next is mostly the base address of a memory instruction, while the
// per-lane deltas (base+stride and base+delta address modes) stay the same. So a line is keyed by
// its text with the base-address token cut out; a line whose key equals a remembered one parses
// to the remembered instruction with every active lane's address moved by the difference of the
// two bases. Lines with explicit address lists (mode 0) and lines the quick scan cannot place are
// never remembered and always parsed.
//
// Correctness: a remembered line was fully parsed and checked; a line equal to it in every byte
// but a base token that parses as a hex address is just as valid and parses the same way. The
// quick scan that finds the base token only splits the line; it decides nothing about validity.
//
// Lookup: an entry's slot is a hash of the line's first tokens up to the active mask (the PC
// and the mask, which tell static instructions apart); a hit is two byte comparisons, with no
// tokenising. Memory: a direct-mapped table of kSlots entries, whatever the trace's length.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace/kernel_header.h"
#include "sim/trace/trace_instruction.h"

namespace stcsim::trace {

class LineMemo {
public:
    static constexpr std::size_t kSlots = 4096;
    explicit LineMemo(const KernelHeader& header);

    // If `line` (trimmed) parses to a remembered instruction, writes it to `out` and returns true.
    bool recall(std::string_view line, TraceInstruction& out);
    // Remembers `parsed`, the result of parsing `line`, when the line's form allows it.
    void remember(std::string_view line, const TraceInstruction& parsed);

private:
    // `line` split around its base-address token (`base` empty for a line without addresses).
    struct Split {
        std::string_view head, base, tail;
    };
    bool split(std::string_view line, Split& out) const;
    std::size_t slot(std::string_view line) const;

    struct Entry {
        std::string text;        // head + tail
        std::size_t head = 0;    // head's length
        bool has_base = false;
        std::uint64_t base = 0;  // the base address of `inst`
        bool used = false;
        TraceInstruction inst;
    };
    std::size_t leading_tokens_;  // tokens before the PC (old block/warp ids, the line number)
    std::vector<Entry> entries_;
};

}  // namespace stcsim::trace
