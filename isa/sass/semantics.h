// The semantics tables of the SASS emulator: for every opcode it emulates, the function that
// executes it on a warp, which of its operands it writes, what kind of instruction it is for a
// trace, and where its semantics come from.
//
// Contract: one table per family (integer, logic and shift, compare and select, move and special
// registers, floating point, memory and barriers, control and tensor), each in its own source
// file with the source of every opcode's semantics documented beside it. `decode` reads the
// modifiers once (into Decoded::mode) and throws a UserError for forms it does not take, so that
// nothing unsupported runs. Opcodes absent from every table are refused by Program.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "isa/sass/exec.h"
#include "isa/sass/program.h"

namespace stcsim::isa::sass {

// How many leading operands an instruction writes: a fixed count, or kRegAndPreds: any predicates,
// then one register, then any predicates (IADD3 R0, P0, ...; LOP3.LUT P0, RZ, ...; SHFL.IDX PT, R0, ...).
inline constexpr int kRegAndPreds = -1;

struct Semantics {
    std::string_view base;  // opcode without modifiers
    Handler run;
    int ndst;
    Kind kind;
    void (*decode)(Decoded&);  // may be null
};

std::span<const Semantics> integer_semantics();
std::span<const Semantics> logic_semantics();
std::span<const Semantics> compare_semantics();
std::span<const Semantics> move_semantics();
std::span<const Semantics> float_semantics();
std::span<const Semantics> memory_semantics();
std::span<const Semantics> control_semantics();
std::span<const Semantics> async_semantics();

// Every opcode with semantics, in table order.
std::vector<const Semantics*> all_semantics();
// Null when the opcode has no semantics.
const Semantics* find_semantics(std::string_view base);

// The address of the memory operand in `lane`: [Ra(.64)(.Xn) + URb + imm]; 32-bit for shared.
std::uint64_t memory_address(const Exec& x, int lane);

// SYNCS.PHASECHK: whether every lane of `mask` would find its barrier's phase completed; the
// emulator runs the instruction only then (a warp that would spin waits instead). Sets `why` to the
// first barrier waited for ("at shared offset 0x420 (phase parity 0)").
bool mbarrier_wait_ready(Exec& x, std::string& why);

// Helpers for decoders.
[[noreturn]] void unsupported(const Decoded& d, std::string_view what);
bool has(const Decoded& d, std::string_view modifier);

}  // namespace stcsim::isa::sass
