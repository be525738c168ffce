#include "sim/trace/gemm_trace.h"

#include <fmt/format.h>

#include <bit>
#include <filesystem>
#include <vector>

#include "common/errors.h"
#include "sim/trace/gemm_program.h"
#include "sim/trace/trace_writer.h"

namespace stcsim::trace {
namespace {

int default_tile_k(const GemmTraceSpec& spec) {
    const int bytes = spec.dtype == "tf32" ? 4 : spec.dtype == "s8" ? 1 : 2;
    return (64 / bytes) * (spec.sparse ? 2 : 1);
}

std::uint64_t align_up(std::uint64_t value, std::uint64_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
}

}  // namespace

GemmTraceSpec with_defaults(GemmTraceSpec spec) {
    if (spec.tile.m == 0) spec.tile = {128, 128, default_tile_k(spec)};
    if (spec.warp_tile.m == 0) spec.warp_tile = {64, 64, spec.tile.k};
    return spec;
}

isa::MmaForm gemm_mma_form(const GemmTraceSpec& spec) {
    const std::string& t = spec.dtype;
    const std::string& acc = spec.acc;
    int k = 0;
    if (t == "f16" || t == "bf16") k = 16;
    else if (t == "tf32") k = 8;
    else if (t == "s8") k = 32;
    else throw UserError(fmt::format("unknown dtype '{}'; expected f16, bf16, tf32 or s8", t));
    const bool acc_ok = (t == "f16" && (acc == "f32" || acc == "f16")) ||
                        ((t == "bf16" || t == "tf32") && acc == "f32") || (t == "s8" && acc == "s32");
    if (!acc_ok)
        throw UserError(fmt::format("accumulator '{}' does not go with dtype '{}'; expected {}", acc, t,
                                    t == "f16" ? "f32 or f16" : t == "s8" ? "s32" : "f32"));
    if (spec.sparse) k *= 2;
    const std::string ptx = fmt::format("mma{}.sync.aligned.m16n8k{}.row.col.{}.{}.{}.{}", spec.sparse ? ".sp" : "", k,
                                        acc, t, t, acc);
    return isa::parse_mma(ptx, isa::Arch::sm_80);
}

void validate(const GemmTraceSpec& raw) {
    const GemmTraceSpec spec = with_defaults(raw);
    const isa::MmaForm form = gemm_mma_form(spec);
    const isa::Shape& tile = spec.tile;
    const isa::Shape& warp = spec.warp_tile;
    if (spec.m <= 0 || spec.n <= 0 || spec.k <= 0)
        throw UserError(fmt::format("M, N and K must be positive, got {}x{}x{}", spec.m, spec.n, spec.k));
    if (spec.m > kMaxGemmDim || spec.n > kMaxGemmDim || spec.k > kMaxGemmDim)
        throw UserError(fmt::format("M, N and K must be at most {}, got {}x{}x{}", kMaxGemmDim, spec.m, spec.n, spec.k));
    if (spec.m * spec.n > kMaxGemmMacs / spec.k)
        throw UserError(fmt::format("the problem {}x{}x{} has more than {} multiply-adds", spec.m, spec.n, spec.k, kMaxGemmMacs));
    if (tile.m <= 0 || tile.n <= 0 || tile.k <= 0 || warp.m <= 0 || warp.n <= 0 || warp.k <= 0)
        throw UserError("tile and warp tile dimensions must be positive");
    if (spec.m % tile.m || spec.n % tile.n || spec.k % tile.k)
        throw UserError(fmt::format("the tile {}x{}x{} must divide the problem {}x{}x{}", tile.m, tile.n, tile.k,
                                    spec.m, spec.n, spec.k));
    if (tile.m % warp.m || tile.n % warp.n)
        throw UserError(fmt::format("the warp tile {}x{} must divide the tile {}x{}", warp.m, warp.n, tile.m, tile.n));
    if (warp.k != tile.k)
        throw UserError(fmt::format("the warp tile's K ({}) must equal the tile's K ({}): sliced-K is not generated",
                                    warp.k, tile.k));
    if (warp.m % form.shape.m || warp.n % form.shape.n || tile.k % form.shape.k)
        throw UserError(fmt::format("the instruction shape {} must divide the warp tile {}x{}x{}",
                                    isa::shape_name(form.shape), warp.m, warp.n, warp.k));
    if (spec.stages < 2 || spec.stages > 16) throw UserError(fmt::format("stages must be 2 to 16, got {}", spec.stages));
    const GemmGeometry g(spec, form);
    if (g.warps > 32) throw UserError(fmt::format("the tile needs {} warps; a CTA has at most 32", g.warps));
    if (g.registers > 255)
        throw UserError(fmt::format("the warp tile {}x{} needs {} registers per thread; at most 255", warp.m, warp.n,
                                    g.registers));
    const std::uint64_t shmem = g.stage_bytes * static_cast<std::uint64_t>(spec.stages);
    if (shmem > 166912)
        throw UserError(fmt::format("{} stages of {} bytes need {} bytes of shared memory; sm_80 allows 166912 per CTA",
                                    spec.stages, g.stage_bytes, shmem));
    if (g.a_chunks_per_row == 0 || g.b_chunks_per_row == 0 || g.e_stage_bytes % 16)
        throw UserError("the tile's rows must be multiples of 16 bytes for 16-byte cp.async");
}

GemmTraceResult write_gemm_trace(const GemmTraceSpec& raw, const std::string& dir, const std::string& kernel_file,
                                 const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
    validate(raw);
    const GemmTraceSpec spec = with_defaults(raw);
    const isa::MmaForm form = gemm_mma_form(spec);
    const GemmGeometry g(spec, form);
    std::filesystem::create_directories(dir);

    KernelHeader header;
    header.kernel_name = fmt::format("stcsim_cutlass_like_sm80_{}gemm_{}_{}_{}x{}x{}_{}x{}x{}_{}stage",
                                     spec.sparse ? "sparse_" : "", spec.dtype, spec.acc, spec.tile.m, spec.tile.n,
                                     spec.tile.k, spec.warp_tile.m, spec.warp_tile.n, spec.warp_tile.k, spec.stages);
    header.kernel_id = 1;
    header.grid = {static_cast<std::uint32_t>(spec.m / spec.tile.m), static_cast<std::uint32_t>(spec.n / spec.tile.n), 1};
    header.block = {static_cast<std::uint32_t>(g.warps * 32), 1, 1};
    header.shmem = static_cast<std::uint32_t>(g.stage_bytes * static_cast<std::uint64_t>(spec.stages));
    header.nregs = static_cast<std::uint32_t>(align_up(static_cast<std::uint64_t>(g.registers), 8));
    header.binary_version = 80;
    header.shmem_base_addr = g.shmem_base;
    header.local_mem_base_addr = 0x00007f7000000000ULL;
    header.nvbit_version = "none (generated by stcsim trace gen)";
    header.tracer_version = 5;
    header.stcsim_version = kStcsimTraceVersion;

    const std::string path = (std::filesystem::path(dir) / kernel_file).string();
    TraceWriter writer(path, header);
    OpcodeTable opcodes;
    GemmWarpProgram program(g, opcodes);
    std::vector<TraceInstruction> warp_instructions;
    GemmTraceResult result;
    for (std::uint32_t y = 0; y < header.grid.y; ++y)
        for (std::uint32_t x = 0; x < header.grid.x; ++x) {
            writer.begin_block({x, y, 0});
            for (int w = 0; w < g.warps; ++w) {
                warp_instructions.clear();
                result.mma_instructions += program.generate(x, y, w, warp_instructions);
                writer.write_warp(static_cast<std::uint32_t>(w), warp_instructions);
            }
            writer.end_block();
            ++result.blocks;
            if (progress) progress(result.blocks, std::uint64_t{header.grid.x} * header.grid.y);
        }
    writer.close();
    result.instructions = writer.instructions_written();
    result.warps_per_block = static_cast<std::uint32_t>(g.warps);
    result.mma_sass = form.sass;
    result.kernel_file = path;

    std::vector<TraceCommand> commands;
    auto memcpy = [&commands](std::uint64_t address, std::uint64_t bytes) {
        commands.push_back({TraceCommand::Kind::memcpy_htod, fmt::format("MemcpyHtoD,0x{:016x},{}", address, bytes), "",
                            address, bytes});
    };
    memcpy(g.a_base, g.a_bytes);
    memcpy(g.b_base, g.b_bytes);
    if (spec.sparse) memcpy(g.e_base, g.e_bytes);
    commands.push_back({TraceCommand::Kind::kernel, kernel_file, path, 0, 0});
    write_kernelslist((std::filesystem::path(dir) / "kernelslist.g").string(), commands);
    return result;
}

}  // namespace stcsim::trace
