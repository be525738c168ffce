// Control flow: BRA, CALL, RET, EXIT, BSSY, BSYNC, BREAK, WARPSYNC, NOP, YIELD, NANOSLEEP. Their effect on the
// warp (which lanes go where) is carried out by the emulator (emulator.cpp) from Decoded::flow;
// decoding here refuses the forms it does not follow.
//
// Sources of the semantics: NVIDIA's "CUDA Binary Utilities" (opcode list) and the published
// descriptions of Volta's independent thread scheduling: BSSY Bx, target records the lanes that
// must meet again at BSYNC Bx (the target is the reconvergence point), BREAK Bx takes the lanes that
// run it out of that set (a loop's early exit); a guarded BRA splits the
// warp into the lanes that take it and those that do not; EXIT retires lanes (and releases them
// from every convergence barrier); WARPSYNC waits for the named lanes, which the emulator gets by
// running diverged lanes apart until they meet at the same PC (lowest PC first). ptxas calls its
// subroutines (e.g. the int4 mma of sm_90) with `MOV Rx, <return PC>; CALL.REL.NOINC <target>` and
// returns with `RET.REL.NODEC Rx 0x0`: no call stack, the return address travels in Rx (read from
// the compiled code; the call is a branch, the return a jump to Rx + imm, which every lane of the
// group must agree on).
#include <algorithm>

#include "isa/sass/semantics.h"

namespace stcsim::isa::sass {
namespace {

void nothing(Exec&) {}

// BRA.DIV Ux, target / BRA.CONV Ux, target (mode 1 / 2): taken by the whole group when the lanes of
// Ux (that have not exited) are not all / are all in the group, i.e. when the warp is diverged /
// converged with respect to them.
void decode_branch(Decoded& d) {
    if (has(d, "DIV") || has(d, "CONV")) {
        if (d.ops.size() != 2 || (d.ops[0].kind != OperandKind::ureg && d.ops[0].kind != OperandKind::imm))
            unsupported(d, "BRA.DIV / BRA.CONV without a lane mask");
        d.mode = has(d, "DIV") ? 1u : 2u;
    }
    if (has(d, "ANY")) d.mode = 3;  // BRA.U.ANY: the whole group, when the guard holds in any lane
    if (d.ops.empty() || d.ops.back().kind != OperandKind::imm) unsupported(d, "an indirect branch");
    d.flow = Flow::branch;
}
void decode_call(Decoded& d) {
    if (!has(d, "REL") || !has(d, "NOINC") || d.ops.size() != 1 || d.ops[0].kind != OperandKind::imm)
        unsupported(d, "a call other than CALL.REL.NOINC <target>");
    d.flow = Flow::branch;
}
void decode_ret(Decoded& d) {
    if (!has(d, "REL") || !has(d, "NODEC") || d.ops.size() != 2 || d.ops[0].kind != OperandKind::reg ||
        d.ops[1].kind != OperandKind::imm)
        unsupported(d, "a return other than RET.REL.NODEC Rx <offset>");
    d.flow = Flow::ret;
}
void decode_exit(Decoded& d) { d.flow = Flow::exit; }
// The convergence barrier named by the first operand (B0..B15) into Decoded::mode.
void barrier_number(Decoded& d) {
    const std::string& name = d.ops.empty() ? std::string() : d.ops[0].text;
    if (name.size() < 2 || name[0] != 'B' || name.size() > 3 ||
        !std::all_of(name.begin() + 1, name.end(), [](char c) { return c >= '0' && c <= '9'; }))
        unsupported(d, "a convergence barrier operand '" + name + "'");
    const int n = std::stoi(name.substr(1));
    if (n < 0 || n > 15) unsupported(d, "convergence barrier " + name);
    d.mode = static_cast<std::uint32_t>(n);
}
void decode_bssy(Decoded& d) {
    if (d.ops.size() != 2 || d.ops[1].kind != OperandKind::imm) unsupported(d, "BSSY without a target");
    barrier_number(d);
    d.flow = Flow::bssy;
}
void decode_bsync(Decoded& d) {
    barrier_number(d);
    d.flow = Flow::bsync;
}
void decode_break(Decoded& d) {
    barrier_number(d);
    d.flow = Flow::brk;
}
void decode_warpsync(Decoded& d) { d.flow = Flow::warpsync; }

const Semantics kTable[] = {
    {"BRA", nothing, 0, Kind::control, decode_branch},
    {"CALL", nothing, 0, Kind::control, decode_call},
    {"RET", nothing, 0, Kind::control, decode_ret},
    {"EXIT", nothing, 0, Kind::control, decode_exit},
    {"BSSY", nothing, 0, Kind::control, decode_bssy},
    {"BSYNC", nothing, 0, Kind::control, decode_bsync},
    {"BREAK", nothing, 0, Kind::control, decode_break},
    {"WARPSYNC", nothing, 0, Kind::control, decode_warpsync},
    {"NOP", nothing, 0, Kind::control, nullptr},
    {"YIELD", nothing, 0, Kind::control, nullptr},
    {"NANOSLEEP", nothing, 0, Kind::control, nullptr},
};

}  // namespace

std::span<const Semantics> control_semantics() { return kTable; }

}  // namespace stcsim::isa::sass
