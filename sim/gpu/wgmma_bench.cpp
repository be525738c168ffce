#include "sim/gpu/wgmma_bench.h"

#include <deque>

#include <fmt/format.h>

#include "common/errors.h"
#include "isa/wgmma_catalog.h"
#include "sim/core/engine.h"
#include "sim/core/stats.h"
#include "sim/sm/sm.h"

namespace stcsim::sim {
namespace {

// One warp's program: iters x ilp wgmma, a commit and a wait after every `group` of them, and a
// final commit and wait_group 0.
class WgmmaStream final : public InstrStream {
public:
    WgmmaStream(const std::vector<WarpInstr>& chains, const WarpInstr& commit, const WarpInstr& wait,
                const WarpInstr& drain, std::int64_t iters, int group)
        : chains_(chains), commit_(commit), wait_(wait), drain_(drain),
          total_(iters * static_cast<std::int64_t>(chains.size())), group_(group) {}
    const WarpInstr* next() override {
        switch (step_) {
            case Step::commit: step_ = done_ == total_ ? Step::drain : Step::wait; return &commit_;
            case Step::wait: step_ = Step::mma; return &wait_;
            case Step::drain: step_ = Step::end; return &drain_;
            case Step::end: return nullptr;
            case Step::mma: break;
        }
        const WarpInstr* in = &chains_[static_cast<std::size_t>(done_ % static_cast<std::int64_t>(chains_.size()))];
        ++done_;
        if (done_ % group_ == 0 || done_ == total_) step_ = Step::commit;
        return in;
    }

private:
    enum class Step { mma, commit, wait, drain, end };
    const std::vector<WarpInstr>& chains_;
    const WarpInstr &commit_, &wait_, &drain_;
    std::int64_t total_, done_ = 0;
    std::int64_t group_;
    Step step_ = Step::mma;
};

WarpInstr control(Control c, int count) {
    WarpInstr in;
    in.unit = ExecUnit::control;
    in.control = c;
    in.count = static_cast<std::uint8_t>(count);
    return in;
}

std::vector<WarpInstr> wgmma_chains(const isa::WgmmaForm& form, int ilp) {
    const int shared = form.a_regs + form.metadata_regs;
    const int needed = shared + ilp * form.d_regs;
    if (needed > 255)
        throw UserError(fmt::format("--ilp {}: {} needs {} registers per thread ({} accumulator registers per chain), at most 255",
                                    ilp, form.ptx, needed, form.d_regs));
    const int tracked = std::min(form.d_regs, WarpInstr::kMaxDst);
    if (shared + tracked > WarpInstr::kMaxSrc) throw InternalError("wgmma operand count exceeds WarpInstr capacity");
    std::vector<WarpInstr> out;
    for (int c = 0; c < ilp; ++c) {
        WarpInstr in;
        in.unit = ExecUnit::tensor;
        in.op = 0;
        in.wgmma = true;
        for (int r = 0; r < shared; ++r) in.src[in.n_src++] = static_cast<std::uint8_t>(r);
        const int base = shared + c * form.d_regs;
        for (int r = 0; r < tracked; ++r) {
            in.src[in.n_src++] = static_cast<std::uint8_t>(base + r);
            in.dst[in.n_dst++] = static_cast<std::uint8_t>(base + r);
        }
        out.push_back(in);
    }
    return out;
}

}  // namespace

MmaBenchResult run_wgmma_bench(const GpuSpec& spec, const MmaBenchParams& params) {
    const int per_group = isa::kWarpgroupSize / 32;
    if (params.warps % per_group != 0)
        throw UserError(fmt::format("--warps {}: a wgmma runs on warp groups of {} warps; expected a multiple of {}",
                                     params.warps, per_group, per_group));
    if (spec.sm.sub_partitions != per_group)
        throw UserError(fmt::format("sm.sub_partitions: wgmma needs {} (one warp of a warp group on each), got {}",
                                    per_group, spec.sm.sub_partitions));
    if (params.wgmma_group < 0 || params.wgmma_wait < 0 || params.wgmma_wait > 255)
        throw UserError("wgmma group size and wait depth: expected 0 or more (wait at most 255)");
    isa::WgmmaSource source;
    if (params.a_source == "shared") source = isa::WgmmaSource::shared;
    else if (params.a_source == "registers") source = isa::WgmmaSource::registers;
    else throw UserError("--a-source: expected shared or registers, got " + params.a_source);
    const auto arch = isa::parse_arch(spec.gpu.arch);
    if (!arch) throw UserError("gpu.arch: unknown architecture " + spec.gpu.arch);
    const isa::WgmmaForm form = isa::parse_wgmma(params.instr, *arch, source);

    MmaBenchResult result;
    result.timing = resolve_wgmma_timing(form, spec.sm.tensor_core, spec.sm.sub_partitions);
    SmContext context;
    context.skip_idle = spec.engine.skip_idle;
    Sm sm("sm0", spec.sm, std::vector<MmaTiming>{result.timing}, std::vector<PipeTiming>{}, context);

    std::vector<WarpInstr> chains = wgmma_chains(form, params.ilp);
    for (WarpInstr& in : chains) sm.prepare(in);
    WarpInstr commit = control(Control::wgmma_commit, 0), wait = control(Control::wgmma_wait, params.wgmma_wait),
              drain = control(Control::wgmma_wait, 0);
    for (WarpInstr* in : {&commit, &wait, &drain}) sm.prepare(*in);
    result.fetch_cycles = sm.unloaded_fetch_cycles(chains.front());
    const int group = params.wgmma_group > 0 ? params.wgmma_group : params.ilp;
    std::deque<WgmmaStream> streams;
    for (int w = 0; w < params.warps; ++w)
        sm.launch_warp(streams.emplace_back(chains, commit, wait, drain, params.iters, group));

    // One slice per warp and chain instruction: fma_per_clk_per_sm counts each slice's 16 x N x K.
    finish_bench(spec, sm, params.iters, static_cast<double>(params.warps) * params.ilp * static_cast<double>(params.iters),
                 result);
    return result;
}

}  // namespace stcsim::sim
