// The plain Spec structs a GPU config is parsed into. No behaviour here: components are built
// from these (`const XSpec&`), and the field tables in gpu_schema.cpp document every member.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/config/memory_spec.h"
#include "sim/core/engine.h"

namespace stcsim::sim {

// The longest instruction latency or initiation interval a config may give (cycles): the tail of an
// instruction in flight is held in 16 bits.
inline constexpr int kMaxInstrLatency = 65535;

struct GpuInfoSpec {
    std::string name;
    std::string arch;  // PTX target: sm_80, sm_86, sm_89, sm_90
    double clock_mhz = 0;
    int sms = 0;
    std::string source;  // where name, clock and SM count come from
};

struct SchedulerSpec {
    std::string policy = "gto";  // gto | lrr
    bool yield_hints = true;     // a warp whose instruction has the compiler's yield hint clear keeps the issue slot
    int indirect_branch_cycles = 0;  // a warp's wait for fetch after a branch through a register (RET, BRX, JMX)
    int taken_branch_cycles = 0;     // a jump's target issues no earlier than this after the jump (fetch restarts there)
    bool pipe_throttle = false;  // a warp whose next instruction's pipeline or tensor core is booked does not issue
    std::string source;
};

struct RegisterFileSpec {
    int banks = 2;
    int reads_per_bank_per_cycle = 1;
    int collector_units = 2;
};

// Relative speed of the dot-product units for one input type and accumulator.
struct RateSpec {
    std::string inputs;       // f16 | bf16 | tf32 | fp8 | int8 | int4
    std::string accumulator;  // f16 | f32 | s32 | *
    double factor = 1.0;      // multiplies per dot-product lane per cycle (f16 = 1)
    std::string source;
};

// Issue-to-result latency of the instructions an entry matches ("*" matches anything).
struct LatencySpec {
    std::string opcode = "*";       // HMMA | IMMA | QMMA | *
    std::string shape = "*";        // m16n8k16 ... (PTX, dense K) | *
    std::string inputs = "*";       // as RateSpec::inputs | *
    std::string accumulator = "*";  // f16 | f32 | s32 | *
    std::string sparsity = "*";     // dense | sparse | *
    int cycles = 0;                 // issue to dependent issue, unloaded
    int interval = 0;               // initiation interval override; 0: derived from the datapath
    std::string source;
};

// Hopper's warp-group MMA (wgmma, sm_90a): the asynchronous issue path that feeds the same
// dot-product units without the warp-synchronous per-instruction overhead. Each warp of a warp
// group runs its 16-row slice on its own sub-partition's tensor core (sim/tensor/mma_timing.h).
struct WgmmaSpec {
    int fixed_cycles = 0;  // latency of a slice = this + its interval (+ sparse stages); 0: no wgmma path
    // Shared-memory bytes per cycle per SM the operand streams of A (from a descriptor) and B get;
    // each sub-partition's slice has a quarter of it.
    int operand_bytes_per_cycle = 128;
    std::string source;
};

struct TensorCoreSpec {
    int dot_product_units = 0;
    int dot_product_width = 0;  // products summed per unit per cycle at rate factor 1
    int metadata_decode_cycles = 1;
    int b_select_cycles = 1;
    int default_fixed_cycles = 16;  // latency when no entry matches: this + interval (+ sparse stages)
    std::string default_source;
    // Cycles the units stay held per warp-level mma / mma.sp beyond its multiplies (0: none).
    int warp_mma_overhead_cycles = 0;
    // Further cycles a warp-level mma.sp holds them beyond a dense mma of the same multiplies (0: none).
    int sparse_mma_overhead_cycles = 0;
    // Rows of A the units take per pass: a form with a smaller M (m8n8k16) costs this many.
    int datapath_rows = 8;
    std::string structure_source;  // where the overheads and datapath_rows come from
    std::vector<RateSpec> rates;
    std::vector<LatencySpec> latencies;
    WgmmaSpec wgmma;
};

// One execution pipeline of a sub-partition for non-tensor, non-memory instructions.
struct PipelineSpec {
    std::string name;     // alu, fma, sfu, ...
    std::string opcodes;  // base SASS opcodes it runs, separated by spaces ("IADD3 LOP3 ...")
    int latency = 4;      // issue to dependent issue, unloaded
    int interval = 1;     // cycles between two dispatches to this pipeline
    std::string source;
};

// The load/store unit of one SM (global, shared, ldmatrix, cp.async).
struct LsuSpec {
    int queue_depth = 16;  // warp memory instructions waiting for the memory system or the banks
    std::string source;
};

// The SM's Tensor Memory Accelerator (Hopper TMA: UTMALDG / UTMASTG; sim/memory/tma.h).
struct TmaSpec {
    int issue_cycles = 8;             // cycles to accept one copy before its requests start
    int max_outstanding = 64;         // line requests in flight to L2
    int smem_bytes_per_cycle = 128;   // shared-memory bytes written (loads) or read (stores) per cycle
    std::string source;
};

// Hopper mbarriers (sim/sm/mbarrier.h).
struct MbarrierSpec {
    int arrive_latency = 8;  // cycles from an arrive / complete line's issue to its effect on the barrier
    int wake_latency = 8;    // cycles from a phase's completion to the first issue of a warp that waited on it
    std::string source;
};

struct SmSpec {
    int sub_partitions = 4;
    int max_warps = 64;
    int max_ctas = 32;
    int registers = 65536;  // 32-bit registers per SM (occupancy)
    SchedulerSpec scheduler;
    RegisterFileSpec register_file;
    TensorCoreSpec tensor_core;
    std::vector<PipelineSpec> pipelines;
    std::string default_pipeline = "alu";  // pipeline of opcodes no entry names
    LsuSpec lsu;
    TmaSpec tma;
    MbarrierSpec mbarrier;
};

struct GpuSpec {
    GpuInfoSpec gpu;
    SmSpec sm;
    MemorySpec memory;
    EngineSpec engine;
};

}  // namespace stcsim::sim
