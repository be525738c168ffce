// Lowering: what one warp executes for a warp-level mma form that the architecture runs without
// a tensor instruction of its own. On sm_90 every int4 form (s4/u4, dense and sparse) is such a
// form: ptxas calls a subroutine that unpacks the 4-bit values to 8 bits with integer
// instructions, runs two 8-bit IMMAs and adds their results (hardware-facts.md section 2: Hopper
// has no int4 path).
//
// The steps are the compiler's own output, extracted by tools/lowering/extract_lowering.py from
// ptxas and kept in isa/lowering_<arch>.inc: per step the SASS opcode, the registers it writes
// and reads, numbered as ptxas allocated them (RZ, predicates and uniform registers left out),
// and its stall count.
// Running the steps in order with those registers gives the instruction's real dependences: the
// C registers read at the start are the D registers written at the end.
#pragma once

#include <string>
#include <vector>

#include "isa/arch.h"
#include "isa/catalog.h"

namespace stcsim::isa {

struct LoweredStep {
    std::string opcode;        // full SASS opcode, e.g. "IMMA.16816.S8.S8" or "LOP3.LUT"
    std::vector<int> written;  // registers written
    std::vector<int> read;     // registers read
    // The stall count ptxas set in the step's control bits: cycles the warp waits before it may
    // issue its next instruction (sm_70 and later schedule fixed-latency dependences this way).
    int stall = 0;
};

struct Lowering {
    std::vector<LoweredStep> steps;
    int registers = 0;  // one above the highest register a step names
    std::string source;  // the compiler it was extracted from
};

// nullptr when `form` is one tensor instruction on `arch`.
const Lowering* lowering(const MmaForm& form, Arch arch);

}  // namespace stcsim::isa
