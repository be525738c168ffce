#include "sim/gpu/replay_stats.h"

#include <fmt/format.h>

#include "sim/tensor/mma_timing.h"

namespace stcsim::sim {
namespace {

double ratio(double a, double b) { return a / b; }
double ratio(std::uint64_t a, std::uint64_t b) { return static_cast<double>(a) / static_cast<double>(b); }

void sum_sms(ReplayTotals& t, const std::vector<std::unique_ptr<Sm>>& sms, Cycle through) {
    for (const auto& sm : sms) {
        std::uint64_t busy = 0;
        for (int i = 0; i < sm->sub_partitions(); ++i) {
            const SubPartition& p = sm->sub_partition(i);
            const SubPartition::State s = p.state_through(through);
            t.issued += s.issued;
            t.scoreboard += s.stall_scoreboard;
            t.collector_full += s.stall_collector_full;
            t.lsu_full += s.stall_lsu_full;
            t.pipe_throttle += s.stall_pipe_throttle;
            t.memory_wait += s.stall_memory_wait;
            t.barrier += s.stall_barrier;
            t.mbarrier += s.stall_mbarrier;
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
        const auto& tma = sm->tma().state();
        t.tma_loads += tma.loads;
        t.tma_stores += tma.stores;
        t.tma_bytes_loaded += tma.bytes_loaded;
        t.tma_bytes_stored += tma.bytes_stored;
        t.tma_requests += tma.requests;
        const auto& mb = sm->mbarrier_stats();
        t.mbar_operations += mb.operations;
        t.mbar_waits += mb.waits;
        t.mbar_blocked_waits += mb.blocked_waits;
        t.mbar_wait_cycles += mb.wait_cycles;
        t.mbar_phases += mb.phases_completed;
    }
    t.warp_instructions = t.issued;
}

void add_mma_work(ReplayTotals& t, const OpcodeClasses& classes) {
    for (const auto& [sass, n] : t.mma_by_full) {
        int index = classes.mma_index(sass);
        if (index < 0) index = classes.wgmma_index(sass);  // one warp's slice of a warp-group MMA
        if (index < 0) continue;  // an MMA the catalog does not know runs nowhere near the tensor peak
        const MmaTiming& timing = classes.mma_timings()[static_cast<std::size_t>(index)];
        const double count = static_cast<double>(n);
        t.dense_flops += 2.0 * count * static_cast<double>(timing.dense_fma);
        t.peak_tensor_cycles += count * static_cast<double>(timing.dense_fma) / peak_fma_per_cycle(timing);
    }
}

std::map<std::string, std::uint64_t> difference(const std::map<std::string, std::uint64_t>& later,
                                                const std::map<std::string, std::uint64_t>& earlier) {
    std::map<std::string, std::uint64_t> out;
    for (const auto& [key, n] : later) {
        const auto it = earlier.find(key);
        const std::uint64_t before = it == earlier.end() ? 0 : it->second;
        if (n > before) out[key] = n - before;
    }
    return out;
}

}  // namespace

ReplayTotals collect_totals(const std::vector<std::unique_ptr<Sm>>& sms, const CtaLauncher::State& launcher,
                            const OpcodeCounts& counts, const OpcodeClasses& classes, std::uint64_t cycles, Cycle through) {
    ReplayTotals t;
    t.cycles = cycles;
    sum_sms(t, sms, through);
    t.kernels = launcher.kernels;
    t.memcpy_skipped = launcher.memcpy_skipped;
    t.ctas_launched = launcher.ctas_launched;
    t.max_ctas_per_sm = launcher.max_ctas_per_sm;
    t.peak_resident_ctas = launcher.peak_resident_ctas;
    t.resident_warp_cycles = launcher.resident_warp_cycles;
    t.by_base = counts.by_base;
    t.mma_by_full = counts.mma_by_full;
    add_mma_work(t, classes);
    return t;
}

ReplayTotals difference(const ReplayTotals& later, const ReplayTotals& earlier) {
    ReplayTotals d = later;
    for (auto field : {&ReplayTotals::cycles, &ReplayTotals::warp_instructions, &ReplayTotals::tensor_busy,
                       &ReplayTotals::tensor_instructions, &ReplayTotals::tensor_sparse, &ReplayTotals::pipeline_instructions,
                       &ReplayTotals::issued, &ReplayTotals::scoreboard, &ReplayTotals::collector_full, &ReplayTotals::lsu_full,
                       &ReplayTotals::pipe_throttle,
                       &ReplayTotals::memory_wait, &ReplayTotals::barrier, &ReplayTotals::idle, &ReplayTotals::smem_accesses,
                       &ReplayTotals::smem_ldmatrix, &ReplayTotals::smem_wavefronts, &ReplayTotals::smem_conflicts,
                       &ReplayTotals::smem_bytes, &ReplayTotals::global_loads, &ReplayTotals::global_stores,
                       &ReplayTotals::cp_async, &ReplayTotals::lsu_stall_memory, &ReplayTotals::kernels,
                       &ReplayTotals::memcpy_skipped, &ReplayTotals::ctas_launched, &ReplayTotals::resident_warp_cycles,
                       &ReplayTotals::mbarrier, &ReplayTotals::tma_loads, &ReplayTotals::tma_stores,
                       &ReplayTotals::tma_bytes_loaded, &ReplayTotals::tma_bytes_stored, &ReplayTotals::tma_requests,
                       &ReplayTotals::mbar_operations, &ReplayTotals::mbar_waits, &ReplayTotals::mbar_blocked_waits,
                       &ReplayTotals::mbar_wait_cycles, &ReplayTotals::mbar_phases})
        d.*field = later.*field - earlier.*field;
    d.by_base = difference(later.by_base, earlier.by_base);
    d.mma_by_full = difference(later.mma_by_full, earlier.mma_by_full);
    d.dense_flops = later.dense_flops - earlier.dense_flops;
    d.peak_tensor_cycles = later.peak_tensor_cycles - earlier.peak_tensor_cycles;
    d.sm_issued.clear();
    d.sm_busy.clear();
    return d;
}

void register_replay_stats(Stats& s, const ReplayTotals& t, const GpuSpec& spec) {
    const double hz = spec.gpu.clock_mhz * 1e6;
    const auto max_warps = static_cast<std::uint64_t>(spec.sm.max_warps);
    const auto sms = static_cast<std::uint64_t>(spec.gpu.sms);
    s.counter("cycles", "cycles", "simulated cycles, first issue to the last writeback of the last kernel", &t.cycles);
    s.derived("time_s", "seconds", "cycles / gpu.clock_mhz: the simulated time at the config's clock",
              [&t, hz] { return static_cast<double>(t.cycles) / hz; });
    s.counter("warp_instructions", "warp instructions", "warp instructions issued (all SMs)", &t.warp_instructions);
    for (const auto& [op, n] : t.by_base) s.counter("instructions_by_opcode." + op, "warp instructions", "by base opcode", &n);
    for (const auto& [op, n] : t.mma_by_full) s.counter("mma_instructions_by_opcode." + op, "warp instructions", "MMA by full opcode", &n);
    s.counter("kernel_count", "kernels", "kernels replayed (each is described in the list 'kernels')", &t.kernels);
    s.counter("memcpy_skipped", "commands", "memcpy lines of kernelslist.g (no effect on timing)", &t.memcpy_skipped);
    s.counter("ctas.launched", "CTAs", "thread blocks launched", &t.ctas_launched);
    s.counter("ctas.max_per_sm", "CTAs", "resident CTAs per SM the occupancy limits allow (last kernel)", &t.max_ctas_per_sm);
    s.counter("ctas.peak_resident", "CTAs", "most CTAs resident at once (all SMs)", &t.peak_resident_ctas);
    s.derived("occupancy.achieved", "fraction", "mean resident warps / (SMs x sm.max_warps) over the run",
              [&t, max_warps, sms] { return ratio(t.resident_warp_cycles, t.cycles * max_warps * sms); });
    s.counter("tensor_core.instructions", "warp instructions", "MMA instructions executed", &t.tensor_instructions);
    s.counter("tensor_core.sparse_instructions", "warp instructions", "of which mma.sp", &t.tensor_sparse);
    s.counter("tensor_core.busy_cycles", "cycles", "cycles the dot-product units were held, summed over all tensor cores", &t.tensor_busy);
    s.counter("tensor_core.count", "tensor cores", "tensor cores (SMs x sub-partitions)", &t.tensor_cores);
    s.derived("tensor_core.utilisation", "fraction", "busy cycles / (cycles x tensor cores)",
              [&t] { return ratio(t.tensor_busy, t.cycles * t.tensor_cores); });
    s.derived("tensor_core.flops", "FLOP",
              "2 x m x n x k per executed MMA: the dense logical problem (an mma.sp counts the dense problem it stands for)",
              [&t] { return t.dense_flops; });
    s.derived("tensor_core.tflops", "TFLOP/s", "tensor_core.flops / time_s / 1e12: achieved MMA throughput at the config's clock",
              [&t, hz] { return t.dense_flops / (static_cast<double>(t.cycles) / hz) / 1e12; });
    s.derived("tensor_core.peak_share", "fraction",
              "achieved share of the tensor-core peak: the cycles the executed MMAs take at their form's peak rate "
              "(m x n x k / initiation interval per tensor core, as bench mma) / (cycles x tensor cores)",
              [&t] { return ratio(t.peak_tensor_cycles, static_cast<double>(t.cycles * t.tensor_cores)); });
    s.counter("pipelines.instructions", "warp instructions", "instructions executed by the sm.pipelines units", &t.pipeline_instructions);
    const std::string d = "scheduler cycles, summed over all schedulers: ";
    s.counter("stalls.issued", "cycles", d + "an instruction issued", &t.issued);
    s.counter("stalls.scoreboard", "cycles", d + "warps wait on registers", &t.scoreboard);
    s.counter("stalls.collector_full", "cycles", d + "no free operand collector unit", &t.collector_full);
    s.counter("stalls.lsu_full", "cycles", d + "the LSU queue is full", &t.lsu_full);
    s.counter("stalls.pipe_throttle", "cycles", d + "warps wait for their pipeline (sm.scheduler.pipe_throttle)", &t.pipe_throttle);
    s.counter("stalls.memory_wait", "cycles", d + "warps wait in DEPBAR for cp.async groups", &t.memory_wait);
    s.counter("stalls.barrier", "cycles", d + "warps wait at BAR.SYNC", &t.barrier);
    s.counter("stalls.mbarrier", "cycles", d + "warps wait for an mbarrier phase (mbar=wait) or the wake-up after it", &t.mbarrier);
    s.counter("stalls.idle", "cycles", d + "no warp has work", &t.idle);
    s.counter("lsu.global_loads", "warp instructions", "global loads sent to the memory system", &t.global_loads);
    s.counter("lsu.global_stores", "warp instructions", "global stores sent to the memory system", &t.global_stores);
    s.counter("lsu.cp_async", "warp instructions", "cp.async (LDGSTS) copies", &t.cp_async);
    s.counter("lsu.stall_memory", "cycles", "cycles the LSU head waited for the memory system to accept", &t.lsu_stall_memory);
    s.counter("tma.loads", "copies", "TMA loads (UTMALDG, tma=load) accepted by the SMs' TMA units", &t.tma_loads);
    s.counter("tma.stores", "copies", "TMA stores (UTMASTG, tma=store) accepted", &t.tma_stores);
    s.counter("tma.bytes_loaded", "bytes", "BYTES of the finished TMA loads (clipped rows included), all completed on their mbarriers", &t.tma_bytes_loaded);
    s.counter("tma.bytes_stored", "bytes", "BYTES of the finished TMA stores", &t.tma_bytes_stored);
    s.counter("tma.requests", "requests", "requests of at most one L2 line the TMA units sent to the memory system", &t.tma_requests);
    s.counter("mbarrier.operations", "warp instructions", "mbarrier operations (mbar= lines) issued", &t.mbar_operations);
    s.counter("mbarrier.waits", "warp instructions", "mbarrier waits (mbar=wait) issued", &t.mbar_waits);
    s.counter("mbarrier.blocked_waits", "warp instructions", "of which found their phase not yet completed and held the warp", &t.mbar_blocked_waits);
    s.counter("mbarrier.wait_cycles", "cycles", "summed over blocked waits: issue to the warp's release (sm.mbarrier.wake_latency included)", &t.mbar_wait_cycles);
    s.counter("mbarrier.phases_completed", "phases", "mbarrier phases completed (all CTAs)", &t.mbar_phases);
    s.counter("shared_memory.accesses", "warp accesses", "shared-memory accesses (ld/st.shared, ldmatrix, cp.async stores)", &t.smem_accesses);
    s.counter("shared_memory.ldmatrix", "warp instructions", "ldmatrix instructions", &t.smem_ldmatrix);
    s.counter("shared_memory.wavefronts", "wavefronts", "bank wavefronts served", &t.smem_wavefronts);
    s.counter("shared_memory.bank_conflicts", "wavefronts", "extra wavefronts caused by bank conflicts", &t.smem_conflicts);
    s.counter("shared_memory.bytes", "bytes", "bytes moved between shared memory and registers", &t.smem_bytes);
}

void register_per_sm_stats(Stats& s, const ReplayTotals& t, const GpuSpec& spec) {
    const auto cores = static_cast<std::uint64_t>(spec.sm.sub_partitions);
    for (std::size_t i = 0; i < t.sm_issued.size(); ++i) {
        const std::string at = fmt::format("per_sm.sm{}.", i);
        s.counter(at + "warp_instructions", "warp instructions", "instructions issued on this SM", &t.sm_issued[i]);
        s.counter(at + "tensor_busy_cycles", "cycles", "dot-product busy cycles of this SM's tensor cores", &t.sm_busy[i]);
        const std::uint64_t* busy = &t.sm_busy[i];
        s.derived(at + "tensor_utilisation", "fraction", "busy cycles / (cycles x tensor cores of the SM)",
                  [busy, &t, cores] { return ratio(*busy, t.cycles * cores); });
    }
}

}  // namespace stcsim::sim
