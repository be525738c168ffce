#include "sim/gpu/replay.h"

#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "common/errors.h"
#include "sim/core/engine.h"
#include "sim/core/stats.h"
#include "sim/memory/memory_system.h"

namespace stcsim::sim {
namespace {

std::vector<trace::TraceCommand> commands_of(const std::string& path) {
    namespace fs = std::filesystem;
    if (fs::is_directory(path)) return trace::read_kernelslist((fs::path(path) / "kernelslist.g").string());
    if (fs::path(path).filename().string().ends_with(".g")) return trace::read_kernelslist(path);
    if (!fs::exists(path)) throw UserError(path + ": no such trace file");
    trace::TraceCommand c;
    c.kind = trace::TraceCommand::Kind::kernel;
    c.text = c.path = path;
    return {c};
}

// Totals over all SMs, filled after the run; the stats point at them.
struct Totals {
    std::uint64_t cycles = 0, warp_instructions = 0, tensor_cores = 0;
    std::uint64_t tensor_busy = 0, tensor_instructions = 0, tensor_sparse = 0, pipeline_instructions = 0;
    std::uint64_t issued = 0, scoreboard = 0, collector_full = 0, lsu_full = 0, memory_wait = 0, barrier = 0, idle = 0;
    std::uint64_t smem_accesses = 0, smem_ldmatrix = 0, smem_wavefronts = 0, smem_conflicts = 0, smem_bytes = 0;
    std::uint64_t global_loads = 0, global_stores = 0, cp_async = 0, lsu_stall_memory = 0;
    std::vector<std::uint64_t> sm_issued, sm_busy;
};

void sum(Totals& t, const std::vector<std::unique_ptr<Sm>>& sms) {
    for (const auto& sm : sms) {
        std::uint64_t busy = 0;
        for (int i = 0; i < sm->sub_partitions(); ++i) {
            const SubPartition& p = sm->sub_partition(i);
            const auto& s = p.state();
            t.issued += s.issued;
            t.scoreboard += s.stall_scoreboard;
            t.collector_full += s.stall_collector_full;
            t.lsu_full += s.stall_lsu_full;
            t.memory_wait += s.stall_memory_wait;
            t.barrier += s.stall_barrier;
            t.idle += s.idle;
            t.pipeline_instructions += s.pipeline_instructions;
            t.tensor_instructions += p.tensor().state().accepted;
            t.tensor_sparse += p.tensor().state().sparse_ops;
            busy += p.tensor().state().busy_cycles;
            ++t.tensor_cores;
        }
        t.tensor_busy += busy;
        t.sm_busy.push_back(busy);
        t.sm_issued.push_back(sm->warp_instructions());
        const auto& m = sm->lsu().shared().state();
        t.smem_accesses += m.accesses;
        t.smem_ldmatrix += m.ldmatrix;
        t.smem_wavefronts += m.wavefronts;
        t.smem_conflicts += m.bank_conflicts;
        t.smem_bytes += m.bytes;
        const auto& l = sm->lsu().state();
        t.global_loads += l.global_loads;
        t.global_stores += l.global_stores;
        t.cp_async += l.cp_async;
        t.lsu_stall_memory += l.stall_memory;
    }
    t.warp_instructions = t.issued;
}

double ratio(std::uint64_t a, std::uint64_t b) { return static_cast<double>(a) / static_cast<double>(b); }

void register_totals(Stats& s, const Totals& t, const CtaLauncher::State& l, const OpcodeCounts& counts, int max_warps,
                     std::size_t sms) {
    s.counter("cycles", "cycles", "simulated cycles, first issue to the last writeback of the last kernel", &t.cycles);
    s.counter("warp_instructions", "warp instructions", "warp instructions issued (all SMs)", &t.warp_instructions);
    for (const auto& [op, n] : counts.by_base) s.counter("instructions_by_opcode." + op, "warp instructions", "by base opcode", &n);
    for (const auto& [op, n] : counts.mma_by_full) s.counter("mma_instructions_by_opcode." + op, "warp instructions", "MMA by full opcode", &n);
    s.counter("kernels", "kernels", "kernels replayed", &l.kernels);
    s.counter("memcpy_skipped", "commands", "memcpy lines of kernelslist.g (no effect on timing)", &l.memcpy_skipped);
    s.counter("ctas.launched", "CTAs", "thread blocks launched", &l.ctas_launched);
    s.counter("ctas.max_per_sm", "CTAs", "resident CTAs per SM the occupancy limits allow (last kernel)", &l.max_ctas_per_sm);
    s.counter("ctas.peak_resident", "CTAs", "most CTAs resident at once (all SMs)", &l.peak_resident_ctas);
    s.derived("occupancy.achieved", "fraction", "mean resident warps / (SMs x sm.max_warps) over the run",
              [&t, &l, max_warps, sms] { return ratio(l.resident_warp_cycles, t.cycles * static_cast<std::uint64_t>(max_warps) * sms); });
    s.counter("tensor_core.instructions", "warp instructions", "MMA instructions executed", &t.tensor_instructions);
    s.counter("tensor_core.sparse_instructions", "warp instructions", "of which mma.sp", &t.tensor_sparse);
    s.counter("tensor_core.busy_cycles", "cycles", "cycles the dot-product units were held, summed over all tensor cores", &t.tensor_busy);
    s.counter("tensor_core.count", "tensor cores", "tensor cores (SMs x sub-partitions)", &t.tensor_cores);
    s.derived("tensor_core.utilisation", "fraction", "busy cycles / (cycles x tensor cores)",
              [&t] { return ratio(t.tensor_busy, t.cycles * t.tensor_cores); });
    s.counter("pipelines.instructions", "warp instructions", "instructions executed by the sm.pipelines units", &t.pipeline_instructions);
    const char* d = "scheduler cycles, summed over all schedulers: ";
    s.counter("stalls.issued", "cycles", std::string(d) + "an instruction issued", &t.issued);
    s.counter("stalls.scoreboard", "cycles", std::string(d) + "warps wait on registers", &t.scoreboard);
    s.counter("stalls.collector_full", "cycles", std::string(d) + "no free operand collector unit", &t.collector_full);
    s.counter("stalls.lsu_full", "cycles", std::string(d) + "the LSU queue is full", &t.lsu_full);
    s.counter("stalls.memory_wait", "cycles", std::string(d) + "warps wait in DEPBAR for cp.async groups", &t.memory_wait);
    s.counter("stalls.barrier", "cycles", std::string(d) + "warps wait at BAR.SYNC", &t.barrier);
    s.counter("stalls.idle", "cycles", std::string(d) + "no warp has work", &t.idle);
    s.counter("lsu.global_loads", "warp instructions", "global loads sent to the memory system", &t.global_loads);
    s.counter("lsu.global_stores", "warp instructions", "global stores sent to the memory system", &t.global_stores);
    s.counter("lsu.cp_async", "warp instructions", "cp.async (LDGSTS) copies", &t.cp_async);
    s.counter("lsu.stall_memory", "cycles", "cycles the LSU head waited for the memory system to accept", &t.lsu_stall_memory);
    s.counter("shared_memory.accesses", "warp accesses", "shared-memory accesses (ld/st.shared, ldmatrix, cp.async stores)", &t.smem_accesses);
    s.counter("shared_memory.ldmatrix", "warp instructions", "ldmatrix instructions", &t.smem_ldmatrix);
    s.counter("shared_memory.wavefronts", "wavefronts", "bank wavefronts served", &t.smem_wavefronts);
    s.counter("shared_memory.bank_conflicts", "wavefronts", "extra wavefronts caused by bank conflicts", &t.smem_conflicts);
    s.counter("shared_memory.bytes", "bytes", "bytes moved between shared memory and registers", &t.smem_bytes);
}

// {"a.b": v} -> {"a": {"b": v}}; below the *_by_opcode keys the rest of the name is one key.
nlohmann::ordered_json nest(const nlohmann::ordered_json& flat) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& [name, value] : flat.items()) {
        nlohmann::ordered_json* at = &out;
        std::string rest = name;
        while (true) {
            const auto dot = rest.find('.');
            const std::string head = rest.substr(0, dot);
            if (dot == std::string::npos) {
                (*at)[head] = value;
                break;
            }
            at = &(*at)[head];
            rest = rest.substr(dot + 1);
            if (head.ends_with("by_opcode")) {
                (*at)[rest] = value;
                break;
            }
        }
    }
    return out;
}

}  // namespace

ReplayResult run_replay(const GpuSpec& spec, const std::string& trace_path,
                        std::function<void(const LaunchProgress&)> progress) {
    std::vector<trace::TraceCommand> commands = commands_of(trace_path);
    const OpcodeClasses classes(spec.sm, spec.gpu.arch);
    MemorySystem memory("memory", spec.memory, spec.gpu.sms);
    SmContext context;
    context.memory = &memory;
    context.shared = spec.memory.shared;
    context.skip_idle = spec.engine.skip_idle;
    context.shared_capacity = spec.memory.shared.shared_carveout_bytes > 0 ? spec.memory.shared.shared_carveout_bytes
                                                                           : spec.memory.shared.max_shared_bytes;
    std::vector<std::unique_ptr<Sm>> sms;
    std::vector<Sm*> pointers;
    for (int i = 0; i < spec.gpu.sms; ++i) {
        context.index = i;
        sms.push_back(std::make_unique<Sm>(fmt::format("sm{}", i), spec.sm, classes.mma_timings(), classes.pipe_timings(), context));
        pointers.push_back(sms.back().get());
    }
    OpcodeCounts counts;
    CtaLauncher launcher(std::move(commands), pointers, classes, counts);
    if (progress) launcher.on_progress(std::move(progress));
    Engine engine(spec.engine);
    engine.add(launcher);
    // SMs sleep until their next event or until woken (a launched CTA, a memory response).
    for (Sm* sm : pointers) engine.add(*sm, Engine::Ticking::when_due);
    engine.add(memory);
    const Cycle end = engine.run();
    for (Sm* sm : pointers) sm->finish(end);

    Totals totals;
    totals.cycles = end.value();
    sum(totals, sms);
    Stats stats;
    register_totals(stats, totals, launcher.state(), counts, spec.sm.max_warps, sms.size());
    memory.register_stats(stats, "memory");
    for (std::size_t i = 0; i < sms.size(); ++i) {
        const std::string at = fmt::format("per_sm.sm{}.", i);
        stats.counter(at + "warp_instructions", "warp instructions", "instructions issued on this SM", &totals.sm_issued[i]);
        stats.counter(at + "tensor_busy_cycles", "cycles", "dot-product busy cycles of this SM's tensor cores", &totals.sm_busy[i]);
        const std::uint64_t* busy = &totals.sm_busy[i];
        const auto cores = static_cast<std::uint64_t>(spec.sm.sub_partitions);
        stats.derived(at + "tensor_utilisation", "fraction", "busy cycles / (cycles x tensor cores of the SM)",
                      [busy, &totals, cores] { return ratio(*busy, totals.cycles * cores); });
    }
    ReplayResult result;
    result.cycles = totals.cycles;
    result.warp_instructions = totals.warp_instructions;
    result.trace_instructions = launcher.state().trace_instructions;
    result.stats = nest(stats.values());
    result.described = stats.described();
    return result;
}

}  // namespace stcsim::sim
