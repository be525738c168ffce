#include "isa/sass/program.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <map>

#include "common/errors.h"
#include "isa/catalog.h"
#include "isa/wgmma_catalog.h"
#include "isa/sass/semantics.h"

namespace stcsim::isa::sass {
namespace {

bool is_pred(const Operand& o) { return o.kind == OperandKind::pred || o.kind == OperandKind::upred; }
bool is_reg(const Operand& o) { return o.kind == OperandKind::reg || o.kind == OperandKind::ureg; }

int count_dsts(const Decoded& d, int rule) {
    if (rule != kRegAndPreds) return rule;
    std::size_t i = 0;
    while (i < d.ops.size() && is_pred(d.ops[i])) ++i;
    if (i < d.ops.size() && is_reg(d.ops[i])) ++i;
    while (i < d.ops.size() && is_pred(d.ops[i])) ++i;
    return static_cast<int>(i);
}

// The first all-digit modifier (the access width in bits of LDS.64, LDG.E.128, ...); 0 when none.
int first_numeric_modifier(const Instruction& inst) {
    for (const auto& m : inst.modifiers) {
        int v = 0;
        auto [p, ec] = std::from_chars(m.data(), m.data() + m.size(), v);
        if (ec == std::errc() && p == m.data() + m.size()) return v;
    }
    return 0;
}

// LDSM.16.M88 / .MT88 (.2 / .4): the matrices read, one register each; the number follows the
// shape (the leading ".16" is the element size).
int ldsm_matrices(const Instruction& inst) {
    const auto& m = inst.modifiers;
    for (std::size_t i = 0; i + 1 < m.size(); ++i)
        if (m[i] == "M88" || m[i] == "MT88") return m[i + 1] == "2" ? 2 : m[i + 1] == "4" ? 4 : 1;
    return 1;
}

std::uint8_t access_bytes(const Instruction& inst) {
    if (inst.base == "LDSM") return 16;
    for (const auto& m : inst.modifiers) {
        if (m == "U8" || m == "S8") return 1;
        if (m == "U16" || m == "S16") return 2;
        if (m == "64") return 8;
        if (m == "128") return 16;
    }
    return 4;
}

Space space_of(const std::string& base) {
    if (base == "LDG" || base == "STG" || base == "LD" || base == "ST" || base == "ATOM" || base == "ATOMG" || base == "RED")
        return Space::global;
    if (base == "LDS" || base == "STS" || base == "ATOMS" || base == "LDSM") return Space::shared;
    if (base == "LDGSTS") return Space::ldgsts;
    if (base == "SYNCS") return Space::shared;  // mbarriers
    return Space::none;
}

// Registers per operand of a tensor-core instruction, from the catalog of mma forms.
const MmaForm* mma_form(const std::string& opcode) {
    static const std::map<std::string, MmaForm> forms = [] {
        std::map<std::string, MmaForm> m;
        for (Arch arch : kAllArchs)
            for (const MmaForm& f : catalog(arch)) m.emplace(f.sass, f);
        return m;
    }();
    auto it = forms.find(opcode);
    return it == forms.end() ? nullptr : &it->second;
}

bool is_wgmma_opcode(const std::string& base) { return base == "HGMMA" || base == "IGMMA" || base == "QGMMA"; }

// The warp-group MMA form of a SASS opcode (HGMMA.SP.64x128x32.F32): the catalog lists each form
// with A from shared memory and from registers, which share the opcode; `a_in_registers` picks.
const WgmmaForm* wgmma_form(const std::string& opcode, bool a_in_registers) {
    static const std::map<std::pair<std::string, bool>, WgmmaForm> forms = [] {
        std::map<std::pair<std::string, bool>, WgmmaForm> m;
        for (const WgmmaForm& f : wgmma_catalog(Arch::sm_90a))
            m.emplace(std::make_pair(f.sass, f.a_source == WgmmaSource::registers), f);
        return m;
    }();
    auto it = forms.find({opcode, a_in_registers});
    return it == forms.end() ? nullptr : &it->second;
}

void add_src(Decoded& d, const Operand& o, int width) {
    if (o.kind == OperandKind::reg && o.reg != kRZ) {
        for (int k = 0; k < width; ++k) d.src_r.set((o.reg + k) & 255);
        if (d.n_src_regs < d.src_regs.size())
            d.src_regs[d.n_src_regs++] = {static_cast<std::uint8_t>(o.reg), static_cast<std::uint8_t>(width)};
    } else if (o.kind == OperandKind::ureg && o.reg != kURZ) {
        for (int k = 0; k < width; ++k) d.src_ur |= 1ull << ((o.reg + k) & 63);
    } else if (o.kind == OperandKind::pred && o.reg != kPT) {
        d.src_p = static_cast<std::uint8_t>(d.src_p | (1u << o.reg));
    } else if (o.kind == OperandKind::upred && o.reg != kPT) {
        d.src_up = static_cast<std::uint8_t>(d.src_up | (1u << o.reg));
    } else if (o.kind == OperandKind::mem || o.kind == OperandKind::cbank) {
        const int base = o.kind == OperandKind::mem ? o.reg : o.index_reg;
        if (base != kRZ) {
            for (int k = 0; k < o.base_width; ++k) d.addr_r.set((base + k) & 255);
            if (d.n_src_regs < d.src_regs.size())
                d.src_regs[d.n_src_regs++] = {static_cast<std::uint8_t>(base), o.base_width};
        }
        if (o.index_ureg != kURZ) {
            const int w = (o.kind == OperandKind::mem && d.space != Space::shared) ? 2 : 1;
            for (int k = 0; k < w; ++k) d.addr_ur |= 1ull << ((o.index_ureg + k) & 63);
        }
        if (o.desc_ureg >= 0) d.src_ur |= 3ull << o.desc_ureg;
    }
}

void make_lists(Decoded& d) {
    for (int r = 0; r < 256; ++r) {
        if (d.src_r[static_cast<std::size_t>(r)] && d.n_src_list < d.src_list.size())
            d.src_list[d.n_src_list++] = static_cast<std::uint8_t>(r);
        if (d.addr_r[static_cast<std::size_t>(r)] && d.n_addr_list < d.addr_list.size())
            d.addr_list[d.n_addr_list++] = static_cast<std::uint8_t>(r);
    }
}

}  // namespace

std::uint32_t param_offset(int sm) { return sm >= 90 ? 0x210 : 0x160; }

std::string Program::where(const Decoded& d) const {
    return fmt::format("kernel {}, PC 0x{:04x}, '{}'", code_.name, d.inst->pc, d.inst->text);
}

Program::Program(KernelCode code, Launch launch) : code_(std::move(code)), launch_(std::move(launch)) {
    if (code_.sm < 70) throw UserError(fmt::format("kernel {}: architecture '{}' is not emulated (sm_70 and later are)",
                                                   code_.name, code_.arch));
    const std::uint32_t params_at = param_offset(code_.sm);
    bank0_.assign(params_at + launch_.params.size() + 8, 0);
    const std::uint32_t dims[6] = {launch_.block.x, launch_.block.y, launch_.block.z,
                                   launch_.grid.x,  launch_.grid.y,  launch_.grid.z};
    std::memcpy(bank0_.data(), dims, sizeof dims);
    const std::uint32_t stack_top = 0x00fffc00;  // R1's initial value (the local-memory stack); never an address here
    std::memcpy(bank0_.data() + 0x28, &stack_top, 4);
    if (params_at >= kParamWindowSlot + 8) std::memcpy(bank0_.data() + kParamWindowSlot, &kParamWindow, 8);
    if (!launch_.params.empty()) std::memcpy(bank0_.data() + params_at, launch_.params.data(), launch_.params.size());
    const std::size_t bank_limit = params_at + launch_.params.size();

    decoded_.resize(code_.instructions.size());
    for (std::size_t i = 0; i < code_.instructions.size(); ++i) {
        try {
            decode(i, params_at, bank_limit);
        } catch (const UserError& e) {
            // Refused: an error when (and only when) a lane executes it, so that code no lane
            // reaches (error paths, other configurations) does not stop a trace.
            Decoded& d = decoded_[i];
            d = Decoded{};
            d.inst = &code_.instructions[i];
            d.ops = d.inst->operands;
            d.refusal = e.what();
            for (const Operand& o : d.ops) add_src(d, o, 1);
            make_lists(d);
        }
    }
}

void Program::decode(std::size_t i, std::uint32_t params_at, std::size_t bank_limit) {
    const Instruction& inst = code_.instructions[i];
    Decoded& d = decoded_[i];
    d.inst = &inst;
    d.ops = inst.operands;
    const Semantics* sem = find_semantics(inst.base);
    if (sem == nullptr) throw UserError(where(d) + ": opcode " + inst.base + " is not emulated");
    d.handler = sem->run;
    d.kind = sem->kind;
    d.uniform = (inst.base[0] == 'U' && inst.base != "VOTEU") || inst.base == "S2UR";
    d.space = space_of(inst.base);
    for (Operand& o : d.ops) {
        if (o.kind != OperandKind::cbank) continue;
        if (o.bank != 0) throw UserError(where(d) + fmt::format(": constant bank {} is not emulated", o.bank));
        if (o.index_reg != kRZ || o.index_ureg != kURZ) continue;  // read per lane when it runs
        if (o.imm < 0 || static_cast<std::size_t>(o.imm) + 4 > std::max<std::size_t>(bank_limit, params_at))
            throw UserError(where(d) + fmt::format(": reads c[0x0][0x{:x}], beyond the {} parameter bytes given",
                                                   o.imm, launch_.params.size()));
        std::uint64_t v = 0;
        std::memcpy(&v, bank0_.data() + o.imm, 8);
        o.kind = OperandKind::imm;
        o.from_bank = true;
        o.imm = static_cast<std::int64_t>(v);
    }
    d.ndst = static_cast<std::uint8_t>(count_dsts(d, sem->ndst));
    if (d.ndst > d.ops.size())
        throw UserError(where(d) + fmt::format(": expected at least {} operands (its destinations), found {}", d.ndst,
                                               d.ops.size()));
    if (sem->decode) {
        try {
            sem->decode(d);
        } catch (const UserError& e) {
            throw UserError(where(d) + ": " + e.what());
        }
    }
    // An opcode writes at most 4 operands (VOTE d, Pout; IADD3 R, P, P; ...): more is malformed text.
    if (d.ndst > d.dst_width.size())
        throw UserError(where(d) + fmt::format(": {} destination operands (at most {} expected)", d.ndst, d.dst_width.size()));
    for (std::size_t k = 0; k < d.ops.size(); ++k)
        if (d.ops[k].kind == OperandKind::mem) {
            d.mem_op = static_cast<std::int8_t>(k);
            if (inst.base != "LDGSTS") break;
        }
    if (d.space != Space::none && d.mem_op < 0) throw UserError(where(d) + ": a memory instruction without an address");
    d.access_bytes = access_bytes(inst);

    // Widths of the written registers.
    const bool wgmma = is_wgmma_opcode(inst.base);
    const MmaForm* form = d.kind == Kind::tensor && !wgmma ? mma_form(inst.opcode) : nullptr;
    const WgmmaForm* wg = wgmma ? wgmma_form(inst.opcode, d.ops.size() > 1 && d.ops[1].kind == OperandKind::reg) : nullptr;
    if (d.kind == Kind::tensor && form == nullptr && wg == nullptr)
        throw UserError(where(d) + ": tensor-core form not in the catalog");
    std::uint8_t w0 = 1;
    if (form) w0 = static_cast<std::uint8_t>(form->d_regs);
    else if (wg) w0 = static_cast<std::uint8_t>(wg->d_regs);
    else if (inst.base == "LDSM") w0 = static_cast<std::uint8_t>(ldsm_matrices(inst));
    else if (inst.base == "CS2R") w0 = inst.has_modifier("32") ? 1 : 2;
    else if (inst.has_modifier("WIDE") || inst.has_modifier("64")) w0 = 2;
    else if (inst.has_modifier("128")) w0 = 4;
    d.dst_width[0] = w0;
    for (int k = 0; k < d.ndst; ++k) {
        const Operand& o = d.ops[static_cast<std::size_t>(k)];
        if (o.kind == OperandKind::reg && o.reg != kRZ && d.n_dst_regs < d.dst_regs.size())
            d.dst_regs[d.n_dst_regs++] = {static_cast<std::uint8_t>(o.reg), d.dst_width[static_cast<std::size_t>(k)]};
    }
    // Widths of the registers read.
    int mma_src = 0;
    for (std::size_t k = d.ndst; k < d.ops.size(); ++k) {
        const Operand& o = d.ops[k];
        int width = 1;
        if (form && o.kind == OperandKind::reg) {
            const int widths[4] = {form->a_regs, form->b_regs, form->c_regs, 1};
            width = widths[std::min(mma_src++, 3)];
        } else if (wg && o.kind == OperandKind::reg) {
            // D, [A in registers,] C (D's registers, or RZ: scale-d 0), [metadata]
            const bool a_regs = k == 1;
            width = a_regs ? wg->a_regs : mma_src++ == 0 ? wg->d_regs : 1;
        } else if ((inst.base == "STS" || inst.base == "STG" || inst.base == "ST") && static_cast<int>(k) > d.mem_op) {
            width = std::max(1, d.access_bytes / 4);
        } else if (inst.has_modifier("WIDE") && static_cast<int>(k) == d.ndst + 2) {
            width = 2;
        }
        add_src(d, o, width);
    }
    if (inst.guarded) {
        if (inst.guard_uniform) d.src_up = static_cast<std::uint8_t>(d.src_up | (inst.guard == kPT ? 0 : 1u << inst.guard));
        else d.src_p = static_cast<std::uint8_t>(d.src_p | (inst.guard == kPT ? 0 : 1u << inst.guard));
    }
    if (d.flow == Flow::branch || d.flow == Flow::bssy) {
        const std::int64_t target = d.ops.back().imm;
        if (target < 0 || target % 16 != 0 || static_cast<std::size_t>(target / 16) >= code_.instructions.size())
            throw UserError(where(d) + fmt::format(": target 0x{:x} is outside the kernel", target));
        d.target = static_cast<std::uint32_t>(target / 16);
    }
    d.trace_mem_width = d.space == Space::none ? 0 : static_cast<std::uint32_t>(first_numeric_modifier(inst) / 8);
    if (d.space != Space::none && d.trace_mem_width == 0) d.trace_mem_width = 4;
    if (inst.base == "SYNCS") d.trace_mem_width = 8;  // the 64-bit mbarrier
    for (const Operand& o : inst.operands)  // literal immediates only, not resolved constants
        if (o.kind == OperandKind::imm) d.trace_immediate = o.imm;
    if (d.flow == Flow::branch || d.flow == Flow::bssy) d.trace_immediate = 0;
    make_lists(d);
}

}  // namespace stcsim::isa::sass
