#include "sim/gpu/replay.h"

#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "common/errors.h"
#include "sim/core/engine.h"
#include "sim/core/stats.h"
#include "sim/gpu/replay_stats.h"
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

nlohmann::ordered_json kernels_unit() {
    return {{"unit", "list"},
            {"description", "one entry per kernel in launch order: index (1-based, counting kernels), name (from the trace header), trace (its file), and "
                            "every stat above but kernel_count, memory.* and per_sm.*, for that kernel alone; the cycles of the "
                            "kernels add up to cycles."}};
}

}  // namespace

ReplayResult run_replay(const GpuSpec& spec, const std::string& trace_path,
                        std::function<void(const LaunchProgress&)> progress, PcProfile* profile) {
    std::vector<trace::TraceCommand> commands = commands_of(trace_path);
    const OpcodeClasses classes(spec.sm, spec.gpu.arch);
    MemorySystem memory("memory", spec.memory, spec.gpu.sms);
    SmContext context;
    context.memory = &memory;
    context.shared = spec.memory.shared;
    context.skip_idle = spec.engine.skip_idle;
    context.profile = profile;
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
    launcher.keep_profile(profile);
    // Progress: the current kernel's instructions issued so far (those of earlier kernels taken off).
    std::uint64_t issued_before = 0;
    const auto report = [&](LaunchProgress p) {
        std::uint64_t issued = 0;
        for (const Sm* sm : pointers) issued += sm->warp_instructions();
        p.instructions_issued = issued - issued_before;
        progress(p);
    };
    if (progress) launcher.on_progress(report);
    // Kernel boundaries: a snapshot of the totals when each kernel (but the last) ends.
    struct Mark {
        std::size_t kernel;
        std::string name, path;
        ReplayTotals at_end;
    };
    std::vector<Mark> marks;
    launcher.on_kernel_end([&](std::size_t kernel, Cycle now) {
        marks.push_back({kernel, launcher.kernel_name(), launcher.kernel_path(),
                         collect_totals(sms, launcher.state(), counts, classes, now.value(), Cycle{now.value() - 1})});
        issued_before = marks.back().at_end.warp_instructions;
    });
    Engine engine(spec.engine);
    if (progress) engine.observe_every(8192, [&](Cycle now) { report(launcher.progress(now)); });
    engine.add(launcher);
    // SMs sleep until their next event or until woken (a launched CTA, a memory response).
    for (Sm* sm : pointers) engine.add(*sm, Engine::Ticking::when_due);
    engine.add(memory);
    const Cycle end = engine.run();
    for (Sm* sm : pointers) sm->finish(end);

    const ReplayTotals totals = collect_totals(sms, launcher.state(), counts, classes, end.value(), end);
    if (launcher.state().kernels > 0) marks.push_back({launcher.state().kernels, launcher.kernel_name(), launcher.kernel_path(), totals});
    Stats stats;
    register_replay_stats(stats, totals, spec);
    memory.register_stats(stats, "memory");
    register_per_sm_stats(stats, totals, spec);
    ReplayResult result;
    result.cycles = totals.cycles;
    result.warp_instructions = totals.warp_instructions;
    result.trace_instructions = launcher.state().trace_instructions;
    result.stats = Stats::nest(stats.values());
    nlohmann::ordered_json kernels = nlohmann::ordered_json::array();
    const ReplayTotals none;
    for (std::size_t i = 0; i < marks.size(); ++i) {
        const ReplayTotals one = difference(marks[i].at_end, i == 0 ? none : marks[i - 1].at_end);
        Stats per_kernel;
        register_replay_stats(per_kernel, one, spec);
        nlohmann::ordered_json k = {{"index", marks[i].kernel}, {"name", marks[i].name}, {"trace", marks[i].path}};
        k.update(Stats::nest(per_kernel.values()));
        k.erase("kernel_count");
        kernels.push_back(std::move(k));
    }
    result.stats["kernels"] = std::move(kernels);
    result.stats["units"] = stats.units();
    result.stats["units"]["kernels"] = kernels_unit();
    result.described = stats.described();
    return result;
}

nlohmann::ordered_json replay_stat_units(const GpuSpec& spec) {
    ReplayTotals totals;
    totals.by_base["<OPCODE>"] = 0;
    totals.mma_by_full["<SASS OPCODE>"] = 0;
    totals.sm_issued.assign(1, 0);
    totals.sm_busy.assign(1, 0);
    const MemorySystem memory("memory", spec.memory, spec.gpu.sms);
    Stats stats;
    register_replay_stats(stats, totals, spec);
    memory.register_stats(stats, "memory");
    register_per_sm_stats(stats, totals, spec);
    const nlohmann::ordered_json registered = stats.units();
    nlohmann::ordered_json units;
    for (const auto& [name, info] : registered.items()) {
        std::string key = name;
        if (key.starts_with("per_sm.sm0.")) key.replace(0, 10, "per_sm.smI");
        units[key] = info;
    }
    units["kernels"] = kernels_unit();
    return units;
}

}  // namespace stcsim::sim
