// The trace format: the hand-written Accel-Sim samples parse, write -> read round trips (plain,
// gzip, zstd), and malformed traces get errors that name the file, the line and what was expected.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "sim/trace/block_set.h"
#include "sim/trace/gemm_trace.h"
#include "sim/trace/trace_reader.h"
#include "sim/trace/trace_writer.h"

namespace stcsim::trace {
namespace {

const std::string kSamples = std::string(STCSIM_SOURCE_DIR) + "/traces/samples/";

std::string temp_path(const std::string& name) {
    const auto dir = std::filesystem::path(STCSIM_TEST_TMP_DIR);
    std::filesystem::create_directories(dir);
    return (dir / name).string();
}

// Every block of a trace; the reader stays alive because instructions point at its opcode table.
struct WholeTrace {
    std::unique_ptr<TraceReader> reader;
    std::vector<ThreadBlockTrace> blocks;
};

WholeTrace read_all(const std::string& path) {
    WholeTrace trace{std::make_unique<TraceReader>(path), {}};
    ThreadBlockTrace block;
    while (trace.reader->next_block(block)) trace.blocks.push_back(block);
    return trace;
}

TEST(TraceSamples, KernelsListNamesMemcpysAndKernels) {
    const auto commands = read_kernelslist(kSamples + "accelsim_dense/kernelslist.g");
    ASSERT_EQ(commands.size(), 4u);
    EXPECT_EQ(commands[0].kind, TraceCommand::Kind::memcpy_htod);
    EXPECT_EQ(commands[0].address, 0x00007f2a5c000000u);
    EXPECT_EQ(commands[0].bytes, 8192u);
    EXPECT_EQ(commands[2].kind, TraceCommand::Kind::kernel);
    EXPECT_EQ(commands[3].path, kSamples + "accelsim_dense/kernel-2.traceg");
}

TEST(TraceSamples, AccelSimDenseKernelParses) {
    TraceReader reader(kSamples + "accelsim_dense/kernel-1.traceg");
    EXPECT_EQ(reader.header().kernel_name, "_Z10hmma_tile_PK6__halfS1_Pf");
    EXPECT_EQ(reader.header().grid, (Dim3{2, 1, 1}));
    EXPECT_EQ(reader.header().tracer_version, 5u);
    EXPECT_EQ(reader.header().shmem_base_addr, 0x00007f2a7d000000u);
    EXPECT_FALSE(reader.header().extended());
    ThreadBlockTrace block;
    ASSERT_TRUE(reader.next_block(block));
    ASSERT_EQ(block.warps.size(), 2u);
    ASSERT_EQ(block.warps[0].instructions.size(), 12u);
    EXPECT_EQ(block.warps[1].instructions.size(), 3u);
    const auto& w = block.warps[0].instructions;
    // LDG.E.128, base+stride.
    EXPECT_EQ(w[2].opcode->base, "LDG");
    EXPECT_EQ(w[2].address_mode, AddressMode::base_stride);
    EXPECT_EQ(w[2].addresses[31], 0x7f2a5c000000u + 31 * 16);
    // LDGSTS over half the warp, base+deltas.
    EXPECT_EQ(w[3].active_mask, 0x0000ffffu);
    EXPECT_EQ(w[3].addresses[4], 0x7f2a5c200000u + 3 * 16 + 240);
    EXPECT_EQ(w[3].addresses[16], 0u);
    EXPECT_EQ(w[3].src_count, 2);
    // DEPBAR's immediate, LDS.64 with every address listed.
    EXPECT_TRUE(w[5].has_immediate);
    EXPECT_EQ(w[9].address_mode, AddressMode::list);
    EXPECT_EQ(w[9].addresses[31], 0x00007f2a7d0004f8u);
    // A plain dense HMMA: base registers only.
    EXPECT_EQ(w[10].opcode->full, "HMMA.16816.F32");
    EXPECT_TRUE(w[10].opcode->is_mma);
    EXPECT_FALSE(w[10].is_sparse_mma());
    EXPECT_EQ(w[10].dst[0].reg, 16);
    ASSERT_TRUE(reader.next_block(block));
    EXPECT_EQ(block.id, (Dim3{1, 0, 0}));
    EXPECT_EQ(block.warps[0].instructions[0].addresses[4], 0x7f2a5c001000u);
    EXPECT_EQ(block.warps[0].instructions[0].addresses[12], 0x7f2a5c001000u + 4 + 4 + 4 + 20);
    EXPECT_FALSE(reader.next_block(block));
    EXPECT_EQ(reader.blocks_read(), 2u);
}

TEST(TraceSamples, TracerVersion4WithLineInfoAndClusters) {
    const auto trace = read_all(kSamples + "accelsim_dense/kernel-2.traceg");
    const auto& blocks = trace.blocks;
    ASSERT_EQ(blocks.size(), 1u);
    const auto& w = blocks[0].warps[0].instructions;
    ASSERT_EQ(w.size(), 4u);
    EXPECT_EQ(w[0].source_line, 12u);
    EXPECT_FALSE(w[0].has_immediate);
    EXPECT_EQ(w[3].opcode->full, "STG.E");
    EXPECT_EQ(w[3].addresses[1], 0x7f2a5c200004u);
}

TEST(TraceSamples, StcsimSparseExtension) {
    TraceReader reader(kSamples + "stcsim_sparse/kernel-1.traceg");
    EXPECT_EQ(reader.header().stcsim_version, 1u);
    ThreadBlockTrace block;
    ASSERT_TRUE(reader.next_block(block));
    const auto& w = block.warps[0].instructions;
    ASSERT_EQ(w.size(), 9u);
    EXPECT_EQ(w[3].dst_count, 2);  // CS2R R28 R29: more than one destination in the main fields
    const TraceInstruction& sp = w[4];
    EXPECT_TRUE(sp.is_sparse_mma());
    EXPECT_EQ(sp.opcode->modifiers, (std::vector<std::string>{"SP", "16832", "F32"}));
    EXPECT_EQ(sp.metadata_register(), 24);
    EXPECT_EQ(sp.selector(), 0);
    EXPECT_EQ(w[5].selector(), 1);
    std::array<std::uint8_t, 64> regs{};
    ASSERT_EQ(sp.dst_registers(regs), 4);
    EXPECT_EQ(regs[3], 31);
    ASSERT_EQ(sp.src_registers(regs), 13);
    EXPECT_EQ(regs[12], 24);
    EXPECT_TRUE(w[6].is_sparse_mma());
    EXPECT_TRUE(w[6].opcode->has_modifier("SAT"));
    EXPECT_EQ(w[7].src[1].width, 4);
}

void expect_same_trace(const std::string& a, const std::string& b) {
    TraceReader ra(a), rb(b);
    EXPECT_EQ(ra.header().grid, rb.header().grid);
    EXPECT_EQ(ra.header().kernel_name, rb.header().kernel_name);
    ThreadBlockTrace ba, bb;
    std::uint64_t blocks = 0;
    while (ra.next_block(ba)) {
        ASSERT_TRUE(rb.next_block(bb));
        ASSERT_EQ(ba.id, bb.id);
        ASSERT_EQ(ba.warps.size(), bb.warps.size());
        for (std::size_t w = 0; w < ba.warps.size(); ++w) {
            ASSERT_EQ(ba.warps[w].instructions.size(), bb.warps[w].instructions.size());
            for (std::size_t i = 0; i < ba.warps[w].instructions.size(); ++i)
                ASSERT_EQ(ba.warps[w].instructions[i], bb.warps[w].instructions[i]) << "block " << blocks << " warp " << w << " inst " << i;
        }
        ++blocks;
    }
    EXPECT_FALSE(rb.next_block(bb));
    EXPECT_GT(blocks, 0u);
}

void rewrite(const std::string& from, const std::string& to) {
    TraceReader reader(from);
    TraceWriter writer(to, reader.header());
    ThreadBlockTrace block;
    while (reader.next_block(block)) {
        writer.begin_block(block.id);
        for (std::size_t w = 0; w < block.warps.size(); ++w)
            if (block.warps[w].present) writer.write_warp(static_cast<std::uint32_t>(w), block.warps[w].instructions);
        writer.end_block();
    }
    writer.close();
}

class RoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(RoundTrip, SamplesSurviveWriteThenRead) {
    for (const std::string sample : {"accelsim_dense/kernel-1.traceg", "accelsim_dense/kernel-2.traceg",
                                     "stcsim_sparse/kernel-1.traceg"}) {
        const std::string out = temp_path("roundtrip_" + std::to_string(std::hash<std::string>{}(sample)) + ".traceg" + GetParam());
        rewrite(kSamples + sample, out);
        expect_same_trace(kSamples + sample, out);
        // A second generation is byte-identical to the first once decompressed: the format is canonical.
        const std::string again = out + ".again.traceg";
        rewrite(out, again);
        expect_same_trace(out, again);
    }
}

TEST_P(RoundTrip, GeneratedSparseGemm) {
    GemmTraceSpec spec;
    spec.m = 256; spec.n = 128; spec.k = 128; spec.sparse = true;
    const std::string dir = temp_path("rt_gemm" + GetParam());
    const auto result = write_gemm_trace(spec, dir, "kernel-1.traceg" + GetParam());
    const std::string copy = dir + "/copy.traceg";
    rewrite(result.kernel_file, copy);
    expect_same_trace(result.kernel_file, copy);
}

INSTANTIATE_TEST_SUITE_P(Compression, RoundTrip, ::testing::Values("", ".gz", ".zst"),
                         [](const auto& param_info) { return param_info.param.empty() ? std::string("plain") : param_info.param.substr(1); });

TEST(TraceCompression, GzipAndZstdAreRecognisedByContentNotName) {
    const std::string gz = temp_path("named_wrong.traceg.gz"), zst = temp_path("named_wrong.traceg.zst");
    rewrite(kSamples + "stcsim_sparse/kernel-1.traceg", gz);
    rewrite(kSamples + "stcsim_sparse/kernel-1.traceg", zst);
    const std::string gz_renamed = temp_path("gzip_inside.traceg"), zst_renamed = temp_path("zstd_inside.traceg");
    std::filesystem::copy_file(gz, gz_renamed, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(zst, zst_renamed, std::filesystem::copy_options::overwrite_existing);
    expect_same_trace(kSamples + "stcsim_sparse/kernel-1.traceg", gz_renamed);
    expect_same_trace(kSamples + "stcsim_sparse/kernel-1.traceg", zst_renamed);
}

TEST(TraceCompression, TruncatedCompressedFileIsAnError) {
    const std::string zst = temp_path("truncated.traceg.zst");
    rewrite(kSamples + "accelsim_dense/kernel-1.traceg", zst);
    std::filesystem::resize_file(zst, std::filesystem::file_size(zst) / 2);
    EXPECT_THROW(read_all(zst), UserError);
}

// ---- malformed traces ----

const char* kHeader =
    "-kernel name = k\n-grid dim = (1,1,1)\n-block dim = (64,1,1)\n-accelsim tracer version = 5\n\n#traces format = ...\n\n";

struct Malformed {
    std::string name, body;
    int line;
    std::string expected;
};

class MalformedTrace : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedTrace, ErrorNamesFileLineAndWhatWasExpected) {
    const Malformed& c = GetParam();
    const std::string path = temp_path("malformed_" + c.name + ".traceg");
    std::ofstream(path) << c.body;
    try {
        read_all(path);
        FAIL() << "no error for " << c.name;
    } catch (const UserError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find(path + ":" + std::to_string(c.line) + ": expected"), std::string::npos) << message;
        EXPECT_NE(message.find(c.expected), std::string::npos) << message;
    }
}

std::string tb(const std::string& warp0) {
    return std::string(kHeader) + "#BEGIN_TB\nthread block = 0,0,0\nwarp = 0\n" + warp0 + "#END_TB\n";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedTrace,
    ::testing::Values(
        Malformed{"bad_grid", "-kernel name = k\n-grid dim = (1,x,1)\n", 2, "'(x,y,z)' after '-grid dim ='"},
        Malformed{"header_without_equal", "-kernel name = k\n-grid dim (1,1,1)\n", 2, "a header line '-key = value'"},
        Malformed{"bad_stcsim_version", "-grid dim = (1,1,1)\n-stcsim trace version = 9\n", 2, "a stcsim trace version from 1 to 1"},
        Malformed{"no_grid", "-kernel name = k\n#traces\n", 2, "'-grid dim = (x,y,z)'"},
        Malformed{"bad_hex_pc", tb("insts = 1\n00g0 ffffffff 0 EXIT 0 0 0\n"), 12, "a hex PC"},
        Malformed{"bad_mask", tb("insts = 1\n0000 1ffffffff 0 EXIT 0 0 0\n"), 12, "a hex active mask of 32 bits"},
        Malformed{"bad_register", tb("insts = 1\n0000 ffffffff 1 X4 MOV 0 0 0\n"), 12, "a destination register R0..R255"},
        Malformed{"missing_sources", tb("insts = 1\n0000 ffffffff 0 STG.E 2 R4\n"), 12, "a source register R0..R255, got 'end of line'"},
        Malformed{"unknown_address_mode", tb("insts = 1\n0000 ffffffff 0 STG.E 1 R4 4 3 0x10 4 0\n"), 12, "an address compression mode"},
        Malformed{"too_few_deltas", tb("insts = 1\n0000 00000007 0 STG.E 1 R4 4 2 0x10 4\n"), 12, "address delta 2 of 2"},
        Malformed{"bad_address", tb("insts = 1\n0000 00000001 0 STG.E 1 R4 4 0 0xzz 0\n"), 12, "the hex address of active lane 1 of 1"},
        Malformed{"bad_base_of_repeated_line",
                  tb("insts = 2\n0000 00000003 0 STG.E 1 R4 4 2 0x10 4 0\n0000 00000003 0 STG.E 1 R4 4 2 0xzz 4 0\n"), 13,
                  "a hex base address"},
        Malformed{"trailing_garbage", tb("insts = 1\n0000 ffffffff 0 EXIT 0 0 0 junk\n"), 12, "the end of the line"},
        Malformed{"extension_in_plain_file", tb("insts = 1\n0000 ffffffff 1 R4 HMMA.16816.F32 0 0 0 dst=R4:4\n"), 12, "the end of the line"},
        Malformed{"insts_count_too_high", tb("insts = 2\n0000 ffffffff 0 EXIT 0 0 0\n"), 13, "2 instruction lines for warp 0 (insts = 2), found 1"},
        Malformed{"insts_count_too_low", tb("insts = 0\n0000 ffffffff 0 EXIT 0 0 0\n"), 12, "'thread block = x,y,z', 'warp = N' or '#END_TB'"},
        Malformed{"missing_insts", std::string(kHeader) + "#BEGIN_TB\nthread block = 0,0,0\nwarp = 0\n0000 ffffffff 0 EXIT 0 0 0\n", 11, "'insts = N' after 'warp = 0'"},
        Malformed{"missing_end_tb", std::string(kHeader) + "#BEGIN_TB\nthread block = 0,0,0\nwarp = 0\ninsts = 1\n0000 ffffffff 0 EXIT 0 0 0\n", 12, "'#END_TB', got 'end of file'"},
        Malformed{"truncated_in_warp", std::string(kHeader) + "#BEGIN_TB\nthread block = 0,0,0\nwarp = 0\ninsts = 3\n0000 ffffffff 0 EXIT 0 0 0\n", 12, "got 'end of file after 1'"},
        Malformed{"nested_begin", std::string(kHeader) + "#BEGIN_TB\nthread block = 0,0,0\n#BEGIN_TB\n", 10, "'#END_TB' before the next '#BEGIN_TB'"},
        Malformed{"warp_out_of_range", std::string(kHeader) + "#BEGIN_TB\nthread block = 0,0,0\nwarp = 2\n", 10, "'warp = N' with N below 2"},
        Malformed{"block_outside_grid", std::string(kHeader) + "#BEGIN_TB\nthread block = 1,0,0\n", 9, "inside the grid (1,1,1)"},
        Malformed{"no_begin_tb", std::string(kHeader) + "warp = 0\n", 8, "'#BEGIN_TB'"},
        Malformed{"block_listed_twice", tb("insts = 1\n0000 ffffffff 0 EXIT 0 0 0\n") + "#BEGIN_TB\nthread block = 0,0,0\n", 15,
                  "each thread block once, but this one was listed before"},
        Malformed{"two_ids_in_one_block", std::string(kHeader) + "#BEGIN_TB\nthread block = 0,0,0\nthread block = 0,0,0\n", 10,
                  "one 'thread block = x,y,z' line per block"},
        Malformed{"huge_block_dim", "-grid dim = (1,1,1)\n-block dim = (65536,65536,16)\n#\n", 3,
                  "a block dim of at most 1024 threads"},
        Malformed{"block_dim_wrapping_to_zero", "-grid dim = (1,1,1)\n-block dim = (2147483648,2147483648,2)\n#\n", 3,
                  "a block dim of at most 1024 threads"},
        Malformed{"grid_beyond_cuda", "-grid dim = (1,65536,1)\n-block dim = (32,1,1)\n#\n", 3, "a grid dim of at most"},
        Malformed{"opcode_not_ascii", tb("insts = 1\n0000 ffffffff 0 EX\xff\xfeIT 0 0 0\n"), 12,
                  "an opcode of printable ASCII characters, got 'EX\\xff\\xfeIT'"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(MalformedTraceGrid, EveryBlockOfTheGridMustBeListed) {
    const std::string path = temp_path("missing_block.traceg");
    std::ofstream(path) << "-grid dim = (2,1,1)\n-block dim = (32,1,1)\n-accelsim tracer version = 5\n\n"
                           "#BEGIN_TB\nthread block = 1,0,0\nwarp = 0\ninsts = 1\n0000 ffffffff 0 EXIT 0 0 0\n#END_TB\n";
    try {
        read_all(path);
        FAIL() << "a grid of 2 blocks with 1 listed was accepted";
    } catch (const UserError& error) {
        EXPECT_EQ(std::string(error.what()), path + ": the grid (2,1,1) has 2 thread blocks, but the trace lists 1");
    }
}

TEST(BlockSet, FindsRepeatsInAnyOrderWithFewRanges) {
    BlockSet set;
    for (std::uint64_t id = 0; id < 1000; ++id) EXPECT_TRUE(set.insert(id));
    EXPECT_EQ(set.ranges(), 1u);  // in order: one range
    EXPECT_FALSE(set.insert(500));
    EXPECT_TRUE(set.insert(2000));
    EXPECT_TRUE(set.insert(1998));
    EXPECT_TRUE(set.insert(1999));  // joins [1998] and [2000] ... and stays apart from [0, 999]
    EXPECT_EQ(set.ranges(), 2u);
    EXPECT_FALSE(set.insert(1999));
    EXPECT_FALSE(set.insert(0));
    EXPECT_TRUE(set.insert(UINT64_MAX));
    EXPECT_FALSE(set.insert(UINT64_MAX));
    EXPECT_EQ(set.size(), 1004u);
}

// Base+stride addresses wrap modulo 2^64 (no signed overflow, whatever the stride).
TEST(TraceAddresses, AHugeStrideWrapsLikeAddressArithmetic) {
    const std::string path = temp_path("huge_stride.traceg");
    std::ofstream(path) << "-grid dim = (1,1,1)\n-block dim = (32,1,1)\n-accelsim tracer version = 5\n\n"
                           "#BEGIN_TB\nthread block = 0,0,0\nwarp = 0\ninsts = 1\n"
                           "0000 00000007 1 R4 LDG.E 1 R2 4 1 0x10 9223372036854775807 0\n#END_TB\n";
    const WholeTrace trace = read_all(path);
    const auto& addresses = trace.blocks.at(0).warps.at(0).instructions.at(0).addresses;
    EXPECT_EQ(addresses[1], 0x10u + 0x7fffffffffffffffu);
    EXPECT_EQ(addresses[2], 0x10u + 2 * 0x7fffffffffffffffu);  // modulo 2^64
}

TEST(MalformedExtension, WidthsMustMatchTheNamedOperands) {
    const std::string body = "-grid dim = (1,1,1)\n-block dim = (32,1,1)\n-accelsim tracer version = 5\n-stcsim trace version = 1\n"
                             "#BEGIN_TB\nthread block = 0,0,0\nwarp = 0\ninsts = 1\n"
                             "0000 ffffffff 1 R4 HMMA.16816.F32 3 R8 R12 R4 0 0 src=R8:4,R13:2,R4:4\n#END_TB\n";
    const std::string path = temp_path("malformed_widths.traceg");
    std::ofstream(path) << body;
    try {
        read_all(path);
        FAIL();
    } catch (const UserError& error) {
        EXPECT_NE(std::string(error.what()).find(path + ":9: expected 'src=' then the 3 operand(s)"), std::string::npos) << error.what();
    }
}

TEST(MalformedKernelsList, UnknownLine) {
    const std::string path = temp_path("bad_kernelslist.g");
    std::ofstream(path) << "kernel-1.traceg\nlaunch something\n";
    try {
        read_kernelslist(path);
        FAIL();
    } catch (const UserError& error) {
        EXPECT_NE(std::string(error.what()).find(path + ":2: expected a kernel trace file name"), std::string::npos) << error.what();
    }
}

}  // namespace
}  // namespace stcsim::trace
