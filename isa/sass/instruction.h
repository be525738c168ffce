// The operand model of SASS: one disassembled instruction as structured data.
//
// Contract: an Instruction holds exactly what the disassembly line says, nothing inferred:
// the guard predicate (`@!P0`), the opcode split into base and modifiers (`IMAD.WIDE.U32` ->
// IMAD + {WIDE, U32}) and the operands in order. Operands are registers (R, UR, P, UP, with
// their sign/complement/absolute-value prefixes and sub-register suffixes), immediates (integer
// and floating point), constant-bank references (`c[0x0][0x160]`, `c[0x0][R2+0x10]`), memory
// operands (`[R2.64+UR4+0x10]`, `desc[UR4][R2.64]`), special registers (`SR_TID.X`), branch
// targets and the named resources of control instructions (B0, SB0, PR). Pure data, no clock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stcsim::isa::sass {

inline constexpr int kRZ = 255;   // R255 reads as zero, writes are dropped
inline constexpr int kURZ = 63;   // UR63
inline constexpr int kPT = 7;     // P7 / UP7: always true

enum class OperandKind : std::uint8_t {
    reg,      // R0..R254, RZ
    ureg,     // UR0..UR62, URZ
    pred,     // P0..P6, PT
    upred,    // UP0..UP6, UPT
    imm,      // integer immediate (also branch targets)
    fimm,     // floating-point immediate
    cbank,    // c[bank][offset] with an optional register index
    mem,      // [base + ureg + offset]
    special,  // SR_TID.X, SRZ, ...
    name,     // anything else the instruction names: PR, UPR, B0, SB0, ...
};

struct Operand {
    OperandKind kind = OperandKind::imm;
    bool negate = false;    // -R2
    bool invert = false;    // ~R2, !P0
    bool absolute = false;  // |R2|
    std::uint16_t reg = 0;  // register / predicate number (kind reg, ureg, pred, upred)
    // Sub-register selector as written after the register: ".H0", ".H1", ".B0".."B3", ".X4",
    // ".64", ".U32", ".reuse" is dropped. Kept as text because few opcodes look at it.
    std::string suffix;
    std::int64_t imm = 0;   // kind imm; kind cbank and mem: the byte offset
    double fimm = 0.0;      // kind fimm
    // kind cbank: bank number; index register (kRZ when none) and index uniform register (kURZ when none)
    // kind mem: base register (kRZ when none), its width (1 or 2 registers: `.64`), the scale
    // (`.X4`: 4), and the uniform register added (kURZ when none); desc_ureg for `desc[URx]`.
    std::uint16_t bank = 0;
    std::uint16_t index_reg = kRZ;
    std::uint16_t index_ureg = kURZ;
    std::uint8_t base_width = 1;
    std::uint8_t scale = 1;
    std::int16_t desc_ureg = -1;
    bool from_bank = false; // kind imm: a constant-bank value (8 bytes) resolved at launch
    std::string text;       // kind special and name: the name as written (SR_TID.X, B0, SB0, PR)
};

struct Instruction {
    std::uint64_t pc = 0;          // byte offset of the instruction in its function
    bool guarded = false;          // has an `@P` guard
    bool guard_uniform = false;    // the guard is an uniform predicate (`@UP0`)
    bool guard_negated = false;    // `@!P0`
    std::uint8_t guard = kPT;      // predicate number
    std::string opcode;            // the full opcode as written, e.g. "IMAD.WIDE.U32"
    std::string base;              // "IMAD"
    std::vector<std::string> modifiers;  // {"WIDE", "U32"}
    std::vector<Operand> operands;
    std::string text;              // the instruction as disassembled, for error messages
    // The stall count of the instruction's control bits (sm_70 and later: bits 41-44 of the high
    // 64-bit word of its encoding): cycles the warp waits before it may issue its next instruction.
    // The compiler schedules fixed-latency dependences with it. 0 when the listing gives no encoding.
    std::uint8_t stall = 0;
    // The yield hint of the control bits is clear (bit 45 of the high word set): the compiler asks
    // the scheduler to keep issuing this warp (a burst of short-stall instructions). False when the
    // listing gives no encoding.
    bool hold = false;

    bool has_modifier(const std::string& m) const;
};

}  // namespace stcsim::isa::sass
