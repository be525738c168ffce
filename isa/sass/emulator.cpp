#include "isa/sass/emulator.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <optional>

#include "common/errors.h"
#include "isa/sass/semantics.h"

namespace stcsim::isa::sass {

Emulator::Emulator(const Program& program, std::uint64_t max_warp_instructions)
    : program_(program), max_warp_instructions_(max_warp_instructions) {
    const Dim& block = program_.launch().block;
    if (block.count() == 0 || block.count() > 1024)
        throw UserError(fmt::format("kernel {}: a block of {} threads (1..1024 allowed)", program_.code().name, block.count()));
    const auto warps = static_cast<std::size_t>((block.count() + kLanes - 1) / kLanes);
    warps_.resize(warps);
    control_.resize(warps);
    cta_.program = &program_;
}

void Emulator::start_warp(std::uint32_t w) {
    const Dim& block = program_.launch().block;
    const std::uint64_t threads = block.count();
    WarpState& s = warps_[w];
    std::uint32_t live = 0;
    for (std::uint32_t lane = 0; lane < kLanes; ++lane) {
        const std::uint64_t t = std::uint64_t{w} * kLanes + lane;
        if (t >= threads) continue;
        live |= 1u << lane;
    }
    s.reset(live);
    s.warp_id = w;
    for (std::uint32_t lane = 0; lane < kLanes; ++lane) {
        const std::uint64_t t = std::uint64_t{w} * kLanes + lane;
        s.tid_x[lane] = static_cast<std::uint32_t>(t % block.x);
        s.tid_y[lane] = static_cast<std::uint32_t>((t / block.x) % block.y);
        s.tid_z[lane] = static_cast<std::uint32_t>(t / (std::uint64_t{block.x} * block.y));
    }
    Control& c = control_[w];
    c.groups.assign(1, Group{0, live});
    c.barrier.fill(0);
    c.waiting.fill(0);
    c.done = false;
    c.executed = 0;
}

void Emulator::run_cta(const Dim& ctaid, InstructionSink& sink) {
    cta_.ctaid = ctaid;
    cta_.shared.reset(program_.shared_bytes());
    for (std::uint32_t w = 0; w < warps_.size(); ++w) start_warp(w);
    cta_.mbarriers.clear();
    sink.begin_cta(ctaid, static_cast<std::uint32_t>(warps_.size()));
    for (;;) {
        bool all_done = true;
        const std::uint64_t before = instructions_;
        for (std::uint32_t w = 0; w < warps_.size(); ++w) {
            if (control_[w].done) continue;
            run_warp(w, sink);
            all_done = all_done && control_[w].done;
        }
        if (all_done) break;
        if (instructions_ == before) {  // every warp left waits on an mbarrier
            std::uint32_t w = 0;
            while (control_[w].done) ++w;
            throw UserError(fmt::format("kernel {}: CTA ({},{},{}) cannot go on: warp {} waits on the mbarrier {}, whose "
                                        "phase never completes (no warp left can arrive)",
                                        program_.code().name, ctaid.x, ctaid.y, ctaid.z, w, control_[w].waiting_on));
        }
    }
    sink.end_cta();
}

void Emulator::run_warp(std::uint32_t w, InstructionSink& sink) {
    Control& c = control_[w];
    bool yield = false;
    while (!yield) {
        if (c.groups.empty()) {
            for (int b = 0; b < 16; ++b)
                if (c.waiting[static_cast<std::size_t>(b)] != 0)
                    throw UserError(fmt::format("kernel {}: warp {} of CTA ({},{},{}): lanes 0x{:08x} wait at BSYNC B{} "
                                                "for lanes that never arrive",
                                                program_.code().name, w, cta_.ctaid.x, cta_.ctaid.y, cta_.ctaid.z,
                                                c.waiting[static_cast<std::size_t>(b)], b));
            c.done = true;
            return;
        }
        std::size_t g = 0;
        for (std::size_t i = 1; i < c.groups.size(); ++i)
            if (c.groups[i].pc < c.groups[g].pc) g = i;
        if (++c.executed > max_warp_instructions_)
            throw UserError(fmt::format("kernel {}: warp {} of CTA ({},{},{}) ran more than {} instructions (an endless "
                                        "loop?); --max-warp-instructions raises the limit",
                                        program_.code().name, w, cta_.ctaid.x, cta_.ctaid.y, cta_.ctaid.z,
                                        max_warp_instructions_));
        step(w, g, sink, yield);
    }
}

void Emulator::check_known(const WarpState& w, const Decoded& d, std::uint32_t mask, bool& known) const {
    if (d.mem_op >= 0 && mask != 0) {
        std::string which;
        for (int i = 0; i < d.n_addr_list; ++i) {
            const std::uint8_t r = d.addr_list[static_cast<std::size_t>(i)];
            if ((w.r_known[r] & mask) != mask) which += fmt::format(" R{}", r);
        }
        for (int r = 0; r < 64; ++r)
            if (((d.addr_ur >> r) & 1u) && !w.ur_known[static_cast<std::size_t>(r)]) which += fmt::format(" UR{}", r);
        if (!which.empty())
            throw UserError(program_.where(d) + ": the address depends on data the emulator does not have "
                                                "(loaded from memory or computed from such values:" + which + ")");
    }
    known = (d.src_ur & ~w.ur_known.to_ullong()) == 0;
    for (int i = 0; i < d.n_src_list && known; ++i)
        known = (w.r_known[d.src_list[static_cast<std::size_t>(i)]] & mask) == mask;
    for (int p = 0; p < 7 && known; ++p) {
        if ((d.src_p >> p) & 1u) known = (w.p_known[static_cast<std::size_t>(p)] & mask) == mask;
        if (known && ((d.src_up >> p) & 1u)) known = w.up_known[static_cast<std::size_t>(p)];
    }
}

// Known-ness of what the instruction wrote: the written lanes take the instruction's (all its
// sources known in the lanes that ran it), the other lanes keep theirs.
void Emulator::mark_written(WarpState& w, const Decoded& d, std::uint32_t mask, bool known) const {
    const std::uint32_t lanes = known ? mask : 0u;
    for (int k = 0; k < d.ndst; ++k) {
        const Operand& o = d.ops[static_cast<std::size_t>(k)];
        const int width = d.dst_width[static_cast<std::size_t>(std::min(k, 3))];
        switch (o.kind) {
            case OperandKind::reg:
                if (o.reg == kRZ) break;
                for (int j = 0; j < width; ++j) {
                    const std::size_t r = (o.reg + j) & 255;
                    w.r_known[r] = (w.r_known[r] & ~mask) | lanes;
                }
                break;
            case OperandKind::ureg:
                if (o.reg == kURZ) break;
                for (int j = 0; j < width; ++j) w.ur_known[(o.reg + j) & 63] = known;
                break;
            case OperandKind::pred:
                if (o.reg == kPT) break;
                w.p_known[o.reg] = (w.p_known[o.reg] & ~mask) | lanes;
                break;
            case OperandKind::upred:
                if (o.reg == kPT) break;
                w.up_known[o.reg] = known;
                break;
            default: break;
        }
    }
}

void Emulator::release(Control& c, const WarpState& w, int b) {
    const auto i = static_cast<std::size_t>(b);
    if (c.waiting[i] == 0) return;
    if ((c.barrier[i] & ~w.exited & ~c.waiting[i]) != 0) return;
    c.groups.push_back(Group{c.resume[i], c.waiting[i]});
    c.waiting[i] = 0;
}

void Emulator::merge(Control& c) {
    if (c.groups.size() < 2) return;
    std::sort(c.groups.begin(), c.groups.end(), [](const Group& a, const Group& b) { return a.pc < b.pc; });
    std::size_t out = 0;
    for (std::size_t i = 1; i < c.groups.size(); ++i) {
        if (c.groups[i].pc == c.groups[out].pc) c.groups[out].mask |= c.groups[i].mask;
        else c.groups[++out] = c.groups[i];
    }
    c.groups.resize(out + 1);
}

// True (and the warp's waiting_on set) when a lane of `mask` would find its mbarrier's phase not
// yet completed.
bool Emulator::waits(std::uint32_t wi, const Decoded& d, std::uint32_t mask) {
    bool known = true;
    Exec x{warps_[wi], d, cta_, mask, addresses_, known};
    x.prepare();
    std::string why;
    if (mbarrier_wait_ready(x, why)) return false;
    control_[wi].waiting_on = why;
    return true;
}

void Emulator::step(std::uint32_t wi, std::size_t gi, InstructionSink& sink, bool& yield) {
    WarpState& w = warps_[wi];
    Control& c = control_[wi];
    Group g = c.groups[gi];
    if (g.pc >= program_.size()) {  // a listing cut short, or code that runs off its end without EXIT
        const std::uint64_t end_pc = program_.size() == 0 ? 0 : program_.at(program_.size() - 1).inst->pc + 16;
        throw UserError(fmt::format("kernel {}, PC 0x{:x}: warp {} of CTA ({},{},{}) runs past the last instruction "
                                    "without EXIT",
                                    program_.code().name, end_pc, wi, cta_.ctaid.x, cta_.ctaid.y, cta_.ctaid.z));
    }
    const Decoded& d = program_.at(g.pc);
    const Instruction& inst = *d.inst;
    std::uint32_t mask = g.mask;
    if (inst.guarded && inst.guard != kPT) {
        const bool guard_known =
            inst.guard_uniform ? w.up_known[inst.guard] : (w.p_known[inst.guard] & g.mask) == g.mask;
        if (!guard_known)
            throw UserError(program_.where(d) + ": the guard predicate depends on data the emulator does not have");
        std::uint32_t gm = inst.guard_uniform ? (w.up[inst.guard] ? ~0u : 0u) : w.p[inst.guard];
        if (inst.guard_negated) gm = ~gm;
        mask &= gm;
    } else if (inst.guarded && inst.guard_negated) {
        mask = 0;  // @!PT
    }
    if (!d.refusal.empty() && mask != 0) throw UserError(d.refusal);
    bool known = true;
    check_known(w, d, mask, known);
    if (d.flow == Flow::mbar_wait && mask != 0 && !known)
        throw UserError(program_.where(d) + ": the phase waited for depends on data the emulator does not have");
    if (d.flow == Flow::mbar_wait && mask != 0 && waits(wi, d, mask)) {
        --c.executed;
        yield = true;
        return;
    }
    std::uint32_t traced = mask;
    cta_.async.kind = AsyncKind::none;
    if (mask != 0 && d.handler != nullptr) {
        Exec x{w, d, cta_, d.uniform ? (mask & (0u - mask)) : mask, addresses_, known};
        x.prepare();
        d.handler(x);
        mark_written(w, d, mask, x.known);
        if (d.mem_op >= 0) traced = mask & x.access_mask;
    }
    ++instructions_;
    if (cta_.async.kind != AsyncKind::none) sink.async_op(cta_.async);
    sink.executed(wi, g.pc, d, traced, addresses_);

    const std::uint32_t next = g.pc + 1;
    switch (d.flow) {
        case Flow::next:
        case Flow::mbar_wait:
        case Flow::warpsync: c.groups[gi].pc = next; break;
        case Flow::barrier:
            c.groups[gi].pc = next;
            yield = true;
            break;
        case Flow::branch: {
            std::uint32_t taken = mask;
            if (d.mode == 3) {
                taken = mask != 0 ? g.mask : 0;
            } else if (d.mode != 0) {  // BRA.DIV / BRA.CONV: a warp-wide decision about convergence
                if (!known) throw UserError(program_.where(d) + ": the lane mask depends on data the emulator does not have");
                Exec x{w, d, cta_, mask, addresses_, known};
                const std::uint32_t lanes = x.u32(0, 0) & w.live & ~w.exited;
                const bool converged = (lanes & ~g.mask) == 0;
                taken = (d.mode == 2) == converged ? mask : 0;
            } else if (d.ops.size() >= 2 && (d.ops[0].kind == OperandKind::pred || d.ops[0].kind == OperandKind::upred)) {
                if (!known) throw UserError(program_.where(d) + ": the branch condition depends on data the emulator does not have");
                std::uint32_t cond = 0;
                Exec x{w, d, cta_, mask, addresses_, known};
                x.each([&](int lane) { cond |= x.pred(0, lane) ? (1u << lane) : 0u; });
                taken &= cond;
            }
            if (taken == g.mask) {
                c.groups[gi].pc = d.target;
            } else if (taken == 0) {
                c.groups[gi].pc = next;
            } else {
                c.groups[gi] = Group{next, g.mask & ~taken};
                c.groups.push_back(Group{d.target, taken});
            }
            break;
        }
        case Flow::ret: {
            if (!known) throw UserError(program_.where(d) + ": the return address depends on data the emulator does not have");
            Exec x{w, d, cta_, mask, addresses_, known};
            std::optional<std::uint64_t> address;
            bool agree = true;
            x.each([&](int lane) {
                const std::uint64_t a = static_cast<std::uint64_t>(x.u32(0, lane)) + static_cast<std::uint64_t>(d.ops[1].imm);
                agree = agree && (!address || *address == a);
                address = a;
            });
            if (!address) {  // no lane ran it (guarded off): fall through
                c.groups[gi].pc = next;
                break;
            }
            if (!agree) throw UserError(program_.where(d) + ": the lanes return to different addresses");
            if (mask != g.mask) throw UserError(program_.where(d) + ": a return that only some lanes of the group take");
            if (*address % 16 != 0 || *address / 16 >= program_.size())
                throw UserError(program_.where(d) + fmt::format(": return address 0x{:x} is outside the kernel", *address));
            c.groups[gi].pc = static_cast<std::uint32_t>(*address / 16);
            break;
        }
        case Flow::exit:
            w.exited |= mask;
            c.groups[gi] = Group{next, g.mask & ~mask};
            if (c.groups[gi].mask == 0) c.groups.erase(c.groups.begin() + static_cast<std::ptrdiff_t>(gi));
            for (int b = 0; b < 16; ++b) release(c, w, b);
            break;
        case Flow::bssy:
            c.barrier[d.mode] = g.mask;
            c.groups[gi].pc = next;
            break;
        case Flow::brk:
            c.barrier[d.mode] &= ~mask;
            c.groups[gi].pc = next;
            release(c, w, static_cast<int>(d.mode));
            break;
        case Flow::bsync:
            c.waiting[d.mode] |= mask;
            c.resume[d.mode] = next;
            c.groups[gi] = Group{next, g.mask & ~mask};
            if (c.groups[gi].mask == 0) c.groups.erase(c.groups.begin() + static_cast<std::ptrdiff_t>(gi));
            release(c, w, static_cast<int>(d.mode));
            break;
    }
    merge(c);
}

}  // namespace stcsim::isa::sass
