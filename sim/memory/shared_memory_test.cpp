#include "sim/memory/shared_memory.h"

#include <gtest/gtest.h>

namespace stcsim::sim {
namespace {

LaneAddresses strided(std::uint64_t base, std::uint64_t stride_bytes) {
    LaneAddresses a;
    for (int l = 0; l < 32; ++l) a.addr[static_cast<std::size_t>(l)] = base + static_cast<std::uint64_t>(l) * stride_bytes;
    return a;
}

const SharedMemorySpec kSpec{};  // 32 banks of 4 bytes

TEST(SharedMemory, ConsecutiveWordsTakeOneWavefront) { EXPECT_EQ(shared_wavefronts(kSpec, strided(0, 4), 4), 1); }

TEST(SharedMemory, StrideOfTwoWordsIsTwoWay) { EXPECT_EQ(shared_wavefronts(kSpec, strided(0, 8), 4), 2); }

TEST(SharedMemory, StrideOf32WordsIs32Way) { EXPECT_EQ(shared_wavefronts(kSpec, strided(0, 128), 4), 32); }

TEST(SharedMemory, OddStrideIsConflictFree) { EXPECT_EQ(shared_wavefronts(kSpec, strided(0, 4 * 33), 4), 1); }

TEST(SharedMemory, BroadcastOfOneWordIsOneWavefront) { EXPECT_EQ(shared_wavefronts(kSpec, strided(64, 0), 4), 1); }

TEST(SharedMemory, EightByteAccessesUseHalfWarpPhases) {
    EXPECT_EQ(shared_wavefronts(kSpec, strided(0, 8), 8), 2);     // 256 B: two conflict-free half warps
    EXPECT_EQ(shared_wavefronts(kSpec, strided(0, 16), 8), 4);    // each half warp 2-way
}

TEST(SharedMemory, SixteenByteAccessesUseQuarterWarpPhases) {
    EXPECT_EQ(shared_wavefronts(kSpec, strided(0, 16), 16), 4);   // 512 B: the minimum
    EXPECT_EQ(shared_wavefronts(kSpec, strided(0, 128), 16), 32);  // 8 lanes of a phase all in banks 0..3
}

TEST(SharedMemory, InactiveLanesDoNotConflict) {
    LaneAddresses a = strided(0, 128);
    a.active = 1u;
    EXPECT_EQ(shared_wavefronts(kSpec, a, 4), 1);
}

// ldmatrix .x4 of a 16 x 16-byte-row tile: rows 128 B apart (a row-major 64-element f16 tile).
LaneAddresses ldmatrix_rows(std::uint64_t row_pitch, bool xor_swizzle) {
    LaneAddresses a;
    for (int l = 0; l < 32; ++l) {
        const auto row = static_cast<std::uint64_t>(l % 8 + 8 * (l / 16));
        auto chunk = static_cast<std::uint64_t>(l / 8 % 2);
        if (xor_swizzle) chunk ^= row % 8;
        a.addr[static_cast<std::size_t>(l)] = row * row_pitch + chunk * 16;
    }
    return a;
}

TEST(Ldmatrix, X4WithUnpaddedRowsConflicts8Way) { EXPECT_EQ(ldmatrix_wavefronts(kSpec, ldmatrix_rows(128, false), 4), 32); }

TEST(Ldmatrix, X4WithPaddingOrSwizzleIsConflictFree) {
    EXPECT_EQ(ldmatrix_wavefronts(kSpec, ldmatrix_rows(144, false), 4), 4);  // rows padded by 16 B
    EXPECT_EQ(ldmatrix_wavefronts(kSpec, ldmatrix_rows(128, true), 4), 4);   // XOR swizzle of 16-byte chunks
}

TEST(Ldmatrix, X1AndX2UseTheirFirstLanes) {
    LaneAddresses a = ldmatrix_rows(16, false);
    EXPECT_EQ(ldmatrix_wavefronts(kSpec, a, 1), 1);
    EXPECT_EQ(ldmatrix_wavefronts(kSpec, a, 2), 2);
}

// Functional delivery: fill an 8x8 matrix with element = 8*row + col and gather what each lane gets.
// ldmatrix counts rows per bank group; it must agree with the word-by-word count of the same
// bytes as 16-byte accesses, for any rows, repeats included, and for another bank width: .x1
// against eight active lanes, and .x4 against the warp (4-byte banks: phases of eight lanes).
TEST(Ldmatrix, AgreesWithTheWordByWordCountOfTheSameRows) {
    std::uint64_t state = 12345;
    const auto random = [&state](std::uint64_t n) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return (state >> 33) % n;
    };
    for (const int bank_width : {4, 8}) {
        SharedMemorySpec spec;
        spec.bank_width_bytes = bank_width;
        for (int trial = 0; trial < 500; ++trial) {
            LaneAddresses rows;
            const std::uint64_t span = 1 + random(64);  // in 16-byte rows: small spans repeat rows
            for (auto& a : rows.addr) a = 0x1000 + 16 * random(span);
            if (bank_width == 4) {
                EXPECT_EQ(ldmatrix_wavefronts(spec, rows, 4), shared_wavefronts(spec, rows, 16)) << "trial " << trial;
            }
            rows.active = 0xffu;
            EXPECT_EQ(ldmatrix_wavefronts(spec, rows, 1), shared_wavefronts(spec, rows, 16)) << "trial " << trial;
        }
    }
}

TEST(Ldmatrix, FragmentDelivery) {
    for (int lane = 0; lane < 32; ++lane) {
        for (int half = 0; half < 2; ++half) {
            const MatrixElement e = ldmatrix_source(lane, 3, half, false);
            EXPECT_EQ(e.matrix, 3);
            EXPECT_EQ(e.row, lane / 4);
            EXPECT_EQ(e.col, 2 * (lane % 4) + half);
            const MatrixElement t = ldmatrix_source(lane, 1, half, true);
            EXPECT_EQ(t.row, 2 * (lane % 4) + half);
            EXPECT_EQ(t.col, lane / 4);
        }
    }
    // Every element of a matrix reaches exactly one (lane, half).
    int seen[8][8] = {};
    for (int lane = 0; lane < 32; ++lane)
        for (int half = 0; half < 2; ++half) {
            const MatrixElement e = ldmatrix_source(lane, 0, half, true);
            ++seen[e.row][e.col];
        }
    for (auto& row : seen)
        for (int n : row) EXPECT_EQ(n, 1);
}

TEST(SharedMemory, TimingAddsOneWavefrontPerReplay) {
    SharedMemory smem(kSpec);
    EXPECT_EQ(smem.access(SharedMemory::Kind::load, 1, 100), 100u + 23u);
    // The banks are busy until 101; a 4-wavefront access starts there and ends 3 cycles later.
    EXPECT_EQ(smem.access(SharedMemory::Kind::load, 4, 100), 101u + 23u + 3u);
    EXPECT_EQ(smem.access(SharedMemory::Kind::store, 1, 200), 200u + 19u);
}

// Each further wavefront of one access adds wavefront_latency_cycles to its latency, while the
// banks are free again after wavefront_cycles per wavefront.
TEST(SharedMemory, FurtherWavefrontsAddTheirOwnLatency) {
    SharedMemorySpec spec;
    spec.wavefront_latency_cycles = 2;
    SharedMemory smem(spec);
    EXPECT_EQ(smem.access(SharedMemory::Kind::ldmatrix, 4, 100), 100u + 25u + 3u * 2u);
    // The banks were busy for 4 cycles: the next access starts at 104.
    EXPECT_EQ(smem.access(SharedMemory::Kind::load, 1, 100), 104u + 23u);
    EXPECT_EQ(smem.access(SharedMemory::Kind::load, 32, 200), 200u + 23u + 31u * 2u);
}

}  // namespace
}  // namespace stcsim::sim
