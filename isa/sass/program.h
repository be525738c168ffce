// A kernel's SASS bound to one launch: every instruction decoded once into what the emulator needs
// (its semantics, which operands it writes, its control-flow effect, its memory access) and what a
// trace line needs (the general registers it writes and reads with their widths), with every
// `c[0x0][offset]` operand replaced by its value from the launch's constant bank 0.
//
// Contract: every instruction is decoded when the Program is built. One that cannot be emulated (an
// opcode without semantics, an operand form the semantics do not take, a constant bank other than
// 0, a branch outside the kernel) keeps its refusal: a UserError naming the kernel, PC, instruction
// and reason, raised by the emulator when a lane executes it (code that no lane reaches does not
// stop a trace). Constant bank 0 holds blockDim (0x0), gridDim (0xc) and the parameters at the
// architecture's offset (`param_offset`). Pure: no clock, no emulation state.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "isa/sass/disassembler.h"
#include "isa/sass/global_memory.h"
#include "isa/sass/instruction.h"

namespace stcsim::isa::sass {

struct Dim {
    std::uint32_t x = 1, y = 1, z = 1;
    std::uint64_t count() const { return std::uint64_t{x} * y * z; }
};

struct Launch {
    Dim grid, block;
    std::uint32_t dynamic_shared = 0;  // bytes, beyond the kernel's static shared memory
    std::vector<std::uint8_t> params;  // the kernel's parameter bytes, as cudaLaunchKernel packs them
    // The global memory the host wrote before the launch, where known; null: every global load is opaque.
    std::shared_ptr<const GlobalMemory> global;
};

// Where constant bank 0 holds the kernel parameters (sm_70..sm_89: 0x160; sm_90 and later: 0x210),
// read from the SASS of compiled kernels (see README of isa/sass).
std::uint32_t param_offset(int sm);

// The generic address of the kernel's parameter buffer (c[0x0][0x198] on sm_90 and later), through
// which kernels address their __grid_constant__ parameters (TMA tensor maps).
inline constexpr std::uint64_t kParamWindow = 0x00007f6000000000;
inline constexpr std::uint32_t kParamWindowSlot = 0x198;

// mbar_wait: SYNCS.PHASECHK, which runs only once its mbarrier phase has completed.
// ret: RET.REL.NODEC Rx, imm jumps to the address in Rx plus imm (the caller's MOV wrote it before
// its CALL.REL.NOINC, which is a branch).
// brk: BREAK Bx takes the lanes that run it out of convergence barrier Bx (they will not be waited
// for at its BSYNC).
enum class Flow : std::uint8_t { next, branch, exit, bssy, bsync, brk, barrier, warpsync, mbar_wait, ret };
enum class Space : std::uint8_t { none, global, shared, ldgsts, local };
enum class Kind : std::uint8_t { alu, memory, tensor, barrier, control };

struct Exec;
using Handler = void (*)(Exec&);

struct RegRef {
    std::uint8_t reg = 0, width = 1;
};

struct Decoded {
    const Instruction* inst = nullptr;
    std::vector<Operand> ops;       // the instruction's operands, c[0x0][imm] resolved to immediates
    Handler handler = nullptr;
    bool uniform = false;           // runs once for the warp (uniform datapath)
    std::uint8_t ndst = 0;          // the first ndst operands are written
    std::uint32_t mode = 0;         // the opcode's modifiers, pre-decoded by its semantics table
    std::array<std::uint8_t, 4> dst_width{1, 1, 1, 1};
    Flow flow = Flow::next;
    std::uint32_t target = 0;       // branch / BSSY target: instruction index
    Kind kind = Kind::alu;
    Space space = Space::none;
    std::uint8_t access_bytes = 0;  // per lane
    std::int8_t mem_op = -1;        // index of the memory operand
    // What must be known before it runs: the general / uniform registers and predicates it reads,
    // and separately those that form its memory address.
    std::bitset<256> src_r, addr_r;
    std::uint8_t n_src_list = 0, n_addr_list = 0;  // the same as lists
    std::array<std::uint8_t, 32> src_list{}, addr_list{};
    std::uint64_t src_ur = 0, addr_ur = 0;
    std::uint8_t src_p = 0, src_up = 0;
    // For trace lines: general registers written and read (RZ left out), the trace's memory
    // width field and immediate.
    std::uint8_t n_dst_regs = 0, n_src_regs = 0;
    std::array<RegRef, 4> dst_regs{};
    std::array<RegRef, 8> src_regs{};
    std::uint32_t trace_mem_width = 0;
    std::int64_t trace_immediate = 0;
    // Non-empty when the instruction cannot be emulated: the error ("kernel K, PC P, 'I': reason")
    // raised if a lane executes it.
    std::string refusal;
};

class Program {
public:
    Program(KernelCode code, Launch launch);

    const KernelCode& code() const { return code_; }
    const Launch& launch() const { return launch_; }
    std::size_t size() const { return decoded_.size(); }
    const Decoded& at(std::size_t index) const { return decoded_[index]; }
    std::uint32_t shared_bytes() const { return code_.static_shared + launch_.dynamic_shared; }
    const std::vector<std::uint8_t>& bank0() const { return bank0_; }
    // "kernel K, PC 0x1a0, 'IMAD R0, R1, R2, R3': reason" for errors.
    std::string where(const Decoded& d) const;

private:
    void decode(std::size_t index, std::uint32_t params_at, std::size_t bank_limit);

    KernelCode code_;
    Launch launch_;
    std::vector<std::uint8_t> bank0_;
    std::vector<Decoded> decoded_;
};

}  // namespace stcsim::isa::sass
