// Integer semantics of the SASS emulator, checked without a GPU: the kernels of
// tests/int_kernels.cu store to out[(unsigned)f(ids, params)]; the emulated store addresses must
// equal f evaluated on the host, in every thread of every CTA. Needs the cubin that the build
// compiles with nvcc and cuobjdump (scripts/setup.sh installs it into .venv); skipped, with the
// reason, when either is missing.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "isa/sass/disassembler.h"
#include "isa/sass/emulator.h"
#include "isa/sass/parser.h"
#include "isa/sass/program.h"
#include "isa/sass/semantics.h"
#include "tools/cuda_tools.h"

namespace stcsim::isa::sass {
namespace {

// Host versions of the CUDA intrinsics the cases use (CUDA Math API semantics).
int min(int x, int y) { return x < y ? x : y; }
int max(int x, int y) { return x > y ? x : y; }
unsigned umin(unsigned x, unsigned y) { return x < y ? x : y; }
unsigned umax(unsigned x, unsigned y) { return x > y ? x : y; }
int abs(int x) { return x < 0 ? -x : x; }
int __popc(unsigned x) { return std::popcount(x); }
int __popcll(unsigned long long x) { return std::popcount(x); }
int __clz(int x) { return std::countl_zero(static_cast<unsigned>(x)); }
int __ffs(int x) { return x == 0 ? 0 : std::countr_zero(static_cast<unsigned>(x)) + 1; }
unsigned __brev(unsigned x) {
    unsigned r = 0;
    for (int i = 0; i < 32; ++i) r |= ((x >> i) & 1u) << (31 - i);
    return r;
}
unsigned __byte_perm(unsigned x, unsigned y, unsigned s) {
    const unsigned long long bytes = (static_cast<unsigned long long>(y) << 32) | x;
    unsigned r = 0;
    for (int i = 0; i < 4; ++i) r |= static_cast<unsigned>((bytes >> (8 * ((s >> (4 * i)) & 7u))) & 0xffu) << (8 * i);
    return r;
}
unsigned __umulhi(unsigned x, unsigned y) { return static_cast<unsigned>((static_cast<unsigned long long>(x) * y) >> 32); }
int __mulhi(int x, int y) { return static_cast<int>((static_cast<long long>(x) * y) >> 32); }

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-variable"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "isa/sass/tests/int_cases.h"

struct Ids {
    int tx, ty, cx, cy, t, c;
};
constexpr int kA = 13, kB = 6;
constexpr unsigned kU = 0xdeadbeefu;
constexpr long long kW = -123456789012LL;
constexpr std::uint64_t kOut = 0x0000700000000000ULL;

using HostCase = std::function<unsigned(const Ids&)>;
#define STCSIM_HOST_CASE(name, expr)                                                               \
    {#name, [](const Ids& ids) -> unsigned {                                                       \
         const int tx = ids.tx, ty = ids.ty, cx = ids.cx, cy = ids.cy, t = ids.t, c = ids.c;       \
         const int a = kA, b = kB;                                                                 \
         const unsigned u = kU;                                                                    \
         const long long w = kW;                                                                   \
         return (unsigned)(expr);                                                                  \
     }},
const std::map<std::string, HostCase> kCases = {STCSIM_INT_CASES(STCSIM_HOST_CASE)};
#pragma GCC diagnostic pop

// Cases whose value needs the other lanes of the warp or the CTA (block 32 x 3: lane = tx).
unsigned warp_case(const std::string& name, const Ids& id, int threads) {
    const int lane = id.t & 31, base = id.t - lane;
    if (name == "shfl_idx") return static_cast<unsigned>((base + ((id.t + 1) & 31)) * 3 + kA);
    if (name == "shfl_xor") return static_cast<unsigned>((base + (lane ^ 5)) * 5);
    if (name == "shfl_up_down") {
        const int up = lane < 3 ? id.t : id.t - 3;
        const int down = (lane % 16) + 2 < 16 ? id.t + 2 : id.t;
        return static_cast<unsigned>(up * 100 + down);
    }
    if (name == "ballot") {
        unsigned bits = 0;
        for (int l = 0; l < 32; ++l) bits |= ((base + l) % 3 == 0 ? 1u : 0u) << l;
        return bits ^ static_cast<unsigned>(id.t);
    }
    if (name == "vote_any_all") {
        const bool any = kA >= base && kA < base + 32;
        return static_cast<unsigned>((any ? 2 : 0) + 1);
    }
    if (name == "shared_readback") {
        const int s = ((id.t + 33) % threads) * kA;
        const int h = (((id.t + 5) % threads) * 1000 + 7) & 0xffff;
        return static_cast<unsigned>(s + h);
    }
    ADD_FAILURE() << "no host evaluation for " << name;
    return 0;
}

constexpr const char* kWarpCases[] = {"shfl_idx", "shfl_xor", "shfl_up_down", "ballot", "vote_any_all", "shared_readback"};

std::vector<std::uint8_t> params() {
    std::vector<std::uint8_t> p(32, 0);
    std::memcpy(p.data(), &kOut, 8);
    std::memcpy(p.data() + 8, &kA, 4);
    std::memcpy(p.data() + 12, &kB, 4);
    std::memcpy(p.data() + 16, &kU, 4);
    std::memcpy(p.data() + 24, &kW, 8);
    return p;
}

// Records each thread's store addresses.
class Stores final : public InstructionSink {
public:
    std::map<std::pair<std::uint64_t, std::uint32_t>, std::vector<std::uint64_t>> by_thread;  // (cta, thread)
    std::set<std::string> opcodes;
    std::uint64_t cta = 0;
    Dim grid;
    void begin_cta(const Dim& id, std::uint32_t) override { cta = id.x + std::uint64_t{id.y} * grid.x; }
    void executed(std::uint32_t warp, std::uint32_t, const Decoded& d, std::uint32_t mask,
                  const std::array<std::uint64_t, kLanes>& addresses) override {
        opcodes.insert(d.inst->base);
        if (d.inst->base != "STG") return;
        for (int lane = 0; lane < kLanes; ++lane)
            if ((mask >> lane) & 1u)
                by_thread[{cta, warp * 32 + static_cast<std::uint32_t>(lane)}].push_back(
                    addresses[static_cast<std::size_t>(lane)]);
    }
    void end_cta() override {}
};

class IntSemantics : public ::testing::Test {
protected:
    // The kernels compiled for each architecture of STCSIM_SASS_TEST_CUBINS (sm_80, sm_86, sm_90).
    static void SetUpTestSuite() {
        const std::string cubin = STCSIM_SASS_TEST_CUBIN;
        if (cubin.empty() || !std::filesystem::exists(cubin)) {
            skip_ = "the test kernels were not compiled (no nvcc at configure time)";
            return;
        }
        const auto tool = cli::locate_cuda_tool("cuobjdump");
        if (!tool) {
            skip_ = "cuobjdump not found (scripts/setup.sh installs nvidia-cuda-cuobjdump into .venv)";
            return;
        }
        listing_ = run_tool(*tool, {"-sass", cubin});
        resources_ = run_tool(*tool, {"-res-usage", cubin});
        std::string all = STCSIM_SASS_TEST_CUBINS;
        while (!all.empty()) {
            const std::size_t semi = all.find(',');
            const std::string path = all.substr(0, semi);
            all = semi == std::string::npos ? "" : all.substr(semi + 1);
            if (path.empty() || !std::filesystem::exists(path)) continue;
            listings_.push_back({path, run_tool(*tool, {"-sass", path}), run_tool(*tool, {"-res-usage", path})});
        }
    }
    void SetUp() override {
        if (!skip_.empty()) GTEST_SKIP() << skip_;
    }

    // Runs `kernel` on a grid of 3 x 2 CTAs of `block` threads and checks every thread's store.
    void check(const std::string& kernel, Dim block, const std::function<unsigned(const Ids&)>& f) {
        for (const auto& l : listings_) check_one(l, kernel, block, f);
    }
    struct Listing {
        std::string path, sass, resources;
    };
    void check_one(const Listing& l, const std::string& kernel, Dim block, const std::function<unsigned(const Ids&)>& f) {
        KernelCode code = kernel_from_listing(l.sass, l.resources, kernel, "", l.path);
        const std::string code_arch = code.arch;
        Launch launch{{3, 2, 1}, block, 0, params(), nullptr};
        Program program(std::move(code), launch);
        Emulator emulator(program);
        Stores stores;
        stores.grid = launch.grid;
        for (std::uint32_t cy = 0; cy < 2; ++cy)
            for (std::uint32_t cx = 0; cx < 3; ++cx) emulator.run_cta({cx, cy, 1}, stores);
        for (const auto& op : stores.opcodes) covered_.insert(op);
        int failures = 0;
        for (int cy = 0; cy < 2; ++cy)
            for (int cx = 0; cx < 3; ++cx)
                for (int ty = 0; ty < static_cast<int>(block.y); ++ty)
                    for (int tx = 0; tx < static_cast<int>(block.x); ++tx) {
                        const Ids ids{tx, ty, cx, cy, tx + ty * static_cast<int>(block.x), cx + cy * 3};
                        const auto key = std::make_pair(static_cast<std::uint64_t>(cx + cy * 3),
                                                        static_cast<std::uint32_t>(ids.t));
                        const auto it = stores.by_thread.find(key);
                        const std::uint64_t expected = kOut + 4ull * f(ids);
                        if (it == stores.by_thread.end() || it->second.size() != 1 || it->second[0] != expected) {
                            if (++failures <= 3)
                                ADD_FAILURE() << kernel << " (" << code_arch << "): CTA (" << cx << "," << cy << ") thread (" << tx << ","
                                              << ty << "): expected address 0x" << std::hex << expected << ", got "
                                              << (it == stores.by_thread.end() || it->second.empty()
                                                      ? std::string("no store")
                                                      : "0x" + [&] {
                                                            std::ostringstream s;
                                                            s << std::hex << it->second[0];
                                                            return s.str();
                                                        }());
                        }
                    }
        EXPECT_EQ(failures, 0) << kernel << " (" << code_arch << ")";
    }

    static inline std::string skip_, listing_, resources_;
    static inline std::vector<Listing> listings_;
    static inline std::set<std::string> covered_;
};

TEST_F(IntSemantics, CompiledExpressionsFullWarps) {
    for (const auto& [name, f] : kCases) check(name, {32, 3, 1}, f);
}

TEST_F(IntSemantics, CompiledExpressionsPartialWarp) {
    for (const auto& [name, f] : kCases) check(name, {40, 2, 1}, f);  // the third warp has 16 threads
}

TEST_F(IntSemantics, WarpAndSharedMemoryCases) {
    for (const char* name : kWarpCases)
        check(name, {32, 3, 1}, [&](const Ids& ids) { return warp_case(name, ids, 96); });
}

// nvdisasm (on the cubin) and cuobjdump give the same instructions, branch targets included.
TEST_F(IntSemantics, NvdisasmAgreesWithCuobjdump) {
    const auto nvdisasm = cli::locate_cuda_tool("nvdisasm");
    if (!nvdisasm) GTEST_SKIP() << "nvdisasm not found (scripts/setup.sh installs nvidia-cuda-nvdisasm into .venv)";
    const auto from_nvdisasm = parse_nvdisasm_listing(run_tool(*nvdisasm, {"-c", STCSIM_SASS_TEST_CUBIN}));
    const auto from_cuobjdump = parse_listing(listing_);
    std::map<std::string, const Function*> by_name;
    for (const Function& f : from_cuobjdump) by_name[f.name] = &f;
    ASSERT_EQ(from_nvdisasm.size(), from_cuobjdump.size());
    for (const Function& f : from_nvdisasm) {
        ASSERT_TRUE(by_name.count(f.name)) << f.name;
        const Function& g = *by_name[f.name];
        ASSERT_EQ(f.instructions.size(), g.instructions.size()) << f.name;
        for (std::size_t i = 0; i < f.instructions.size(); ++i) {
            const Instruction &a = f.instructions[i], &b = g.instructions[i];
            EXPECT_EQ(a.opcode, b.opcode) << f.name << " " << a.text;
            ASSERT_EQ(a.operands.size(), b.operands.size()) << f.name << " " << a.text << " / " << b.text;
            for (std::size_t k = 0; k < a.operands.size(); ++k) {
                EXPECT_EQ(a.operands[k].kind, b.operands[k].kind) << a.text << " / " << b.text;
                if (a.operands[k].kind == OperandKind::imm) {
                    EXPECT_EQ(a.operands[k].imm, b.operands[k].imm) << a.text;
                }
            }
        }
    }
}

// Every opcode the emulator computes values for appears in a compiled case, or in a SASS listing of
// emulator_test.cpp (those that nvcc does not emit from plain C++; the list names them).
TEST_F(IntSemantics, CoversEveryEmulatedOpcode) {
    for (const auto& [name, f] : kCases) check(name, {32, 1, 1}, f);
    for (const char* name : kWarpCases)
        check(name, {32, 3, 1}, [&](const Ids& ids) { return warp_case(name, ids, 96); });
    const std::set<std::string> by_listing = {"UIMAD", "ULEA", "UIMNMX", "UPOPC", "UFLO", "UBREV", "BMSK", "UBMSK",
                                              "SGXT", "USGXT", "IABS", "SHL", "USHL", "SHR", "USHR", "UPRMT",
                                              "UPLOP3", "PLOP3", "R2P", "P2R", "FMNMX", "FSEL", "FSETP", "HFMA2",
                                              "HADD2", "HMUL2", "LDC", "R2UR", "VOTEU", "USEL", "ULOP3", "UISETP",
                                              "USHF", "UIADD3", "UMOV", "S2UR", "CS2R", "MUFU", "FADD", "FMUL",
                                              "F2F", "F2FP", "FRND", "IMNMX", "POPC", "FLO", "BREV", "PRMT",
                                              "ELECT"};  // ELECT: emulator_async_test.cpp
    std::vector<std::string> missing;
    for (const Semantics* s : all_semantics()) {
        if (s->kind != Kind::alu) continue;
        const std::string base(s->base);
        if (!covered_.count(base) && !by_listing.count(base)) missing.push_back(base);
    }
    EXPECT_TRUE(missing.empty()) << "opcodes without a compiled case: " << ::testing::PrintToString(missing);
}

}  // namespace
}  // namespace stcsim::isa::sass
