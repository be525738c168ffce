// End-to-end tests of `stcsim mma` with a warp-group wgmma.mma_async[.sp] on sm_90a.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "isa/wgmma_execute.h"
#include "run_command.h"

namespace stcsim::testing {
namespace {

using nlohmann::json;

const std::string kSparse = "mma --arch sm_90a --instr 'wgmma.mma_async.sp.sync.aligned.m64n16k32.f32.f16.f16'";

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

json first_example_case() {
    std::ifstream in(std::string(STCSIM_SOURCE_DIR) + "/examples/mma/wgmma_sp_f16_m64n16k32.jsonl");
    std::string line;
    std::getline(in, line);
    return json::parse(line);
}

// The shipped example: its values are small binary fractions, so every D element is the exact
// product computed here from the logical matrices (layouts, compression and metadata end to end).
TEST(CliWgmma, ExampleFileGivesTheExactProducts) {
    const std::string path = std::string(STCSIM_SOURCE_DIR) + "/examples/mma/wgmma_sp_f16_m64n16k32.jsonl";
    const CommandResult r = run_stcsim(kSparse + " --input " + path);
    ASSERT_EQ(r.status, 0) << r.err;
    std::ifstream in(path);
    const auto outputs = lines_of(r.out);
    std::size_t index = 0;
    for (std::string line; std::getline(in, line); ++index) {
        ASSERT_LT(index, outputs.size());
        const json input = json::parse(line), d = json::parse(outputs[index]).at("d");
        ASSERT_EQ(d.size(), 64u);
        for (int m = 0; m < 64; ++m)
            for (int n = 0; n < 16; ++n) {
                double expected = input["c"][m][n].get<double>();
                for (int k = 0; k < 32; ++k) expected += input["a"][m][k].get<double>() * input["b"][k][n].get<double>();
                const auto bits = static_cast<std::uint32_t>(std::stoul(d[m][n].get<std::string>().substr(2), nullptr, 16));
                EXPECT_EQ(isa::to_double(isa::ElemType::f32, bits), expected) << "case " << index << " d[" << m << "][" << n << "]";
            }
    }
    EXPECT_EQ(index, 2u);
    EXPECT_EQ(outputs.size(), 2u);
}

std::string hex_bytes(const std::vector<std::uint8_t>& bytes) {
    std::string text;
    for (std::uint8_t byte : bytes) text += fmt::format("{:02x}", byte);
    return text;
}

json registers(const isa::WarpgroupFragment& fragment) {
    json lanes = json::array();
    for (int lane = 0; lane < isa::kWarpgroupSize; ++lane) {
        json regs = json::array();
        for (int reg = 0; reg < fragment.regs_per_lane; ++reg) regs.push_back(fmt::format("0x{:08x}", fragment.at(lane, reg)));
        lanes.push_back(regs);
    }
    return lanes;
}

// The raw form for the example's first case: A and B laid out in a shared-memory image with the
// 128-byte swizzle (A transposed), or A in registers; C and sp-meta in the 128 lanes' registers.
json raw_case(const json& logical, bool a_in_registers) {
    const isa::WgmmaForm form = isa::parse_wgmma("wgmma.mma_async.sp.sync.aligned.m64n16k32.f32.f16.f16", isa::Arch::sm_90a,
                                                 a_in_registers ? isa::WgmmaSource::registers : isa::WgmmaSource::shared);
    isa::Matrix a(isa::ElemType::f16, 64, 32), b(isa::ElemType::f16, 32, 16), c(isa::ElemType::f32, 64, 16);
    for (int m = 0; m < 64; ++m)
        for (int k = 0; k < 32; ++k) a.at(m, k) = *isa::encode_exact(a.type, logical["a"][m][k].get<double>());
    for (int k = 0; k < 32; ++k)
        for (int n = 0; n < 16; ++n) b.at(k, n) = *isa::encode_exact(b.type, logical["b"][k][n].get<double>());
    for (int m = 0; m < 64; ++m)
        for (int n = 0; n < 16; ++n) c.at(m, n) = *isa::encode_exact(c.type, logical["c"][m][n].get<double>());
    const isa::PackedWgmmaA packed = isa::pack_wgmma_sparse_a(form, a, 0);
    isa::SharedMemoryImage smem{0x800, std::vector<std::uint8_t>(8192, 0)};
    const isa::MatrixDescriptor a_desc{0x800, 2048, 1024, 0, isa::Swizzle::b128};  // M-major: atoms at LBO, K rows at SBO
    const isa::MatrixDescriptor b_desc{0x1800, 16, 1024, 0, isa::Swizzle::b128};   // K-major
    json fragments = {{"b_desc", fmt::format("0x{:016x}", isa::encode_descriptor(b_desc))},
                      {"c", registers(isa::wgmma_to_fragment(form, isa::WgmmaOperand::D, c))}};
    if (a_in_registers) {
        fragments["a"] = registers(isa::wgmma_to_fragment(form, isa::WgmmaOperand::A, packed.values));
    } else {
        isa::write_operand(smem, a_desc, isa::wgmma_tile(form, true, true), packed.values, true);
        fragments["a_desc"] = fmt::format("0x{:016x}", isa::encode_descriptor(a_desc));
    }
    isa::write_operand(smem, b_desc, isa::wgmma_tile(form, false, false), b, false);
    json e = json::array();
    for (std::uint32_t word : packed.metadata) e.push_back(fmt::format("0x{:08x}", word));
    fragments["e"] = e;
    json raw = {{"fragments", fragments}, {"smem", {{"base", "0x800"}, {"bytes", hex_bytes(smem.bytes)}}}};
    if (!a_in_registers) raw["trans_a"] = 1;
    return raw;
}

TEST(CliWgmma, RawRegistersDescriptorsAndLogicalMatricesAgree) {
    const json logical = first_example_case();
    const std::string input = logical.dump() + "\n" + raw_case(logical, false).dump() + "\n" + raw_case(logical, true).dump() + "\n";
    const CommandResult r = run_stcsim(kSparse + " --input -", input);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto out = lines_of(r.out);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0], out[1]);
    EXPECT_EQ(out[0], out[2]);
}

TEST(CliWgmma, ImmediatesNegateAndDropTheAccumulator) {
    json logical = first_example_case();
    json negated = logical;
    negated["scale_a"] = -1;
    negated["scale_b"] = -1;
    json no_c = logical, zero_c = logical;
    no_c["scale_d"] = 0;
    for (auto& row : zero_c["c"]) for (auto& v : row) v = 0;
    const CommandResult r = run_stcsim(kSparse + " --input -", logical.dump() + "\n" + negated.dump() + "\n" + no_c.dump() +
                                                                   "\n" + zero_c.dump() + "\n");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto out = lines_of(r.out);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0], out[1]);
    EXPECT_EQ(out[2], out[3]);
    EXPECT_NE(out[0], out[2]);
}

void expect_error(const std::string& args, const std::string& input, const std::string& fragment) {
    const CommandResult r = run_stcsim(args, input);
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << "stderr: " << r.err;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << "stderr: " << r.err;
}

TEST(CliWgmma, BadInputGetsAOneLineErrorNamingThePlaceAndTheRule) {
    const json logical = first_example_case();
    const std::string good = logical.dump() + "\n";
    expect_error("mma --arch sm_90 --instr 'wgmma.mma_async.sp.sync.aligned.m64n16k32.f32.f16.f16' --input -", good,
                 "wgmma needs sm_90a, not sm_90");
    expect_error("mma --arch sm_80 --instr 'wgmma.mma_async.sync.aligned.m64n16k16.f32.f16.f16' --input -", good,
                 "wgmma needs sm_90a, not sm_80");
    expect_error("mma --arch sm_90a --instr 'wgmma.mma_async.sync.aligned.m64n40k32.s32.s8.s8' --input -", good,
                 "has no N = 40");
    json selector = logical;
    selector["selector"] = 2;
    expect_error(kSparse + " --input -", selector.dump(), "<stdin>:1: selector 2 is illegal");
    json dense_row = logical;
    dense_row["a"][5][0] = dense_row["a"][5][1] = dense_row["a"][5][2] = 1;
    expect_error(kSparse + " --input -", dense_row.dump(), "<stdin>:1: a row 5, columns 0..3");
    json scale = logical;
    scale["scale_a"] = 2;
    expect_error(kSparse + " --input -", scale.dump(), "scale_a must be 1 or -1, not 2");

    json reserved = raw_case(logical, false);
    reserved["fragments"]["b_desc"] = "0x0000800000000000";
    expect_error(kSparse + " --input -", good + reserved.dump(), "<stdin>:2: B descriptor: descriptor 0x0000800000000000: reserved bits");
    json outside = raw_case(logical, true);
    outside["smem"]["bytes"] = "00";
    expect_error(kSparse + " --input -", outside.dump(), "<stdin>:1: B descriptor: element [0][0] lies at shared-memory address 0x1800, outside the image");
    json misaligned = raw_case(logical, false);
    misaligned["fragments"]["a_desc"] = "0x4000004000800081";  // start 0x810 with the 128B swizzle, M-major
    expect_error(kSparse + " --input -", misaligned.dump(), "A descriptor: start address 0x810 is not aligned");
    json metadata = raw_case(logical, true);
    metadata["fragments"]["e"][0] = "0x00000000";
    expect_error(kSparse + " --input -", metadata.dump(), "<stdin>:1: metadata lane 0 bits 3:0 (A row 0, columns 0..3)");
    json both = raw_case(logical, true);
    both["fragments"]["a_desc"] = "0x0";
    expect_error(kSparse + " --input -", both.dump(), "exactly one of 'a' (A in registers) and 'a_desc'");
    json trans = raw_case(logical, true);
    trans["trans_a"] = 1;
    expect_error(kSparse + " --input -", trans.dump(), "imm-trans-a applies only to A in shared memory");
    json lanes = raw_case(logical, true);
    lanes["fragments"]["c"].erase(5);
    expect_error(kSparse + " --input -", lanes.dump(), "fragments.c must list the registers of all 128 lanes");
}

}  // namespace
}  // namespace stcsim::testing
