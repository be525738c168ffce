#include "sim/gpu/mma_bench.h"

#include <deque>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "common/errors.h"
#include "isa/catalog.h"
#include "isa/lowering.h"
#include "isa/wgmma_catalog.h"
#include "sim/gpu/instr_decoder.h"
#include "sim/gpu/wgmma_bench.h"
#include "sim/core/engine.h"
#include "sim/core/stats.h"
#include "sim/sm/sm.h"

namespace stcsim::sim {
namespace {

// One warp's program: iters x ilp instructions, chain c's instruction precomputed once.
class ChainStream final : public InstrStream {
public:
    ChainStream(std::vector<WarpInstr> chains, std::int64_t iters)
        : chains_(std::move(chains)), left_(iters * static_cast<std::int64_t>(chains_.size())) {}
    const WarpInstr* next() override {
        if (left_ == 0) return nullptr;
        --left_;
        const WarpInstr* in = &chains_[next_];
        next_ = next_ + 1 == chains_.size() ? 0 : next_ + 1;
        return in;
    }

private:
    std::vector<WarpInstr> chains_;
    std::int64_t left_;
    std::size_t next_ = 0;
};

std::vector<WarpInstr> chain_instructions(const isa::MmaForm& form, int ilp) {
    const int meta = form.is_sparse() ? 1 : 0;
    const int shared = form.a_regs + form.b_regs + meta;
    const int needed = shared + ilp * form.c_regs;
    if (form.c_regs != form.d_regs) throw InternalError("mma with C and D of different register counts");
    if (needed > 255) throw UserError(fmt::format("--ilp {}: needs {} registers per thread, at most 255", ilp, needed));
    if (shared + form.c_regs > WarpInstr::kMaxSrc || form.d_regs > WarpInstr::kMaxDst)
        throw InternalError("mma operand count exceeds WarpInstr capacity");
    std::vector<WarpInstr> out;
    for (int c = 0; c < ilp; ++c) {
        WarpInstr in;
        in.op = 0;
        for (int r = 0; r < shared; ++r) in.src[static_cast<std::size_t>(in.n_src++)] = static_cast<std::uint8_t>(r);
        const int base = shared + c * form.c_regs;
        for (int r = 0; r < form.c_regs; ++r) {
            in.src[static_cast<std::size_t>(in.n_src++)] = static_cast<std::uint8_t>(base + r);
            in.dst[static_cast<std::size_t>(in.n_dst++)] = static_cast<std::uint8_t>(base + r);
        }
        out.push_back(in);
    }
    return out;
}

// A lowered form (isa/lowering.h): chain c runs the compiler's steps with every register moved
// up by c times the registers one copy names, so that chains share nothing.
std::vector<WarpInstr> lowered_chains(const isa::Lowering& lowered, const OpcodeClasses& classes, int ilp) {
    if (ilp * lowered.registers > 255)
        throw UserError(fmt::format("--ilp {}: the lowered instruction needs {} registers per chain, at most 255 per thread",
                                    ilp, lowered.registers));
    std::vector<WarpInstr> out;
    for (int c = 0; c < ilp; ++c)
        for (const isa::LoweredStep& step : lowered.steps) {
            const trace::Opcode opcode = trace::parse_opcode(step.opcode);
            WarpInstr in;
            if (opcode.is_mma) {
                const int index = classes.mma_index(opcode.full);
                if (index < 0) throw InternalError("lowered step " + step.opcode + " is no catalog tensor instruction");
                in.unit = ExecUnit::tensor;
                in.op = static_cast<std::uint16_t>(index);
            } else {
                in.unit = ExecUnit::pipeline;
                in.op = static_cast<std::uint16_t>(classes.pipeline_of(opcode));
            }
            if (step.written.size() > WarpInstr::kMaxDst || step.read.size() > WarpInstr::kMaxSrc)
                throw InternalError("lowered step " + step.opcode + " names more registers than WarpInstr holds");
            const int shift = c * lowered.registers;
            for (int r : step.written) in.dst[in.n_dst++] = static_cast<std::uint8_t>(r + shift);
            for (int r : step.read) in.src[in.n_src++] = static_cast<std::uint8_t>(r + shift);
            in.stall = static_cast<std::uint8_t>(step.stall);
            in.redirect = classes.redirect_cycles(opcode);
            out.push_back(in);
        }
    return out;
}

}  // namespace

MmaBenchResult run_mma_bench(const GpuSpec& spec, const MmaBenchParams& params) {
    if (params.warps < 1) throw UserError("--warps: expected at least 1");
    if (params.ilp < 1) throw UserError("--ilp: expected at least 1");
    if (params.iters < 1 || params.iters > kMaxBenchIters)
        throw UserError(fmt::format("--iters: expected 1 to {}, got {}", kMaxBenchIters, params.iters));
    if (params.warps > spec.sm.max_warps)
        throw UserError(fmt::format("--warps: expected at most sm.max_warps = {}, got {}", spec.sm.max_warps, params.warps));
    const auto arch = isa::parse_arch(spec.gpu.arch);
    if (!arch) throw UserError("gpu.arch: unknown architecture " + spec.gpu.arch);
    if (isa::is_wgmma_name(params.instr)) return run_wgmma_bench(spec, params);
    const isa::MmaForm form = isa::parse_mma(params.instr, *arch);

    MmaBenchResult result;
    result.timing = resolve_timing(form, spec.sm.tensor_core);
    SmContext context;
    context.skip_idle = spec.engine.skip_idle;
    const isa::Lowering* lowered = isa::lowering(form, *arch);
    if (form.emulated && lowered == nullptr)
        throw UserError(fmt::format("{} on {}: ptxas emulates it ({}); that instruction sequence is not modelled yet",
                                    form.ptx, spec.gpu.arch, form.sass));
    // A lowered form runs on every unit the config names (the trace decoder's tables); a native one
    // needs its own timing only.
    std::optional<OpcodeClasses> classes;
    if (lowered) classes.emplace(spec.sm, spec.gpu.arch);
    auto owned = lowered ? std::make_unique<Sm>("sm0", spec.sm, classes->mma_timings(), classes->pipe_timings(), context)
                         : std::make_unique<Sm>("sm0", spec.sm, std::vector<MmaTiming>{result.timing}, std::vector<PipeTiming>{}, context);
    Sm& sm = *owned;

    std::vector<WarpInstr> chains = lowered ? lowered_chains(*lowered, *classes, params.ilp) : chain_instructions(form, params.ilp);
    for (WarpInstr& in : chains) sm.prepare(in);
    result.fetch_cycles = sm.unloaded_fetch_cycles(chains.front());
    result.lowered_steps = lowered ? static_cast<int>(lowered->steps.size()) : 0;
    std::deque<ChainStream> streams;
    for (int w = 0; w < params.warps; ++w) sm.launch_warp(streams.emplace_back(chains, params.iters));

    finish_bench(spec, sm, params.iters, static_cast<double>(params.warps) * params.ilp * static_cast<double>(params.iters),
                 result);
    return result;
}

void finish_bench(const GpuSpec& spec, Sm& sm, std::int64_t iters, double instructions, MmaBenchResult& result) {
    Stats stats;
    sm.register_stats(stats, "sm0");
    Engine engine(spec.engine);
    engine.add(sm);
    const Cycle end = engine.run();
    sm.finish(end);

    result.cycles = end.value();
    result.warp_instructions = sm.warp_instructions();
    const double cycles = static_cast<double>(std::max<std::uint64_t>(1, result.cycles));
    result.latency_cycles = cycles / static_cast<double>(iters);
    result.fma_per_clk_per_sm = instructions * static_cast<double>(result.timing.dense_fma) / cycles;
    result.peak_fma_per_clk_per_sm = spec.sm.sub_partitions * peak_fma_per_cycle(result.timing);
    result.stats = stats.document();
}

}  // namespace stcsim::sim
