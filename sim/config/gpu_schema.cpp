#include "sim/config/gpu_schema.h"

#include "sim/config/config_base.h"
#include "sim/config/memory_schema.h"
#include "sim/config/named_configs.h"

#include <fmt/format.h>

namespace stcsim::sim::config {
namespace {

const Schema<GpuInfoSpec>& gpu_info_schema() {
    static const Schema<GpuInfoSpec> s = [] {
        Schema<GpuInfoSpec> x("gpu", "The GPU as a whole.");
        x.field("name", &GpuInfoSpec::name, {"", "marketing name, for reports"});
        x.field("arch", &GpuInfoSpec::arch,
                {"", "PTX target whose instructions the GPU runs; instructions are checked against it",
                 std::nullopt, {"sm_80", "sm_86", "sm_89", "sm_90", "sm_90a"}});
        x.field("clock_mhz", &GpuInfoSpec::clock_mhz, {"MHz", "SM clock used to convert cycles to time", std::nullopt, {}, 1.0});
        x.field("sms", &GpuInfoSpec::sms, {"SMs", "number of streaming multiprocessors", std::nullopt, {}, 1.0, 1024.0});
        x.field("source", &GpuInfoSpec::source, {"", "where clock_mhz and sms come from", Json("")});
        return x;
    }();
    return s;
}

const Schema<SchedulerSpec>& scheduler_schema() {
    static const Schema<SchedulerSpec> s = [] {
        Schema<SchedulerSpec> x("scheduler", "Warp scheduler of one sub-partition (one issue per cycle) and its warps' instruction fetch.");
        x.field("policy", &SchedulerSpec::policy,
                {"", "issue policy: gto = greedy-then-oldest (keep the last warp while it can issue), "
                     "lrr = loose round robin",
                 Json("gto"), {"gto", "lrr"}});
        x.field("yield_hints", &SchedulerSpec::yield_hints,
                {"", "follow the compiler's yield hints (trace token 'hold', from the SASS control bits): after an "
                     "instruction whose hint is clear, its warp issues next whenever it can, whatever the policy",
                 Json(true)});
        x.field("indirect_branch_cycles", &SchedulerSpec::indirect_branch_cycles,
                {"cycles", "cycles a warp waits, beyond the instruction's stall count, after a branch whose target "
                           "it reads from a register (RET, BRX, JMX): its fetch restarts only when the branch resolves",
                 Json(0), {}, 0.0, 255.0});
        x.field("taken_branch_cycles", &SchedulerSpec::taken_branch_cycles,
                {"cycles", "the earliest cycle, counted from a jump's issue, at which the instruction at its target "
                           "issues: the trace's next PC is not the next instruction's (PC + 16), so fetch restarts "
                           "there while the jump's own stall count runs (a taken branch, call or reconvergence jump; "
                           "after a branch through a register, indirect_branch_cycles applies instead); also the wait, "
                           "beyond BSYNC's stall count, of the instruction after a BSYNC, where the convergence "
                           "barrier decides where the warp goes on and fetch restarts there. 0: no wait beyond "
                           "the stall count",
                 Json(0), {}, 0.0, 255.0});
        x.field("pipe_throttle", &SchedulerSpec::pipe_throttle,
                {"", "math pipe throttle: a warp does not issue (stall reason pipe_throttle) when its next instruction's "
                     "sm.pipelines unit is still booked by earlier instructions when this one could first reach it "
                     "(after its operand reads), or when it is a tensor instruction and another one still waits in a "
                     "collector unit for the tensor core; the issue slot and the collector units go to other warps. "
                     "false: it issues and waits for its unit in a collector unit",
                 Json(false)});
        x.field("source", &SchedulerSpec::source, {"", "where the policy, the hints, the branch wait and the throttle come from", Json("")});
        return x;
    }();
    return s;
}

const Schema<RegisterFileSpec>& register_file_schema() {
    static const Schema<RegisterFileSpec> s = [] {
        Schema<RegisterFileSpec> x("register_file", "Register file banks and operand collector of one sub-partition.");
        x.field("banks", &RegisterFileSpec::banks,
                {"banks", "register banks; warp register r lives in bank r mod banks", std::nullopt, {}, 1.0, 16.0});
        x.field("reads_per_bank_per_cycle", &RegisterFileSpec::reads_per_bank_per_cycle,
                {"warp registers/cycle", "reads one bank serves per cycle (one read = one 32-bit register of all 32 lanes)",
                 Json(1), {}, 1.0, 64.0});
        x.field("collector_units", &RegisterFileSpec::collector_units,
                {"units", "operand collector units: instructions that may gather operands or wait for the tensor core at once",
                 std::nullopt, {}, 1.0, 64.0});
        return x;
    }();
    return s;
}

const Schema<RateSpec>& rate_schema() {
    static const Schema<RateSpec> s = [] {
        Schema<RateSpec> x("rate", "Speed of the dot-product units for one input type.");
        x.field("inputs", &RateSpec::inputs,
                {"", "input (A/B) type family", std::nullopt, {"f16", "bf16", "tf32", "fp8", "int8", "int4"}});
        x.field("accumulator", &RateSpec::accumulator,
                {"", "accumulator (C/D) type, * for any", Json("*"), {"f16", "f32", "s32", "*"}});
        x.field("factor", &RateSpec::factor,
                {"multiplies/lane/cycle", "products one dot-product lane computes per cycle relative to f16 (tf32 0.5, int8 2, ...)",
                 std::nullopt, {}, 0.0, 64.0});
        x.field("source", &RateSpec::source, {"", "where the value comes from (publication, measurement, or 'estimate: how derived')"});
        return x;
    }();
    return s;
}

const Schema<LatencySpec>& latency_schema() {
    static const Schema<LatencySpec> s = [] {
        Schema<LatencySpec> x("latency", "Latency of the instructions an entry matches; the first matching entry wins.");
        x.field("opcode", &LatencySpec::opcode, {"", "SASS opcode class", Json("*"), {"HMMA", "IMMA", "QMMA", "*"}});
        x.field("shape", &LatencySpec::shape, {"", "PTX shape with the dense K (m16n8k32 for sparse f16), or *", Json("*")});
        x.field("inputs", &LatencySpec::inputs,
                {"", "input type family, or *", Json("*"), {"f16", "bf16", "tf32", "fp8", "int8", "int4", "*"}});
        x.field("accumulator", &LatencySpec::accumulator, {"", "accumulator type, or *", Json("*"), {"f16", "f32", "s32", "*"}});
        x.field("sparsity", &LatencySpec::sparsity, {"", "dense (mma) or sparse (mma.sp), or *", Json("*"), {"dense", "sparse", "*"}});
        x.field("cycles", &LatencySpec::cycles,
                {"cycles", "unloaded latency: issue of the instruction to the issue of one that reads its D", std::nullopt, {}, 1.0, kMaxInstrLatency});
        x.field("interval", &LatencySpec::interval,
                {"cycles", "initiation interval override; 0 derives it from the datapath (the normal case)", Json(0), {}, 0.0, kMaxInstrLatency});
        x.field("source", &LatencySpec::source, {"", "where the value comes from (publication, measurement, or 'estimate: how derived')"});
        return x;
    }();
    return s;
}

const Schema<WgmmaSpec>& wgmma_schema() {
    static const Schema<WgmmaSpec> s = [] {
        Schema<WgmmaSpec> x("wgmma", "The warp-group MMA path (sm_90a): the same dot-product units, no warp_mma_overhead_cycles.");
        x.field("fixed_cycles", &WgmmaSpec::fixed_cycles,
                {"cycles", "latency of one warp's slice = this + its initiation interval (+ sparse stages); 0: the GPU has no wgmma",
                 Json(0), {}, 0.0, 1024.0});
        x.field("operand_bytes_per_cycle", &WgmmaSpec::operand_bytes_per_cycle,
                {"bytes/cycle", "shared-memory bytes per cycle per SM that wgmma's A (descriptor) and B operand streams get",
                 Json(128), {}, 1.0, 4096.0});
        x.field("source", &WgmmaSpec::source, {"", "where the values come from", Json("")});
        return x;
    }();
    return s;
}

const Schema<TensorCoreSpec>& tensor_core_schema() {
    static const Schema<TensorCoreSpec> s = [] {
        Schema<TensorCoreSpec> x("tensor_core", "One tensor core (one per sub-partition), dense and sparse modes on the same units.");
        x.field("dot_product_units", &TensorCoreSpec::dot_product_units,
                {"units", "dot-product units working in parallel", std::nullopt, {}, 1.0, 1024.0});
        x.field("dot_product_width", &TensorCoreSpec::dot_product_width,
                {"products/cycle", "products one unit sums per cycle at rate factor 1 (f16)", std::nullopt, {}, 1.0, 4096.0});
        x.field("metadata_decode_cycles", &TensorCoreSpec::metadata_decode_cycles,
                {"cycles", "sparse only: decoding the metadata register into B-row indices", std::nullopt, {}, 0.0, 1024.0});
        x.field("b_select_cycles", &TensorCoreSpec::b_select_cycles,
                {"cycles", "sparse only: the multiplexer that picks, per kept A value, the B value the metadata names", std::nullopt, {}, 0.0, 1024.0});
        x.field("default_fixed_cycles", &TensorCoreSpec::default_fixed_cycles,
                {"cycles", "latency of an instruction no entry matches = this + its initiation interval (+ sparse stages)",
                 std::nullopt, {}, 0.0, 1024.0});
        x.field("default_source", &TensorCoreSpec::default_source, {"", "how default_fixed_cycles was obtained"});
        x.field("warp_mma_overhead_cycles", &TensorCoreSpec::warp_mma_overhead_cycles,
                {"cycles", "cycles the dot-product units stay held per warp-level mma / mma.sp beyond its multiplies "
                           "(the warp-synchronous path's operand staging); adds to every initiation interval",
                 Json(0), {}, 0.0});
        x.field("sparse_mma_overhead_cycles", &TensorCoreSpec::sparse_mma_overhead_cycles,
                {"cycles", "further cycles the dot-product units stay held per warp-level mma.sp beyond a dense mma "
                           "with the same multiplies (the sparse operand staging: metadata and the gather of B); "
                           "adds to every sparse initiation interval",
                 Json(0), {}, 0.0});
        x.field("datapath_rows", &TensorCoreSpec::datapath_rows,
                {"rows", "rows of A the dot-product units process per pass: a form with fewer rows (m8n8k16) "
                         "occupies them as if it had this many",
                 Json(8), {}, 1.0});
        x.field("structure_source", &TensorCoreSpec::structure_source,
                {"", "where warp_mma_overhead_cycles, sparse_mma_overhead_cycles and datapath_rows come from", Json("")});
        x.list("rates", &TensorCoreSpec::rates, rate_schema(), "rate factor per input type (first match wins)");
        x.list("latencies", &TensorCoreSpec::latencies, latency_schema(), "latency per opcode, shape, types and sparsity (first match wins)");
        x.object("wgmma", &TensorCoreSpec::wgmma, wgmma_schema(), "the warp-group MMA path (sm_90a)", false);
        return x;
    }();
    return s;
}

const Schema<PipelineSpec>& pipeline_schema() {
    static const Schema<PipelineSpec> s = [] {
        Schema<PipelineSpec> x("pipeline", "One execution pipeline of a sub-partition (non-tensor, non-memory instructions).");
        x.field("name", &PipelineSpec::name, {"", "pipeline name (alu, fma, sfu, branch, ...), used by default_pipeline and in stats"});
        x.field("opcodes", &PipelineSpec::opcodes,
                {"", "base SASS opcodes this pipeline runs, separated by spaces (\"IADD3 LOP3 ISETP\")", Json("")});
        x.field("latency", &PipelineSpec::latency,
                {"cycles", "unloaded latency: issue of the instruction to the issue of one that reads its result", std::nullopt, {}, 1.0, kMaxInstrLatency});
        x.field("interval", &PipelineSpec::interval,
                {"cycles", "cycles between two instructions entering the pipeline (1: full rate)", Json(1), {}, 1.0, kMaxInstrLatency});
        x.field("source", &PipelineSpec::source, {"", "where the values come from (publication, measurement, or 'estimate: how derived')", Json("")});
        return x;
    }();
    return s;
}

const Schema<LsuSpec>& lsu_schema() {
    static const Schema<LsuSpec> s = [] {
        Schema<LsuSpec> x("lsu", "Load/store unit of one SM: global loads and stores, shared memory, ldmatrix, cp.async.");
        x.field("queue_depth", &LsuSpec::queue_depth,
                {"warp instructions", "memory instructions waiting to enter the memory system or the shared-memory banks; dispatch stalls when full",
                 Json(16), {}, 1.0, 65536.0});
        x.field("source", &LsuSpec::source, {"", "where the values come from", Json("")});
        return x;
    }();
    return s;
}

const Schema<TmaSpec>& tma_schema() {
    static const Schema<TmaSpec> s = [] {
        Schema<TmaSpec> x("tma", "Tensor Memory Accelerator of one SM (sm_90: UTMALDG / UTMASTG copies between global and shared memory).");
        x.field("issue_cycles", &TmaSpec::issue_cycles,
                {"cycles", "cycles the unit takes to accept one copy (descriptor and box set-up) before its first request; copies are accepted one after another",
                 Json(8), {}, 0.0, 65536.0});
        x.field("max_outstanding", &TmaSpec::max_outstanding,
                {"requests", "line requests (at most one L2 line each) in flight to L2 at once; the unit sends at most one per cycle",
                 Json(64), {}, 1.0, 65536.0});
        x.field("smem_bytes_per_cycle", &TmaSpec::smem_bytes_per_cycle,
                {"bytes/cycle", "shared-memory bytes the unit writes (loads: arriving data, zeros for clipped rows) or reads (stores) per cycle",
                 Json(128), {}, 1.0, 65536.0});
        x.field("source", &TmaSpec::source, {"", "where the values come from", Json("")});
        return x;
    }();
    return s;
}

const Schema<MbarrierSpec>& mbarrier_schema() {
    static const Schema<MbarrierSpec> s = [] {
        Schema<MbarrierSpec> x("mbarrier", "Hopper mbarriers (shared-memory barriers with transaction counts) of one SM.");
        x.field("arrive_latency", &MbarrierSpec::arrive_latency,
                {"cycles", "cycles from the issue of an arrive (or complete_tx) line to its effect on the barrier", Json(8), {}, 0.0, 65536.0});
        x.field("wake_latency", &MbarrierSpec::wake_latency,
                {"cycles", "cycles from the completion of a phase to the first issue of a warp that waited on it", Json(8), {}, 0.0, 65536.0});
        x.field("source", &MbarrierSpec::source, {"", "where the values come from", Json("")});
        return x;
    }();
    return s;
}

const Schema<SmSpec>& sm_schema() {
    static const Schema<SmSpec> s = [] {
        Schema<SmSpec> x("sm", "One streaming multiprocessor.");
        x.field("sub_partitions", &SmSpec::sub_partitions,
                {"sub-partitions", "SM sub-partitions (processing blocks), each with a scheduler, register file and tensor core; warp w runs on w mod this; at most 64",
                 std::nullopt, {}, 1.0, 64.0});
        x.field("max_warps", &SmSpec::max_warps, {"warps", "resident warps per SM", std::nullopt, {}, 1.0, 1024.0});
        x.field("max_ctas", &SmSpec::max_ctas, {"CTAs", "resident thread blocks per SM (occupancy limit)", Json(32), {}, 1.0, 1024.0});
        x.field("registers", &SmSpec::registers,
                {"registers", "32-bit registers per SM; a CTA needs nregs * 32 * warps of them (occupancy limit)", Json(65536), {}, 1.0, 16777216.0});
        x.object("scheduler", &SmSpec::scheduler, scheduler_schema(), "warp scheduler", false);
        x.object("register_file", &SmSpec::register_file, register_file_schema(), "register file and operand collector");
        x.object("tensor_core", &SmSpec::tensor_core, tensor_core_schema(), "tensor core datapath and timing");
        x.list("pipelines", &SmSpec::pipelines, pipeline_schema(),
               "execution pipelines of the other instructions (trace replay); an opcode named by no entry runs on default_pipeline", false);
        x.field("default_pipeline", &SmSpec::default_pipeline,
                {"", "pipeline of an opcode that no pipelines entry names (unknown and NOP-like opcodes); counted under its opcode", Json("alu")});
        x.object("lsu", &SmSpec::lsu, lsu_schema(), "load/store unit", false);
        x.object("tma", &SmSpec::tma, tma_schema(), "Tensor Memory Accelerator (sm_90 traces)", false);
        x.object("mbarrier", &SmSpec::mbarrier, mbarrier_schema(), "mbarrier timing (sm_90 traces)", false);
        return x;
    }();
    return s;
}

const Schema<EngineSpec>& engine_schema() {
    static const Schema<EngineSpec> s = [] {
        Schema<EngineSpec> x("engine", "The simulation engine.");
        x.field("watchdog_cycles", &EngineSpec::watchdog_cycles,
                {"cycles", "cycles without progress in any unit before a deadlock report", Json(100000), {}, 1.0, 1e12});
        x.field("max_cycles", &EngineSpec::max_cycles, {"cycles", "hard stop (an error) after this many cycles; 0: none", Json(0), {}, 0.0, 1e15});
        x.field("skip_idle", &EngineSpec::skip_idle,
                {"", "false: simulate every cycle and tick every unit in every cycle (slow; the results must be the same: a check for a new unit's idle skipping)", Json(true), {}, {}});
        return x;
    }();
    return s;
}

}  // namespace

const Schema<GpuSpec>& gpu_schema() {
    static const Schema<GpuSpec> s = [] {
        Schema<GpuSpec> x("config", "A GPU configuration file: one JSON object with the keys below.");
        x.object("gpu", &GpuSpec::gpu, gpu_info_schema(), "the GPU as a whole");
        x.object("sm", &GpuSpec::sm, sm_schema(), "one SM");
        x.object("memory", &GpuSpec::memory, memory_schema(), "memory hierarchy (defaults: an A100-like hierarchy)", false);
        x.object("engine", &GpuSpec::engine, engine_schema(), "simulation engine", false);
        return x;
    }();
    return s;
}

LoadedConfig load_config_json(const Json& raw, const std::string& label,
                              const std::vector<std::string>& overrides) {
    Json patched = apply_base(raw, label);
    for (const auto& assignment : overrides) apply_override(patched, gpu_schema().info(), assignment, label);
    LoadedConfig out;
    gpu_schema().load(patched, out.spec, Where{label, ""});
    const SmSpec& sm = out.spec.sm;
    if (sm.max_warps > 64 * sm.sub_partitions)  // a sub-partition schedules at most 64 warps
        (Where{label, "sm"} / "max_warps")
            .fail(fmt::format("{} warps need more than {} sub-partitions of 64 warps", sm.max_warps, sm.sub_partitions));
    validate_memory(out.spec.memory, label);
    out.resolved = gpu_schema().save(out.spec);
    return out;
}

LoadedConfig load_config_file(const std::string& name_or_path, const std::vector<std::string>& overrides) {
    const std::string path = resolve_config_path(name_or_path);
    return load_config_json(read_config_json(path), path, overrides);
}

}  // namespace stcsim::sim::config
