// Hopper's asynchronous instructions in the SASS emulator, on hand-written sm_90a listings in the
// forms nvcc 13 writes (semantics_async.cpp lists them): mbarrier waits that yield to the warps
// that arrive, the phase and transaction accounting, TMA boxes from tensor-map records, the
// election and R2UR loops, warp-group MMA registers, and the errors for what cannot go on.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>

#include "common/errors.h"
#include "isa/sass/disassembler.h"
#include "isa/sass/emulator.h"
#include "isa/sass/program.h"
#include "isa/sass/tensor_map_record.h"

namespace stcsim::isa::sass {
namespace {

std::string listing(const std::vector<std::string>& lines) {
    std::string text = "\n\tcode for sm_90a\n\t\tFunction : k\n";
    for (std::size_t i = 0; i < lines.size(); ++i)
        text += fmt::format("        /*{:04x}*/                   {} ;   /* 0x0000 */\n", i * 16, lines[i]);
    return text;
}

struct Event {
    std::uint32_t warp, index, mask;
    std::string opcode;
    AsyncRecord async;
};

class Recorder final : public InstructionSink {
public:
    std::vector<Event> events;
    void begin_cta(const Dim&, std::uint32_t) override {}
    void async_op(const AsyncRecord& r) override { pending_ = r; }
    void executed(std::uint32_t warp, std::uint32_t index, const Decoded& d, std::uint32_t mask,
                  const std::array<std::uint64_t, kLanes>&) override {
        events.push_back({warp, index, mask, d.inst->opcode, pending_});
        pending_ = AsyncRecord{};
    }
    void end_cta() override {}

private:
    AsyncRecord pending_;
};

std::vector<Event> run(const std::vector<std::string>& lines, std::uint32_t threads, std::vector<std::uint8_t> params = {}) {
    if (params.empty()) params.assign(16, 0);
    KernelCode code = kernel_from_listing(listing(lines), "", "k", "", "test");
    Program program(std::move(code), Launch{{1, 1, 1}, {threads, 1, 1}, 0x2000, std::move(params), nullptr});
    Emulator emulator(program);
    Recorder recorder;
    emulator.run_cta({0, 0, 0}, recorder);
    return recorder.events;
}

// SYNCS.EXCH.64's value for an mbarrier expecting `count` arrivals, as two UMOVs into UR6, UR7.
std::vector<std::string> init_value(std::uint32_t count) {
    const std::uint32_t field = 0x100000u - count;
    return {fmt::format("UMOV UR6, 0x{:x}", field << 1), fmt::format("UMOV UR7, 0x{:x}", field << 11)};
}

// Warp 0 waits on the barrier at 0x400 before warp 1 has even initialised it; warp 1 initialises
// it for `count` arrivals, then `arrivers` of its lanes arrive.
std::vector<std::string> consumer_producer(std::uint32_t count, std::uint32_t arrivers) {
    std::vector<std::string> lines = {
        "S2R R0, SR_TID.X",                               // 0
        "UMOV UR4, 0x400",                                // 1
        "ISETP.GE.AND P0, PT, R0, 0x20, PT",              // 2
        "@P0 BRA 0x80",                                   // 3 -> 8
        "MOV R2, RZ",                                     // 4  parity 0 in bit 31
        "SYNCS.PHASECHK.TRANS64.TRYWAIT P1, [UR4], R2",   // 5
        "@!P1 BRA 0x50",                                  // 6  the retry loop
        "EXIT",                                           // 7
    };
    for (const std::string& l : init_value(count)) lines.push_back(l);  // 8, 9
    lines.push_back("SYNCS.EXCH.64 URZ, [UR4], UR6");                     // 10
    lines.push_back(fmt::format("ISETP.LT.AND P2, PT, R0, 0x{:x}, PT", 32 + arrivers));  // 11
    lines.push_back("@P2 SYNCS.ARRIVE.TRANS64.A1T0 RZ, [UR4], RZ");      // 12
    lines.push_back("EXIT");                                              // 13
    return lines;
}

TEST(SassAsync, AWaitYieldsUntilThePhaseCompletesAndRunsOnce) {
    const auto events = run(consumer_producer(32, 32), 64);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> order;  // (warp, index)
    for (const Event& e : events) order.emplace_back(e.warp, e.index);
    const std::vector<std::pair<std::uint32_t, std::uint32_t>> expected = {
        {0, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4},                                   // warp 0 up to its wait
        {1, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 8}, {1, 9}, {1, 10}, {1, 11}, {1, 12}, {1, 13},
        {0, 5}, {0, 6}, {0, 7}};                                                  // the wait passes once
    EXPECT_EQ(order, expected);
    EXPECT_EQ(events[11].async.kind, AsyncKind::mbar_init);
    EXPECT_EQ(events[11].async.count, 32u);
    EXPECT_EQ(events[11].mask, 1u);  // one initialisation, not one per lane
    EXPECT_EQ(events[13].async.kind, AsyncKind::mbar_arrive);
    EXPECT_EQ(events[13].async.count, 1u);
    EXPECT_EQ(events[13].mask, 0xffffffffu);
    EXPECT_EQ(events[15].async.kind, AsyncKind::mbar_wait);
    EXPECT_EQ(events[15].async.count, 0u);
    EXPECT_EQ(events[16].mask, 0u);  // the retry branch is not taken: the predicate was set
}

TEST(SassAsync, APhaseThatNeverCompletesIsAnErrorNotAHang) {
    try {
        run(consumer_producer(32, 16), 64);
        FAIL() << "expected an error";
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("warp 0 waits on the mbarrier at shared offset 0x400 (phase parity 0)"),
                  std::string::npos)
            << e.what();
    }
}

TEST(SassAsync, MoreArrivalsThanThePhaseExpectsAreRefused) {
    // Lanes arriving once each roll the phase over; one arrive of 40 at a barrier of 32 cannot.
    std::vector<std::string> lines = {"UMOV UR4, 0x400"};
    for (const std::string& l : init_value(32)) lines.push_back(l);
    for (const std::string& l : std::vector<std::string>{"SYNCS.EXCH.64 URZ, [UR4], UR6", "MOV R3, 0x28",
                                                         "SYNCS.ARRIVE.TRANS64.ART0 RZ, [UR4], R3", "EXIT"})
        lines.push_back(l);
    try {
        run(lines, 1);
        FAIL() << "expected an error";
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("40 arrival(s) at an mbarrier expecting 32 more"), std::string::npos)
            << e.what();
    }
}

TEST(SassAsync, ArriveFormsCountArrivalsAndTransactions) {
    // Count 2: one expect-tx arrival of 64 bytes and 64 completed bytes leave one arrival pending;
    // .ART0 with R3 = 1 completes phase 0; the state returned by the first arrive has parity 0, the
    // wait on parity 0 then passes.
    std::vector<std::string> lines = {"UMOV UR4, 0x400"};
    for (const std::string& l : init_value(2)) lines.push_back(l);
    for (const std::string& l : std::vector<std::string>{
             "SYNCS.EXCH.64 URZ, [UR4], UR6",
             "MOV R2, 0x40",
             "MOV R3, 0x1",
             "SYNCS.ARRIVE.TRANS64 R4, [UR4], R2",
             "SYNCS.ARRIVE.TRANS64.RED.A0TX RZ, [UR4], R2",
             "SYNCS.ARRIVE.TRANS64.RED.A0TR RZ, [UR4], R2",
             "SYNCS.ARRIVE.TRANS64.RED.A0TX RZ, [UR4], R2",
             "SYNCS.ARRIVE.TRANS64.ART0 RZ, [UR4], R3",
             "SYNCS.PHASECHK.TRANS64 P0, [UR4], R5",
             "EXIT"})
        lines.push_back(l);
    const auto events = run(lines, 1);
    ASSERT_EQ(events.size(), 13u);
    EXPECT_EQ(events[6].async.kind, AsyncKind::mbar_arrive);
    EXPECT_EQ(events[6].async.bytes, 64u);
    EXPECT_EQ(events[7].async.kind, AsyncKind::mbar_complete);
    EXPECT_EQ(events[8].async.kind, AsyncKind::mbar_arrive);  // expect-tx only
    EXPECT_EQ(events[8].async.count, 0u);
    EXPECT_EQ(events[10].async.count, 1u);
    EXPECT_EQ(events[11].async.kind, AsyncKind::mbar_wait);
}

TEST(SassAsync, TheR2urLoopInitialisesEachDistinctBarrierOnce) {
    // nvcc's loop over the distinct barrier addresses of the lanes (even lanes 0x400, odd 0x408).
    std::vector<std::string> lines = {
        "S2R R7, SR_TID.X",                                   // 0
        "UMOV UR4, 0x400",                                    // 1
        "PLOP3.LUT P1, PT, PT, PT, PT, 0x80, 0x0",            // 2
        "IMAD.SHL.U32 R0, R7, 0x8, RZ",                       // 3
        "LOP3.LUT R5, R0, 0x8, RZ, 0xc0, !PT",                // 4
        "VIADD R0, R5, UR4",                                  // 5
    };
    for (const std::string& l : init_value(4)) lines.push_back(l);  // 6, 7
    for (const std::string& l : std::vector<std::string>{
             "PLOP3.LUT P0, PT, P0, P1, PT, 0xa2, 0x0",            // 8: the loop
             "@P1 R2UR P0, UR8, R0",                               // 9
             "@P1 PLOP3.LUT P1, PT, P0, PT, PT, 0x80, 0x0",        // 10
             "PLOP3.LUT P0, PT, PT, PT, PT, 0x80, 0x0",            // 11
             "SYNCS.EXCH.64 URZ, [UR8], UR6",                      // 12
             "@P1 BRA.U.ANY 0x80",                                 // 13
             "ELECT P2, UR9, PT",                                  // 14
             "@P2 SYNCS.ARRIVE.TRANS64.A1T0 RZ, [R0], RZ",         // 15: lane 0 at 0x400
             "EXIT"})
        lines.push_back(l);
    const auto events = run(lines, 32);
    int inits = 0;
    for (const Event& e : events)
        if (e.async.kind == AsyncKind::mbar_init) ++inits;
    EXPECT_EQ(inits, 2);
    const Event& arrive = events[events.size() - 2];
    EXPECT_EQ(arrive.opcode, "SYNCS.ARRIVE.TRANS64.A1T0");
    EXPECT_EQ(arrive.mask, 1u);  // the elected lane only
}

// Parameters: a 2-D tensor map record (f16, 100 x 300 elements, rows of 256 bytes) at offset 0.
std::vector<std::uint8_t> tensor_map_params() {
    TensorMapRecord map;
    map.rank = 2;
    map.element_bytes = 2;
    map.swizzle = 3;
    map.global_address = 0x7000'0000'0000;
    map.global_dim[0] = 100, map.global_dim[1] = 300;
    map.global_stride[1] = 256;
    map.box_dim[0] = 64, map.box_dim[1] = 32;
    map.element_stride[0] = map.element_stride[1] = 1;
    std::vector<std::uint8_t> p(TensorMapRecord::kBytes);
    encode_tensor_map(map, p.data());
    return p;
}

std::vector<std::string> tma_load(std::int32_t x, std::int32_t y) {
    std::vector<std::string> lines = {"UMOV UR4, 0x400"};
    for (const std::string& l : init_value(1)) lines.push_back(l);
    for (const std::string& l : std::vector<std::string>{
             "SYNCS.EXCH.64 URZ, [UR4], UR6",
             "MOV R2, 0x1000",  // expect the whole box: 64 x 32 x 2 bytes
             "SYNCS.ARRIVE.TRANS64 RZ, [UR4], R2",
             "ULDC.64 UR8, c[0x0][0x198]",
             "UMOV UR16, 0x800",
             "UMOV UR17, 0x400",
             fmt::format("UMOV UR18, 0x{:x}", static_cast<std::uint32_t>(x)),
             fmt::format("UMOV UR19, 0x{:x}", static_cast<std::uint32_t>(y)),
             "UTMALDG.2D [UR16], [UR8], desc[UR10]",
             "MOV R3, RZ",
             "SYNCS.PHASECHK.TRANS64.TRYWAIT P0, [UR4], R3",
             "EXIT"})
        lines.push_back(l);
    return lines;
}

AsyncRecord tma_record(const std::vector<Event>& events) {
    for (const Event& e : events)
        if (e.async.kind == AsyncKind::tma_load) return e.async;
    return {};
}

TEST(SassAsync, TmaLoadStatesItsBoxAndCompletesItsBytes) {
    // Box at (x 8, y 10): 64 elements of rows 10..41, all inside; the phase completes (the wait runs).
    const auto events = run(tma_load(8, 10), 1, tensor_map_params());
    const AsyncRecord r = tma_record(events);
    EXPECT_EQ(r.smem, 0x800u);
    EXPECT_EQ(r.mbar, 0x400u);
    EXPECT_EQ(r.bytes, 4096u);
    EXPECT_EQ(r.global, 0x7000'0000'0000u + 8 * 2 + 10 * 256);
    EXPECT_EQ(r.row_bytes, 128u);
    ASSERT_EQ(r.row_dims, 1);
    EXPECT_EQ(r.extent[0], 32u);
    EXPECT_EQ(r.stride[0], 256);
    EXPECT_EQ(events.back().opcode, "EXIT");
}

TEST(SassAsync, TmaBoxesAreClippedToTheTensor) {
    // x 80: columns 80..99 of 100; y 290: rows 290..299 of 300. The bytes still count the whole box.
    AsyncRecord r = tma_record(run(tma_load(80, 290), 1, tensor_map_params()));
    EXPECT_EQ(r.bytes, 4096u);
    EXPECT_EQ(r.row_bytes, 20u * 2);
    EXPECT_EQ(r.extent[0], 10u);
    EXPECT_EQ(r.global, 0x7000'0000'0000u + 80 * 2 + 290 * 256);
    // Entirely outside: nothing is read.
    r = tma_record(run(tma_load(-64, 0), 1, tensor_map_params()));
    EXPECT_EQ(r.bytes, 4096u);
    EXPECT_EQ(r.row_bytes, 0u);
}

TEST(SassAsync, TmaErrorsNameWhatIsWrong) {
    auto message = [](const std::vector<std::string>& lines, std::vector<std::uint8_t> params) {
        try {
            run(lines, 1, std::move(params));
        } catch (const UserError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    std::vector<std::uint8_t> garbage(128, 0x5a);
    EXPECT_NE(message(tma_load(0, 0), garbage).find("not a tensor map this tracer can read"), std::string::npos);
    std::vector<std::string> three_d = tma_load(0, 0);
    for (std::string& l : three_d)
        if (l.rfind("UTMALDG", 0) == 0) l = "UTMALDG.3D [UR16], [UR8]";
    EXPECT_NE(message(three_d, tensor_map_params()).find("a 3-D copy through a tensor map of rank 2"), std::string::npos);
    std::vector<std::string> multicast = tma_load(0, 0);
    for (std::string& l : multicast)
        if (l.rfind("UTMALDG", 0) == 0) l = "UTMALDG.2D.MULTICAST [UR16], [UR8], UR20";
    EXPECT_NE(message(multicast, tensor_map_params()).find("MULTICAST is not emulated"), std::string::npos);
}

TEST(SassAsync, WarpGroupMmaRegistersFollowTheCatalog) {
    KernelCode code = kernel_from_listing(listing({"HGMMA.64x128x16.F32 R24, gdesc[UR4], R24, gsb0",
                                                   "HGMMA.SP.64x128x32.F32 R24, gdesc[UR4], RZ, !UPT, R88, 0x1, gsb0",
                                                   "HGMMA.64x64x16.F32 R24, R120, gdesc[UR4], R24",
                                                   "WARPGROUP.DEPBAR.LE gsb0, 0x1", "EXIT"}),
                                          "", "k", "", "test");
    Program program(std::move(code), Launch{{1, 1, 1}, {128, 1, 1}, 0, std::vector<std::uint8_t>(16), nullptr});
    const Decoded& dense = program.at(0);
    ASSERT_EQ(dense.n_dst_regs, 1);
    EXPECT_EQ(dense.dst_regs[0].width, 64);  // 64 x 128 f32 over 128 threads
    ASSERT_EQ(dense.n_src_regs, 1);
    EXPECT_EQ(dense.src_regs[0].width, 64);
    const Decoded& sparse = program.at(1);
    ASSERT_EQ(sparse.n_src_regs, 1);  // C is RZ (scale-d 0); the metadata register
    EXPECT_EQ(sparse.src_regs[0].reg, 88);
    EXPECT_EQ(sparse.src_regs[0].width, 1);
    EXPECT_EQ(sparse.trace_immediate, 1);  // the selector
    const Decoded& a_regs = program.at(2);
    ASSERT_EQ(a_regs.n_src_regs, 2);
    EXPECT_EQ(a_regs.src_regs[0].width, 4);   // A from registers
    EXPECT_EQ(a_regs.src_regs[1].width, 32);  // C: 64 x 64 f32
    EXPECT_EQ(program.at(3).trace_immediate, 1);
}

}  // namespace
}  // namespace stcsim::isa::sass
