// Compiled GEMMs traced through the SASS front end (`stcsim trace gen gemm`): CUTLASS's (the default
// --impl cutlass, sm_80 and sm_90) and validation/gemm_bench's (--impl bench, sm_80 and sm_90), f16 and bf16,
// dense and sparse, 256 x 256 x 1024, checked against the kernel's own SASS and its tiling:
// - the trace holds exactly M*N*K / (m*n*k) MMA instructions;
// - per warp and main-loop iteration, the opcodes traced are exactly the multiset of the loop
//   body's opcodes as cuobjdump shows it (every instruction of the body, predicated off or not);
// - every global address falls in A, B, the metadata E or D, every shared address in the CTA's
//   shared memory, and each 16-byte chunk of A, B and E is loaded (cp.async) as many times as the
//   tiling implies (A and E once per CTA column, B once per CTA row), each chunk of D stored once
//   (counted in bytes: gemm_bench stores D 8 bytes at a time).
// Needs the program (nvcc; CUTLASS's headers for cutlass_gemm) and cuobjdump; skipped otherwise.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "isa/sass/disassembler.h"
#include "isa/sass/parser.h"
#include "run_command.h"
#include "sim/trace/trace_reader.h"
#include "tools/cuda_tools.h"

namespace stcsim {
namespace {

struct Range {
    std::uint64_t base = 0, bytes = 0;
    bool contains(std::uint64_t a, std::uint64_t n) const { return a >= base && a + n <= base + bytes; }
};

struct LoopBody {
    std::uint64_t first = 0, last = 0;  // PCs: the branch target and the backward branch
    std::map<std::string, std::uint64_t> opcodes;
};

// The main loop: the backward branch whose body holds the most MMA instructions.
[[maybe_unused]] LoopBody main_loop(const isa::sass::KernelCode& code) {
    LoopBody best;
    std::uint64_t best_mma = 0;
    for (const auto& inst : code.instructions) {
        if (inst.base != "BRA" || inst.operands.empty() || inst.operands.back().kind != isa::sass::OperandKind::imm) continue;
        const auto target = static_cast<std::uint64_t>(inst.operands.back().imm);
        if (target >= inst.pc) continue;
        LoopBody body{target, inst.pc, {}};
        std::uint64_t mma = 0;
        for (const auto& i : code.instructions)
            if (i.pc >= target && i.pc <= inst.pc) {
                ++body.opcodes[i.opcode];
                if (i.base == "HMMA") ++mma;
            }
        if (mma > best_mma) best = body, best_mma = mma;
    }
    return best;
}

// The programs this build made ("" when it did not make one).
#ifdef STCSIM_CUTLASS_GEMM
constexpr const char* kCutlassGemm = STCSIM_CUTLASS_GEMM;
#else
constexpr const char* kCutlassGemm = "";
#endif
#ifdef STCSIM_GEMM_BENCH
constexpr const char* kGemmBench = STCSIM_GEMM_BENCH;
#else
constexpr const char* kGemmBench = "";
#endif

struct Case {
    const char* impl;     // cutlass or bench
    const char* variant;  // "sparse_f16", "dense_bf16", ...
    const char* arch;     // the SASS traced
};

std::string program_of(const Case& c) { return std::string(c.impl) == "cutlass" ? kCutlassGemm : kGemmBench; }

class GemmProgramTrace : public ::testing::TestWithParam<Case> {
protected:
    void SetUp() override {
        if (program_of(GetParam()).empty())
            GTEST_SKIP() << "the " << GetParam().impl << " program was not built (needs nvcc; CUTLASS's headers of scripts/setup.sh)";
        if (!cli::locate_cuda_tool("cuobjdump")) GTEST_SKIP() << "cuobjdump not found (scripts/setup.sh installs it)";
    }
};
class CutlassTrace : public GemmProgramTrace {};

TEST_P(GemmProgramTrace, MatchesTheKernelsSassAndTiling) {
    const Case c = GetParam();
    const std::string variant = c.variant;
    const bool sparse = variant.rfind("sparse", 0) == 0;
    const std::string dtype = variant.substr(variant.find('_') + 1);
    const std::string dir = std::string(STCSIM_TEST_TMP_DIR) + "/" + c.impl + "_" + c.arch + "_" + variant;
    std::filesystem::remove_all(dir);
    const testing::CommandResult r = testing::run_stcsim(fmt::format(
        "trace gen gemm --impl {} --arch {} --m 256 --n 256 --k 1024 --dtype {} {}--out {}", c.impl, c.arch, dtype,
        sparse ? "--sparse " : "", dir));
    ASSERT_EQ(r.status, 0) << r.err;
    const nlohmann::json summary = nlohmann::json::parse(r.out);
    const nlohmann::json& launch = summary["launch"];
    const std::string kernel = launch["kernel"];

    // The kernel's loop body, from cuobjdump.
    const std::string tool = *cli::locate_cuda_tool("cuobjdump");
    const isa::sass::KernelCode code = isa::sass::kernel_from_listing(
        isa::sass::run_tool(tool, {"-arch", c.arch, "-sass", program_of(c)}), "", kernel, c.arch, program_of(c));
    const LoopBody body = main_loop(code);
    ASSERT_GT(body.last, body.first);

    std::map<std::string, Range> buffers;
    for (const char* name : {"A", "B", "E", "D"})
        buffers[name] = {launch["buffers"][name][0].get<std::uint64_t>(), launch["buffers"][name][1].get<std::uint64_t>()};
    std::map<std::string, std::map<std::uint64_t, std::uint64_t>> chunks;  // buffer -> 16-byte chunk -> bytes accessed
    // The CTA's shared window as the trace header gives it: the dynamic shared memory of the launch,
    // after the 1 KB the architecture reserves on sm_90.
    const std::uint64_t smem_launch = launch["smem"];

    trace::TraceReader reader(dir + "/kernel-1.traceg");
    trace::ThreadBlockTrace block;
    std::uint64_t mma = 0, iterations_total = 0;
    std::map<std::string, std::uint64_t> per_iteration_reported;
    const std::uint64_t smem = reader.header().shmem;
    EXPECT_GE(smem, smem_launch);
    EXPECT_LE(smem, smem_launch + 1024);
    while (reader.next_block(block)) {
        for (std::size_t w = 0; w < block.warps.size(); ++w) {
            std::map<std::string, std::uint64_t> in_loop;
            std::map<std::uint64_t, std::uint64_t> pc_count;
            for (const auto& inst : block.warps[w].instructions) {
                if (inst.opcode->is_mma) ++mma;
                if (inst.pc >= body.first && inst.pc <= body.last) {
                    ++in_loop[inst.opcode->full];
                    ++pc_count[inst.pc];
                }
                if (!inst.is_memory()) continue;
                const std::string& base = inst.opcode->base;
                const bool shared = base == "LDS" || base == "STS" || base == "LDSM" || base == "ATOMS";
                const std::uint64_t bytes = base == "LDSM" ? 16 : inst.mem_width;
                for (int lane = 0; lane < 32; ++lane) {
                    if (!inst.lane_active(lane)) continue;
                    if (base == "LDSM" && lane >= 8 * std::stoi(inst.opcode->modifiers.back())) continue;
                    const std::uint64_t a = inst.addresses[static_cast<std::size_t>(lane)];
                    if (shared) {
                        EXPECT_TRUE(a >= reader.header().shmem_base_addr && a + bytes <= reader.header().shmem_base_addr + smem)
                            << inst.opcode->full << " at 0x" << std::hex << a;
                        continue;
                    }
                    std::string in;
                    for (const auto& [name, range] : buffers)
                        if (range.contains(a, bytes)) in = name;
                    ASSERT_FALSE(in.empty()) << inst.opcode->full << " pc 0x" << std::hex << inst.pc << " address 0x" << a
                                             << " is in no matrix";
                    if (base == "LDGSTS" || base == "STG")
                        for (std::uint64_t at = a - buffers[in].base; at < a - buffers[in].base + bytes; ++at)
                            ++chunks[in][at / 16];
                }
            }
            // Every PC of CUTLASS's loop body runs as often as its backward branch: N iterations,
            // and the opcodes traced there are N times the body's. (gemm_bench's body holds the
            // cp.async loops and skips them for the last tiles: its loop is not uniform.)
            const std::uint64_t n = pc_count[body.last];
            ASSERT_GT(n, 0u);
            iterations_total += n;
            if (std::string(c.impl) != "cutlass") continue;
            for (const auto& [op, count] : body.opcodes) EXPECT_EQ(in_loop[op], n * count) << op << " (warp " << w << ")";
            EXPECT_EQ(in_loop.size(), body.opcodes.size());
            for (const auto& [pc, count] : pc_count) EXPECT_EQ(count, n) << "pc 0x" << std::hex << pc;
        }
    }
    EXPECT_EQ(mma, summary["mma_instructions"].get<std::uint64_t>());
    EXPECT_EQ(mma, 256ull * 256 * 1024 / (sparse ? 16 * 8 * 32 : 16 * 8 * 16));

    // Tiling: grid x covers M (reads of A and E repeat per CTA column), y covers N (B per CTA row).
    const std::uint64_t grid_x = launch["grid"][0], grid_y = launch["grid"][1];
    const std::map<std::string, std::uint64_t> expected_reads = {{"A", grid_y}, {"B", grid_x}, {"E", grid_y}, {"D", 1}};
    for (const auto& [name, times] : expected_reads) {
        const std::uint64_t n_chunks = buffers[name].bytes / 16;
        if (n_chunks == 0) continue;
        EXPECT_EQ(chunks[name].size(), n_chunks) << name << ": chunks touched";
        std::uint64_t wrong = 0;
        for (const auto& [chunk, bytes] : chunks[name]) wrong += bytes != 16 * times ? 1 : 0;
        EXPECT_EQ(wrong, 0u) << name << ": chunks not accessed " << times << " times";
    }
    std::uint64_t body_size = 0;
    for (const auto& [op, count] : body.opcodes) body_size += count;
    std::cout << variant << ": " << mma << " MMA, loop body of " << body_size << " instructions, "
              << iterations_total << " warp iterations\n";
}

// Partial tiles (M, N, K not multiples of the CTA tile): CUTLASS's predicated iterators keep every
// access inside the matrices, and the MMAs cover the problem rounded up to whole tiles.
TEST_P(CutlassTrace, PartialTilesStayInsideTheMatrices) {
    const std::string variant = GetParam().variant;
    const bool sparse = variant.rfind("sparse", 0) == 0;
    const std::string dtype = variant.substr(variant.find('_') + 1);
    const std::string dir = std::string(STCSIM_TEST_TMP_DIR) + "/cutlass_partial_" + variant;
    std::filesystem::remove_all(dir);
    const testing::CommandResult r = testing::run_stcsim("trace gen gemm --m 200 --n 136 --k 320 --dtype " + dtype + " " +
                                                         std::string(sparse ? "--sparse " : "") + "--out " + dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const nlohmann::json launch = nlohmann::json::parse(r.out)["launch"];
    std::vector<Range> buffers;
    for (const char* name : {"A", "B", "E", "D"})
        buffers.push_back({launch["buffers"][name][0].get<std::uint64_t>(), launch["buffers"][name][1].get<std::uint64_t>()});
    trace::TraceReader reader(dir + "/kernel-1.traceg");
    trace::ThreadBlockTrace block;
    std::uint64_t mma = 0, global_accesses = 0;
    while (reader.next_block(block))
        for (const auto& warp : block.warps)
            for (const auto& inst : warp.instructions) {
                if (inst.opcode->is_mma && inst.active_mask != 0) ++mma;
                const std::string& base = inst.opcode->base;
                if (!inst.is_memory() || base == "LDS" || base == "STS" || base == "LDSM") continue;
                for (int lane = 0; lane < 32; ++lane) {
                    if (!inst.lane_active(lane)) continue;
                    const std::uint64_t a = inst.addresses[static_cast<std::size_t>(lane)];
                    bool inside = false;
                    for (const Range& b : buffers) inside = inside || b.contains(a, inst.mem_width);
                    EXPECT_TRUE(inside) << inst.opcode->full << " pc 0x" << std::hex << inst.pc << " address 0x" << a;
                    ++global_accesses;
                }
            }
    EXPECT_GT(global_accesses, 0u);
    // Whole tiles: CTAs x 4 warps x k-tiles x (64 x 64 x tile K) / (m x n x k).
    const std::uint64_t ctas = launch["grid"][0].get<std::uint64_t>() * launch["grid"][1].get<std::uint64_t>();
    const std::uint64_t tile_k = launch["tile"][2], mma_k = launch["mma"][2];
    const std::uint64_t k_tiles = (320 + tile_k - 1) / tile_k;
    EXPECT_EQ(mma, ctas * 4 * k_tiles * (64 / 16) * (64 / 8) * (tile_k / mma_k));
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    return fmt::format("{}_{}_{}", info.param.impl, info.param.arch, info.param.variant);
}

INSTANTIATE_TEST_SUITE_P(Gemm, GemmProgramTrace,
                         ::testing::Values(Case{"cutlass", "sparse_f16", "sm_80"}, Case{"cutlass", "dense_f16", "sm_80"},
                                           Case{"cutlass", "sparse_bf16", "sm_80"}, Case{"cutlass", "dense_bf16", "sm_80"},
                                           Case{"cutlass", "sparse_f16", "sm_90"}, Case{"cutlass", "dense_f16", "sm_90"},
                                           Case{"bench", "sparse_f16", "sm_90"}, Case{"bench", "dense_f16", "sm_90"},
                                           Case{"bench", "sparse_bf16", "sm_80"}, Case{"bench", "dense_bf16", "sm_80"}),
                         case_name);
// gemm_bench takes only whole tiles (it rejects the others): partial tiles are CUTLASS's alone.
INSTANTIATE_TEST_SUITE_P(Gemm, CutlassTrace,
                         ::testing::Values(Case{"cutlass", "sparse_f16", "sm_80"}, Case{"cutlass", "dense_f16", "sm_80"},
                                           Case{"cutlass", "sparse_bf16", "sm_80"}, Case{"cutlass", "dense_bf16", "sm_80"}),
                         case_name);

}  // namespace
}  // namespace stcsim
