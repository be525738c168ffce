// Bit-exact check of the block fused-dot-add model against outputs of real GPUs: every one of the
// 5000 tests of each set in shared/reference/tensor-core-numerics (see its README) must match.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "isa/arithmetic.h"

namespace stcsim::isa {
namespace {

struct NumericsSet {
    const char* gpu;     // folder and file-name tag: A100, A2, H100
    Arch arch;
    const char* format;  // fp16, bf16, tf32
    ElemType ab_type;
    bool f16_result;     // d_<GPU>_fp16.txt instead of d_<GPU>_fp32.txt
};

struct Vector {
    std::vector<Product> products;
    std::uint32_t c_bits = 0;  // fp32
    std::uint32_t d_bits = 0;  // fp32 (an f16 result widened exactly)
};

std::string set_dir(const NumericsSet& set) {
    return fmt::format("{}/reference/tensor-core-numerics/{}/{}/", STCSIM_SHARED_DIR, set.gpu,
                       set.format);
}

std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << "cannot open " << path;
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// An fp32 word holding an fp16/bf16/tf32 value exactly, as the raw bits of that type.
std::uint32_t narrow_exactly(ElemType type, std::uint32_t f32_word) {
    const auto bits = encode_exact(type, to_double(ElemType::f32, f32_word));
    EXPECT_TRUE(bits.has_value()) << fmt::format("{:08x} is not a {} value", f32_word, name(type));
    return bits.value_or(0);
}

std::vector<std::uint32_t> hex_words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::uint32_t> words;
    for (std::string word; in >> word;) {
        words.push_back(static_cast<std::uint32_t>(std::stoul(word, nullptr, 16)));
    }
    return words;
}

std::vector<Vector> load_set(const NumericsSet& set) {
    const std::string dir = set_dir(set);
    const auto a = read_lines(fmt::format("{}a_{}_{}.txt", dir, set.gpu, set.format));
    const auto b = read_lines(fmt::format("{}b_{}_{}.txt", dir, set.gpu, set.format));
    const auto c = read_lines(fmt::format("{}c_{}_fp32.txt", dir, set.gpu));
    const auto d = read_lines(
        fmt::format("{}d_{}_{}.txt", dir, set.gpu, set.f16_result ? "fp16" : "fp32"));
    EXPECT_EQ(a.size(), 5000u);
    if (a.size() != b.size() || a.size() != c.size() || a.size() != d.size()) {
        ADD_FAILURE() << "files of " << dir << " differ in length";
        return {};
    }
    std::vector<Vector> vectors(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto a_words = hex_words(a[i]);
        const auto b_words = hex_words(b[i]);
        EXPECT_EQ(a_words.size(), b_words.size()) << "line " << i + 1;
        for (std::size_t k = 0; k < std::min(a_words.size(), b_words.size()); ++k) {
            vectors[i].products.push_back({narrow_exactly(set.ab_type, a_words[k]),
                                           narrow_exactly(set.ab_type, b_words[k])});
        }
        vectors[i].c_bits = static_cast<std::uint32_t>(std::stoul(c[i], nullptr, 2));
        vectors[i].d_bits = static_cast<std::uint32_t>(std::stoul(d[i], nullptr, 2));
    }
    return vectors;
}

// The model's D for one vector, as fp32 bits (an f16 D widened exactly, as in the files).
std::uint32_t model_d(const NumericsSet& set, const Vector& v) {
    const BlockFmaModel model = block_fma_model(set.arch, set.ab_type, false);
    if (!set.f16_result) {
        return fused_dot_add(set.ab_type, ElemType::f32, ElemType::f32, v.products, v.c_bits,
                             model);
    }
    // The f16 instruction form: C and D f16, C rounded from the file's fp32 value.
    const std::uint32_t d16 = fused_dot_add(set.ab_type, ElemType::f16, ElemType::f16, v.products,
                                            f32_to_f16_rne(v.c_bits), model);
    if (d16 == 0x7fffu) return 0x7fffffffu;
    return encode_exact(ElemType::f32, to_double(ElemType::f16, d16)).value_or(0);
}

std::string describe(const NumericsSet& set, std::size_t index, const Vector& v,
                     std::uint32_t got) {
    std::string text = fmt::format("test {} (line {}):", index, index + 1);
    for (const Product& p : v.products) text += fmt::format(" {:x}*{:x}", p.a, p.b);
    return text + fmt::format(" + C {:08x}: expected {:08x}, got {:08x} ({} D)", v.c_bits,
                              v.d_bits, got, set.f16_result ? "f16" : "f32");
}

class TensorCoreNumerics : public testing::TestWithParam<NumericsSet> {};

TEST_P(TensorCoreNumerics, EveryVectorMatchesBitForBit) {
    const NumericsSet& set = GetParam();
    const std::vector<Vector> vectors = load_set(set);
    ASSERT_EQ(vectors.size(), 5000u) << "test vectors missing under " << set_dir(set);
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < vectors.size(); ++i) {
        const std::uint32_t got = model_d(set, vectors[i]);
        if (got == vectors[i].d_bits) continue;
        if (++mismatches <= 5) ADD_FAILURE() << describe(set, i, vectors[i], got);
    }
    EXPECT_EQ(mismatches, 0u) << "of " << vectors.size() << " tests";
}

constexpr NumericsSet kSets[] = {
    {"A100", Arch::sm_80, "fp16", ElemType::f16, false},
    {"A100", Arch::sm_80, "fp16", ElemType::f16, true},
    {"A100", Arch::sm_80, "bf16", ElemType::bf16, false},
    {"A100", Arch::sm_80, "tf32", ElemType::tf32, false},
    {"A2", Arch::sm_86, "fp16", ElemType::f16, false},
    {"A2", Arch::sm_86, "fp16", ElemType::f16, true},
    {"A2", Arch::sm_86, "bf16", ElemType::bf16, false},
    {"A2", Arch::sm_86, "tf32", ElemType::tf32, false},
    {"H100", Arch::sm_90, "fp16", ElemType::f16, false},
    {"H100", Arch::sm_90, "fp16", ElemType::f16, true},
    {"H100", Arch::sm_90, "bf16", ElemType::bf16, false},
    {"H100", Arch::sm_90, "tf32", ElemType::tf32, false},
};

INSTANTIATE_TEST_SUITE_P(RealGpus, TensorCoreNumerics, testing::ValuesIn(kSets),
                         [](const testing::TestParamInfo<NumericsSet>& set_info) {
                             return fmt::format("{}_{}_{}", set_info.param.gpu, set_info.param.format,
                                                set_info.param.f16_result ? "f16D" : "f32D");
                         });

}  // namespace
}  // namespace stcsim::isa
