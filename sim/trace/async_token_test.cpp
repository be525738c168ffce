// The `mbar=` / `tma=` extension tokens: lines written from AsyncOps read back equal, hand-written
// lines read into the fields the README gives them, and every malformed token is an error naming
// the place and what was expected.
#include <gtest/gtest.h>

#include "common/errors.h"
#include "sim/trace/async_token.h"
#include "sim/trace/instruction_line.h"

namespace stcsim::trace {
namespace {

KernelHeader extended_header() {
    KernelHeader h;
    h.tracer_version = 5;
    h.stcsim_version = 1;
    return h;
}

TraceInstruction parse(const std::string& line, OpcodeTable& opcodes, const KernelHeader& header = extended_header()) {
    static const std::string file = "k.traceg";
    TraceInstruction out;
    parse_instruction_line(line, header, opcodes, out, Where(file, 7));
    return out;
}

TEST(AsyncToken, ReadsTheReadmeForms) {
    OpcodeTable opcodes;
    const auto init = parse("0100 00000001 0 SYNCS.EXCH.64 1 R4 8 1 0x7f8000000100 0 0 mbar=init:1", opcodes);
    EXPECT_EQ(init.async.kind, AsyncKind::mbar_init);
    EXPECT_EQ(init.async.count, 1u);
    EXPECT_EQ(init.addresses[0], 0x7f8000000100u);
    const auto arrive = parse("0110 00000001 0 SYNCS.ARRIVE.TRANS64.A1T0 1 R4 8 1 0x7f8000000100 0 0 mbar=arrive:1:32768", opcodes);
    EXPECT_EQ(arrive.async.kind, AsyncKind::mbar_arrive);
    EXPECT_EQ(arrive.async.count, 1u);
    EXPECT_EQ(arrive.async.bytes, 32768u);
    const auto wait = parse("0120 ffffffff 0 SYNCS.PHASECHK.TRANS64.TRYWAIT 1 R4 8 1 0x7f8000000100 0 0 mbar=wait:1", opcodes);
    EXPECT_EQ(wait.async.kind, AsyncKind::mbar_wait);
    EXPECT_EQ(wait.async.count, 1u);
    EXPECT_EQ(wait.active_lanes(), 32);
    const auto load = parse("0130 00000001 0 UTMALDG.2D 0 0 0 tma=load,0x7f8000000400,0x7f8000000100,16384,0x10000,128,64*4096,2*-8",
                            opcodes);
    EXPECT_EQ(load.async.kind, AsyncKind::tma_load);
    EXPECT_EQ(load.async.smem, 0x7f8000000400u);
    EXPECT_EQ(load.async.mbar, 0x7f8000000100u);
    EXPECT_EQ(load.async.bytes, 16384u);
    EXPECT_EQ(load.async.global, 0x10000u);
    EXPECT_EQ(load.async.row_bytes, 128u);
    ASSERT_EQ(load.async.row_dims, 2);
    EXPECT_EQ(load.async.extent[0], 64u);
    EXPECT_EQ(load.async.stride[0], 4096);
    EXPECT_EQ(load.async.extent[1], 2u);
    EXPECT_EQ(load.async.stride[1], -8);
    EXPECT_EQ(box_rows(load.async), 128u);
    const auto store = parse("0140 00000001 0 UTMASTG.2D 0 0 0 tma=store,0x7f8000000400,256,0x20000,256", opcodes);
    EXPECT_EQ(store.async.kind, AsyncKind::tma_store);
    EXPECT_EQ(store.async.row_dims, 0);
    EXPECT_EQ(box_rows(store.async), 1u);
}

TEST(AsyncToken, WriteThenReadGivesTheSameInstruction) {
    OpcodeTable opcodes;
    const KernelHeader header = extended_header();
    std::vector<TraceInstruction> cases;
    auto mbar = [&](AsyncKind kind, std::uint32_t count, std::uint64_t bytes, std::uint32_t mask) {
        TraceInstruction t;
        t.opcode = opcodes.intern("SYNCS.ARRIVE.TRANS64");
        t.active_mask = mask;
        t.mem_width = 8;
        for (int lane = 0; lane < kWarpSize; ++lane)
            if (t.lane_active(lane)) t.addresses[static_cast<std::size_t>(lane)] = 0x7f8000000100u + 8u * static_cast<unsigned>(lane % 3);
        t.address_mode = choose_address_mode(t.active_mask, t.addresses);
        t.has_immediate = true;
        t.async.kind = kind;
        t.async.count = count;
        t.async.bytes = bytes;
        cases.push_back(t);
    };
    mbar(AsyncKind::mbar_init, kMaxMbarrierCount, 0, 1);
    mbar(AsyncKind::mbar_arrive, 0, kMaxMbarrierCount, 0xffffffff);
    mbar(AsyncKind::mbar_arrive, 128, 0, 0x00000f0f);
    mbar(AsyncKind::mbar_complete, 0, 4096, 1);
    mbar(AsyncKind::mbar_wait, 0, 0, 0xffffffff);
    mbar(AsyncKind::mbar_wait, 1, 0, 0x80000001);
    mbar(AsyncKind::mbar_inval, 0, 0, 1);
    for (int dims = 0; dims <= kMaxBoxRowDims; ++dims)
        for (const AsyncKind kind : {AsyncKind::tma_load, AsyncKind::tma_store}) {
            TraceInstruction t;
            t.opcode = opcodes.intern(kind == AsyncKind::tma_load ? "UTMALDG.4D" : "UTMASTG.4D");
            t.active_mask = 1;
            t.has_immediate = true;
            t.src_count = 1;
            t.src[0] = {6, 2};
            t.async.kind = kind;
            t.async.smem = 0x7f8000001000u;
            t.async.mbar = kind == AsyncKind::tma_load ? 0x7f8000000008u : 0;
            t.async.global = 0xffffffffffff0000u;
            t.async.row_bytes = 96;
            t.async.row_dims = static_cast<std::uint8_t>(dims);
            for (int d = 0; d < dims; ++d) {
                t.async.extent[static_cast<std::size_t>(d)] = static_cast<std::uint32_t>(d + 2);
                t.async.stride[static_cast<std::size_t>(d)] = d % 2 == 0 ? -4096 * (d + 1) : 1 << 30;
            }
            t.async.bytes = box_rows(t.async) * 96 + 64;  // 64 bytes of clipped rows
            cases.push_back(t);
        }
    for (const TraceInstruction& t : cases) {
        fmt::memory_buffer line;
        format_instruction_line(t, header, line);
        const std::string text = fmt::to_string(line);
        EXPECT_EQ(parse(text, opcodes), t) << text;
    }
}

TEST(AsyncToken, APlainTraceCannotCarryIt) {
    OpcodeTable opcodes;
    KernelHeader plain;
    plain.tracer_version = 5;
    EXPECT_THROW(parse("0100 00000001 0 SYNCS.EXCH.64 1 R4 8 1 0x7f8000000100 0 0 mbar=init:1", opcodes, plain), UserError);
    TraceInstruction t = parse("0100 00000001 0 SYNCS.EXCH.64 1 R4 8 1 0x7f8000000100 0 0 mbar=init:1", opcodes);
    fmt::memory_buffer line;
    EXPECT_THROW(format_instruction_line(t, plain, line), InternalError);
}

struct BadToken {
    std::string name, line, expected;
};

class MalformedAsyncToken : public ::testing::TestWithParam<BadToken> {};

TEST_P(MalformedAsyncToken, ErrorNamesTheLineWhatWasExpectedAndTheToken) {
    const BadToken& c = GetParam();
    OpcodeTable opcodes;
    try {
        parse(c.line, opcodes);
        FAIL() << "accepted: " << c.line;
    } catch (const UserError& error) {
        const std::string message = error.what();
        EXPECT_EQ(message.rfind("k.traceg:7: expected ", 0), 0u) << message;
        EXPECT_NE(message.find(c.expected), std::string::npos) << message;
        const std::string token = c.line.substr(c.line.rfind(' ') + 1);
        EXPECT_NE(message.find(", got '" + token + "'"), std::string::npos) << message;
    }
}

const std::string kMbar = "0100 00000001 0 SYNCS.ARRIVE.TRANS64 1 R4 8 1 0x7f8000000100 0 0 ";
const std::string kTma = "0130 00000001 0 UTMALDG.2D 0 0 0 ";

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedAsyncToken,
    ::testing::Values(
        BadToken{"unknown_mbar_kind", kMbar + "mbar=sleep:1", "'mbar=' then init:COUNT, arrive:COUNT:TX"},
        BadToken{"init_zero", kMbar + "mbar=init:0", "'mbar=init:COUNT' with a decimal count from 1 to 1048575"},
        BadToken{"init_too_many", kMbar + "mbar=init:1048576", "from 1 to 1048575"},
        BadToken{"init_extra_field", kMbar + "mbar=init:1:2", "'mbar=init:COUNT' and nothing more"},
        BadToken{"arrive_missing_tx", kMbar + "mbar=arrive:1", "'mbar=arrive:COUNT:TX' with TX"},
        BadToken{"arrive_bad_count", kMbar + "mbar=arrive:x:0", "'mbar=arrive:COUNT:TX' with COUNT a decimal from 0"},
        BadToken{"arrive_tx_too_big", kMbar + "mbar=arrive:1:1048576", "with TX a decimal transaction byte count"},
        BadToken{"complete_negative", kMbar + "mbar=complete:-4", "'mbar=complete:TX' with TX"},
        BadToken{"wait_parity_2", kMbar + "mbar=wait:2", "'mbar=wait:PARITY' with PARITY 0 or 1"},
        BadToken{"wait_no_parity", kMbar + "mbar=wait", "'mbar=wait:PARITY' with PARITY 0 or 1"},
        BadToken{"inval_with_field", kMbar + "mbar=inval:0", "'mbar=inval' and nothing more"},
        BadToken{"mbar_without_addresses", "0100 00000001 0 SYNCS.EXCH.64 1 R4 0 0 mbar=init:1", "a line of memory width 0"},
        BadToken{"mbar_of_width_4", "0100 00000001 0 SYNCS.EXCH.64 1 R4 4 1 0x7f8000000100 0 0 mbar=init:1",
                 "a line of memory width 4"},
        BadToken{"two_tokens", kMbar + "mbar=init:1 mbar=init:1", "one 'mbar=' or 'tma=' token per line"},
        BadToken{"unknown_tma_kind", kTma + "tma=prefetch,0x100,16,0x0,16", "'tma=' then load,SMEM,MBAR,BYTES,BOX"},
        BadToken{"tma_with_addresses", "0130 00000001 0 UTMALDG.2D 0 8 1 0x7f8000000100 0 0 tma=load,0x100,0x8,16,0x0,16",
                 "no 'tma=' on a line with addresses"},
        BadToken{"tma_bad_smem_hex", kTma + "tma=load,0xzz,0x8,16,0x0,16", "SMEM a 16-byte aligned hex shared address"},
        BadToken{"tma_smem_unaligned", kTma + "tma=load,0x108,0x8,16,0x0,16", "SMEM a 16-byte aligned hex shared address"},
        BadToken{"tma_mbar_unaligned", kTma + "tma=load,0x100,0xc,16,0x0,16", "MBAR an 8-byte aligned hex shared address"},
        BadToken{"tma_load_missing_mbar", kTma + "tma=load,0x100", "MBAR an 8-byte aligned"},
        BadToken{"tma_zero_bytes", kTma + "tma=store,0x100,0,0x0,0", "BYTES a decimal from 1"},
        BadToken{"tma_bad_global", kTma + "tma=store,0x100,16,0xg,16", "GLOBAL a hex global address"},
        BadToken{"tma_missing_row_bytes", kTma + "tma=store,0x100,16,0x0", "ROW_BYTES a decimal row size"},
        BadToken{"tma_extent_zero", kTma + "tma=store,0x100,16,0x0,16,0*128", "N a decimal from 1"},
        BadToken{"tma_dim_without_star", kTma + "tma=store,0x100,16,0x0,16,4", "row dimensions N*STRIDE"},
        BadToken{"tma_bad_stride", kTma + "tma=store,0x100,64,0x0,16,4*x", "row dimensions N*STRIDE"},
        BadToken{"tma_five_row_dims", kTma + "tma=store,0x100,512,0x0,16,2*1,2*1,2*1,2*1,2*1", "at most 4 row dimensions"},
        BadToken{"tma_bytes_below_rows", kTma + "tma=load,0x100,0x8,4095,0x0,128,32*128", "BYTES at least the box's rows (32 x 128 bytes)"},
        BadToken{"tma_rows_overflow", kTma + "tma=store,0x100,4096,0x0,65536,65536*1,65536*1,65536*1", "BYTES at least the box's rows"},
        BadToken{"dst_after_token", kMbar + "mbar=init:1 dst=R4", "the end of the line after 'mbar=' / 'tma='"}),
    [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace stcsim::trace

namespace stcsim::trace {
namespace {

TEST(BarrierToken, ReadsWritesAndRefuses) {
    OpcodeTable opcodes;
    const KernelHeader header = extended_header();
    const auto named = parse("0200 ffffffff 0 BAR.SYNC.DEFER_BLOCKING 0 0 256 bar=1,256", opcodes);
    EXPECT_EQ(named.barrier, 1);
    EXPECT_EQ(named.barrier_threads, 256);
    fmt::memory_buffer out;
    format_instruction_line(named, header, out);
    EXPECT_EQ(std::string(out.data(), out.size()), "0200 ffffffff 0 BAR.SYNC.DEFER_BLOCKING 0 0 256 bar=1,256");
    const auto plain = parse("0210 ffffffff 0 BAR.SYNC.DEFER_BLOCKING 0 0 0", opcodes);
    EXPECT_EQ(plain.barrier, 0);
    EXPECT_EQ(plain.barrier_threads, 0);
    for (const char* bad : {"bar=16,32", "bar=1,33", "bar=1,2048", "bar=1", "bar=x,32"}) {
        try {
            parse(std::string("0200 ffffffff 0 BAR.SYNC.DEFER_BLOCKING 0 0 0 ") + bad, opcodes);
            ADD_FAILURE() << bad << " was accepted";
        } catch (const UserError& e) {
            EXPECT_NE(std::string(e.what()).find("k.traceg:7: expected bar=ID,THREADS"), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(parse("0200 ffffffff 0 EXIT 0 0 0 bar=1,32", opcodes), UserError);
}

}  // namespace
}  // namespace stcsim::trace
