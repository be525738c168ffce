// Parser of SASS disassembly text (the listing `cuobjdump -sass` prints) into Instructions.
//
// Contract: parse_instruction reads one instruction as disassembled ("@!P0 IMAD.WIDE R2, R5, 0x4, R2"),
// with or without the trailing ';'; parse_listing reads a whole cuobjdump listing and returns its
// functions with their architecture and instructions in PC order; for sm_70 and later it also reads
// each instruction's stall count from the encoding cuobjdump prints after it (the line
// `/* 0x<high word> */` that follows the instruction's line). Malformed text is a UserError
// that quotes the text and says what was expected. Nothing here knows what an opcode does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "isa/sass/instruction.h"

namespace stcsim::isa::sass {

struct Function {
    std::string name;   // mangled, as the listing names it
    std::string arch;   // "sm_80"
    std::vector<Instruction> instructions;
};

Instruction parse_instruction(std::string_view text, std::uint64_t pc);
Operand parse_operand(std::string_view text);  // one operand, e.g. "c[0x0][0x160]"
// With `only`, the instructions of other functions are skipped (listed, not parsed): a library's
// listing may hold forms this parser does not read in functions nobody asked for.
std::vector<Function> parse_listing(std::string_view listing, std::string_view only = {});
// Reads `nvdisasm -c` text of one cubin: functions from their `.text.NAME:` labels, the architecture
// from `.target`, and branch targets written as labels (`BRA `(.L_x_3)`) resolved to PCs, so that
// the instructions equal those of parse_listing on the same code (without stall counts: `nvdisasm -c`
// prints no encodings).
std::vector<Function> parse_nvdisasm_listing(std::string_view listing);

}  // namespace stcsim::isa::sass
