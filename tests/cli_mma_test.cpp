// End-to-end tests of `stcsim mma`: the fixed command-line form, its output, and its errors.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "isa/packing.h"
#include "run_command.h"

namespace stcsim::testing {
namespace {

using nlohmann::json;

const std::string kSparseF16 = "mma --arch sm_80 --instr 'mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32'";
const std::string kDenseF16 = "mma --arch sm_80 --instr 'mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16'";

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

json zeros(int rows, int cols) { return json::array_t(static_cast<std::size_t>(rows), json::array_t(static_cast<std::size_t>(cols), 0)); }

json sparse_case() {
    json a = zeros(16, 32), b = zeros(32, 8), c = zeros(16, 8);
    for (int r = 0; r < 16; ++r) { a[r][4 * (r % 8) + 1] = 1.5; a[r][4 * (r % 8) + 3] = -2; }
    for (int k = 0; k < 32; ++k) for (int n = 0; n < 8; ++n) b[k][n] = (k + n) % 5 - 2;
    return {{"a", a}, {"b", b}, {"c", c}};
}

// The shipped example: every D element equals the exact product computed here from the logical
// matrices (its values are exactly representable, so this checks layouts and metadata end to end).
TEST(CliMma, ExampleFileGivesTheExactProducts) {
    const std::string path = std::string(STCSIM_SOURCE_DIR) + "/examples/mma/sparse_f16_m16n8k32.jsonl";
    const CommandResult r = run_stcsim(kSparseF16 + " --input " + path);
    ASSERT_EQ(r.status, 0) << r.err;
    std::ifstream in(path);
    const auto outputs = lines_of(r.out);
    std::size_t index = 0;
    for (std::string line; std::getline(in, line); ++index) {
        ASSERT_LT(index, outputs.size());
        const json input = json::parse(line), d = json::parse(outputs[index]).at("d");
        ASSERT_EQ(d.size(), 16u);
        for (int m = 0; m < 16; ++m)
            for (int n = 0; n < 8; ++n) {
                double expected = input["c"][m][n].get<double>();
                for (int k = 0; k < 32; ++k) expected += input["a"][m][k].get<double>() * input["b"][k][n].get<double>();
                const std::string hex = d[m][n].get<std::string>();
                ASSERT_EQ(hex.size(), 10u);
                const auto bits = static_cast<std::uint32_t>(std::stoul(hex.substr(2), nullptr, 16));
                EXPECT_EQ(isa::to_double(isa::ElemType::f32, bits), expected) << "case " << index << " d[" << m << "][" << n << "]";
            }
    }
    EXPECT_EQ(index, outputs.size());
    EXPECT_EQ(index, 2u);
}

TEST(CliMma, DenseIdentityReturnsBInF16Hex) {
    json a = zeros(16, 16), b = zeros(16, 8), c = zeros(16, 8);
    for (int i = 0; i < 16; ++i) a[i][i] = 1;
    b[3][2] = 2.5;
    b[0][0] = "0x3c00";
    const CommandResult r = run_stcsim(kDenseF16 + " --input -", json{{"a", a}, {"b", b}, {"c", c}}.dump() + "\n");
    ASSERT_EQ(r.status, 0) << r.err;
    const json d = json::parse(r.out).at("d");
    EXPECT_EQ(d[0][0], "0x3c00");
    EXPECT_EQ(d[3][2], "0x4100");
    EXPECT_EQ(d[15][7], "0x0000");
}

// The same case given as raw fragments (built with the library's own packing) gives the same D.
TEST(CliMma, RawFragmentsAndLogicalMatricesAgree) {
    const json logical = sparse_case();
    const isa::MmaForm form = isa::parse_mma("mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32", isa::Arch::sm_80);
    isa::Matrix a(isa::ElemType::f16, 16, 32), b(isa::ElemType::f16, 32, 8), c(isa::ElemType::f32, 16, 8);
    for (int r = 0; r < 16; ++r) for (int k = 0; k < 32; ++k) a.at(r, k) = *isa::encode_exact(a.type, logical["a"][r][k].get<double>());
    for (int k = 0; k < 32; ++k) for (int n = 0; n < 8; ++n) b.at(k, n) = *isa::encode_exact(b.type, logical["b"][k][n].get<double>());
    const isa::PackedSparseA packed = isa::pack_sparse_a(form, a, 1);
    const auto lanes = [](const isa::WarpFragment& f) {
        json out = json::array();
        for (int lane = 0; lane < 32; ++lane) {
            json regs = json::array();
            for (int reg = 0; reg < f.regs_per_lane; ++reg) regs.push_back(f.at(lane, reg));
            out.push_back(regs);
        }
        return out;
    };
    const json raw = {{"fragments", {{"a", lanes(packed.values)},
                                     {"b", lanes(isa::to_fragment(form, isa::Operand::B, b))},
                                     {"c", lanes(isa::to_fragment(form, isa::Operand::C, c))},
                                     {"e", packed.metadata}}},
                      {"selector", 1}};
    json logical1 = logical;
    logical1["selector"] = 1;
    const CommandResult r = run_stcsim(kSparseF16 + " --input -", logical1.dump() + "\n" + raw.dump() + "\n");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto out = lines_of(r.out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0], out[1]);
}

void expect_error(const std::string& args, const std::string& input, int status, const std::string& fragment) {
    const CommandResult r = run_stcsim(args, input);
    EXPECT_EQ(r.status, status) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << "stderr: " << r.err;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << "stderr: " << r.err;
}

TEST(CliMma, BadInputGetsAOneLineErrorNamingThePlace) {
    const std::string good = sparse_case().dump() + "\n";
    expect_error(kSparseF16 + " --input -", good + "{\"a\": [1,\n", 1, "<stdin>:2: malformed JSON");

    json dense_row = sparse_case();
    dense_row["a"][1][4] = 1;  // row 1 already holds values at columns 5 and 7
    expect_error(kSparseF16 + " --input -", dense_row.dump(), 1, "a row 1, columns 4..7: 3 non-zero values");

    json inexact = sparse_case();
    inexact["b"][0][1] = 0.1;
    expect_error(kSparseF16 + " --input -", inexact.dump(), 1, "b[0][1]: 0.1 is not exactly representable as f16");

    json small = sparse_case();
    small["a"] = zeros(16, 16);
    expect_error(kSparseF16 + " --input -", small.dump(), 1, "a must be a 16 x 32 array of rows");

    json bad_selector = sparse_case();
    bad_selector["selector"] = 2;
    expect_error(kSparseF16 + " --input -", bad_selector.dump(), 1, "selector 2 is illegal for m16n8k32: legal values are 0..1");

    json unknown = sparse_case();
    unknown["d"] = 1;
    expect_error(kSparseF16 + " --input -", unknown.dump(), 1, "unknown key 'd'");

    expect_error(kSparseF16 + " --input -", "{\"selector\": 1e400}\n", 1, "<stdin>:1: malformed JSON");

    json bad_hex = sparse_case();
    bad_hex["c"][0][0] = "0x1234567890";
    expect_error(kSparseF16 + " --input -", bad_hex.dump(), 1, "c[0][0]");
}

TEST(CliMma, InvalidMetadataIsRejectedOrEmulated) {
    json lanes = json::array();
    for (int lane = 0; lane < 32; ++lane) lanes.push_back({0, 0, 0, 0});
    json e = json::array();
    for (int lane = 0; lane < 32; ++lane) e.push_back("0xeeeeeeee");
    e[4] = "0xeeeeeee5";  // row 1, columns 0..3: both indices 1
    const json raw = {{"fragments", {{"a", lanes}, {"b", lanes}, {"c", lanes}, {"e", e}}}};
    expect_error(kSparseF16 + " --input -", raw.dump(), 1,
                 "metadata lane 4 bits 3:0 (A row 1, columns 0..3): nibble 0x5");
    const CommandResult mux = run_stcsim(kSparseF16 + " --invalid-metadata=mux --input -", raw.dump());
    EXPECT_EQ(mux.status, 0) << mux.err;
}

TEST(CliMma, BadUsageAndIllegalInstructions) {
    expect_error("mma --arch sm_70 --instr mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 --input -", "", 2, "unknown --arch 'sm_70'");
    expect_error("mma --arch sm_80 --instr 'mma.sp.sync.aligned.m16n8k64.row.col.f32.e4m3.e4m3.f32' --input -", "", 1,
                 "needs sm_89 or later");
    expect_error("mma --arch sm_80 --input -", "", 2, "instr");
    expect_error(kSparseF16 + " --input /nonexistent/cases.jsonl", "", 1, "/nonexistent/cases.jsonl: cannot open");
    const CommandResult help = run_stcsim("mma --help");
    EXPECT_EQ(help.status, 0);
}

}  // namespace
}  // namespace stcsim::testing
