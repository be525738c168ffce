#include "isa/wgmma_descriptor.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <set>

#include "common/errors.h"

namespace stcsim::isa {
namespace {

MatrixDescriptor desc(std::uint32_t start, std::uint32_t lbo, std::uint32_t sbo, Swizzle swizzle, int base = 0) {
    MatrixDescriptor d;
    d.start_address = start;
    d.leading_byte_offset = lbo;
    d.stride_byte_offset = sbo;
    d.swizzle = swizzle;
    d.base_offset = base;
    return d;
}

TEST(WgmmaDescriptor, DecodesTheFieldsOfThePtxTable) {
    // start 0x400 -> field 0x40 (bits 13..0); LBO 16 -> 1 (bits 29..16); SBO 1024 -> 0x40
    // (bits 45..32); base offset 5 (bits 51..49); swizzle 1 = 128B (bits 63..62).
    const std::uint64_t bits = 0x40ull | (0x1ull << 16) | (0x40ull << 32) | (5ull << 49) | (1ull << 62);
    EXPECT_EQ(bits, 0x400a004000010040ull);
    const MatrixDescriptor d = decode_descriptor(bits);
    EXPECT_EQ(d, desc(0x400, 16, 1024, Swizzle::b128, 5));
    EXPECT_EQ(encode_descriptor(d), bits);
    EXPECT_EQ(decode_descriptor(3ull << 62).swizzle, Swizzle::b32);
    EXPECT_EQ(decode_descriptor(2ull << 62).swizzle, Swizzle::b64);
    EXPECT_EQ(decode_descriptor(0x3fffull).start_address, 0x3fff0u);
}

void expect_error(const std::function<void()>& action, const std::string& fragment) {
    try {
        action();
        ADD_FAILURE() << "accepted; expected an error with '" << fragment << "'";
    } catch (const UserError& error) {
        EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
    }
}

TEST(WgmmaDescriptor, RejectsReservedBitsAndABaseOffsetWithoutSwizzle) {
    for (int bit : {14, 15, 30, 31, 46, 47, 48, 52, 61})
        expect_error([&] { decode_descriptor(1ull << bit); }, "reserved bits");
    expect_error([] { decode_descriptor(1ull << 49); }, "base offset 1 given without a swizzle");
}

// Addresses worked out by hand from the formulas in the header (PTX §9.7.15.5.1.2 and CuTe's
// Swizzle<s,4,3>: bits [7, 7+s) XORed into the 16-byte chunk bits [4, 4+s)).
TEST(WgmmaDescriptor, ComputesKnownAddresses) {
    const OperandTile k16{Major::k, 16, 64, 16};
    // No swizzle, K-major f16, start 0x100, LBO 128, SBO 256; element (9, 10): core matrix row
    // 9/8 = 1 (+256), row 1 inside it (+16), K byte 20 = core column 1 (+128) + 4 -> 0x100 + 404.
    EXPECT_EQ(element_address(desc(0x100, 128, 256, Swizzle::none), k16, 9, 10), 0x100u + 404);
    // 128B, K-major, start 0, SBO 1024: (3, 10) at 3*128 + 20 = 404 = 0b1_1001_0100: chunk 1,
    // row bits 3 -> chunk 2 -> 420. (9, 0): 1024 + 128 = 1152, row bits 1 -> chunk 1 -> 1168.
    EXPECT_EQ(element_address(desc(0, 16, 1024, Swizzle::b128), k16, 3, 10), 420u);
    EXPECT_EQ(element_address(desc(0, 16, 1024, Swizzle::b128), k16, 9, 0), 1168u);
    // 64B, K-major, SBO 512: (5, 3) at 5*64 + 6 = 326; bits 8..7 = 2, chunk 0 -> 2 -> 358.
    EXPECT_EQ(element_address(desc(0, 16, 512, Swizzle::b64), k16, 5, 3), 358u);
    // 32B, K-major, SBO 256: (6, 9) at 6*32 + 18 = 210; bit 7 = 1, chunk bit 4 = 1 -> 0 -> 194.
    EXPECT_EQ(element_address(desc(0, 16, 256, Swizzle::b32), k16, 6, 9), 194u);
    // MN-major, no swizzle, LBO 256 (K), SBO 128 (MN): (13, 10): MN byte 26 = core 1 (+128) + 10,
    // K row 10 = group 1 (+256) + row 2 (+32) -> 426.
    const OperandTile mn16{Major::mn, 16, 64, 16};
    EXPECT_EQ(element_address(desc(0, 256, 128, Swizzle::none), mn16, 13, 10), 426u);
    // MN-major 128B, LBO 2048 (MN atoms), SBO 1024 (8-row K groups): (70, 9): MN byte 140 = atom 1
    // (+2048) + 12; K row 9 = group 1 (+1024) + row 1 (+128) -> 3212; bits 9..7 = 1, chunk 0 -> 1 -> 3228.
    EXPECT_EQ(element_address(desc(0, 2048, 1024, Swizzle::b128), mn16, 70, 9), 3228u);
    // Base offset: a 128B pattern that starts at 0x180 (row phase 3) with base offset 3 leaves its
    // first row unswizzled; with base offset 0 the same address is row 3 of an aligned pattern.
    EXPECT_EQ(element_address(desc(0x180, 16, 1024, Swizzle::b128, 3), k16, 0, 0), 0x180u);
    EXPECT_EQ(element_address(desc(0x180, 16, 1024, Swizzle::b128, 0), k16, 0, 0), 0x180u ^ 0x30u);
}

// The worked examples of PTX ISA §9.7.15.5.1.2.1.3, given there as CuTe layouts in elements:
// element (mn, k) sits at byte e * layout(mn, k), then the swizzle acts on the byte address.
TEST(WgmmaDescriptor, MatchesThePtxCanonicalLayoutExamples) {
    const auto swizzled = [](std::uint32_t byte, int bits) {  // Swizzle<bits,4,3> on a byte address
        return byte ^ (((byte >> 7) & ((1u << bits) - 1)) << 4);
    };
    for (int mn = 0; mn < 16; ++mn)
        for (int k = 0; k < 16; ++k) {
            // K-major, no swizzle, tf32: ((8,2),(4,4)):((4,32),(1,64)); LBO 256 B, SBO 128 B.
            const auto tf32 = static_cast<std::uint32_t>(4 * (4 * (mn % 8) + 32 * (mn / 8) + k % 4 + 64 * (k / 4)));
            EXPECT_EQ(element_address(desc(0, 256, 128, Swizzle::none), {Major::k, 32, 16, 16}, mn, k), tf32);
            // MN-major, no swizzle, bf16: ((8,1,2),(8,2)):((1,8,64),(8,128)); LBO 256 B, SBO 128 B.
            const auto none = static_cast<std::uint32_t>(2 * (mn % 8 + 64 * (mn / 8) + 8 * (k % 8) + 128 * (k / 8)));
            EXPECT_EQ(element_address(desc(0, 256, 128, Swizzle::none), {Major::mn, 16, 16, 16}, mn, k), none);
        }
    for (int mn = 0; mn < 32; ++mn)
        for (int k = 0; k < 16; ++k) {
            // MN-major, 32B, bf16: ((8,2,2),(8,2)):((1,8,128),(16,256)); LBO 256 B, SBO 512 B.
            const auto b32 = static_cast<std::uint32_t>(2 * (mn % 16 + 128 * (mn / 16) + 16 * (k % 8) + 256 * (k / 8)));
            EXPECT_EQ(element_address(desc(0, 256, 512, Swizzle::b32), {Major::mn, 16, 32, 16}, mn, k), swizzled(b32, 1));
        }
    for (int mn = 0; mn < 64; ++mn)
        for (int k = 0; k < 16; ++k) {
            // MN-major, 64B, bf16: ((8,4,2),(8,2)):((1,8,256),(32,512)); LBO 512 B, SBO 1024 B.
            const auto b64 = static_cast<std::uint32_t>(2 * (mn % 32 + 256 * (mn / 32) + 32 * (k % 8) + 512 * (k / 8)));
            EXPECT_EQ(element_address(desc(0, 512, 1024, Swizzle::b64), {Major::mn, 16, 64, 16}, mn, k), swizzled(b64, 2));
        }
}

// The 128-byte swizzle as the CUDA guide draws it: row r of an 8 x 128-byte atom stores its
// 16-byte chunk c at chunk c ^ (r % 8).
TEST(WgmmaDescriptor, Swizzle128MatchesTheChunkPermutationPicture) {
    const OperandTile tile{Major::k, 16, 64, 64};  // 64 f16 = 128 bytes of K per row
    const MatrixDescriptor d = desc(0x2000, 16, 1024, Swizzle::b128);
    for (int mn = 0; mn < 64; ++mn)
        for (int k = 0; k < 64; ++k) {
            const int chunk = (2 * k / 16) ^ (mn % 8);
            const auto expected = static_cast<std::uint32_t>(0x2000 + (mn / 8) * 1024 + (mn % 8) * 128 + chunk * 16 + (2 * k) % 16);
            ASSERT_EQ(element_address(d, tile, mn, k), expected) << mn << "," << k;
        }
}

struct RoundTrip {
    Major major;
    Swizzle swizzle;
    ElemType type;
    int mn_extent;
    int k_extent;
};

// A descriptor that packs the tile densely: K-major atoms stacked along MN (SBO) and along K
// (LBO, past the MN extent); M/N-major atoms along MN and groups of 8 K rows.
MatrixDescriptor dense_descriptor(const RoundTrip& t, std::uint32_t start, int base = 0) {
    const auto w = static_cast<std::uint32_t>(swizzle_bytes(t.swizzle));
    const auto e = static_cast<std::uint32_t>(container_bits(t.type) / 8);
    const auto mn_groups = static_cast<std::uint32_t>(t.mn_extent / 8);
    if (t.major == Major::k) return desc(start, mn_groups * 8 * w, 8 * w, t.swizzle, base);
    const std::uint32_t mn_atoms = static_cast<std::uint32_t>(t.mn_extent) * e / w;
    if (t.swizzle == Swizzle::none) return desc(start, mn_atoms * 128, 128, t.swizzle, base);
    const auto k_groups = static_cast<std::uint32_t>(t.k_extent / 8);
    return desc(start, k_groups * 8 * w, 8 * w, t.swizzle, base);
}

TEST(WgmmaDescriptor, LayingOutAndReadingBackGivesTheMatrixForEveryMode) {
    std::vector<RoundTrip> cases;
    for (Swizzle s : {Swizzle::none, Swizzle::b32, Swizzle::b64, Swizzle::b128}) {
        cases.push_back({Major::k, s, ElemType::f16, 64, 16});   // A of a dense f16 form
        cases.push_back({Major::k, s, ElemType::tf32, 24, 8});   // B of m64n24k8 tf32
        if (s != Swizzle::b32) cases.push_back({Major::k, s, ElemType::e4m3, 16, 64});  // B of a sparse fp8 form (64 bytes of K)
        cases.push_back({Major::mn, s, ElemType::f16, 64, 16});  // transposed A
        cases.push_back({Major::mn, s, ElemType::bf16, 128, 32});  // transposed B of a sparse bf16 form
    }
    std::mt19937 rng(11);
    for (const RoundTrip& t : cases) {
        for (int base : {0, 2}) {
            if (base != 0 && t.swizzle == Swizzle::none) continue;
            // A non-zero base offset b: the pattern starts at row phase b (b * 128 bytes past 1024).
            const std::uint32_t start = 0x4000 + static_cast<std::uint32_t>(base) * 128;
            const MatrixDescriptor d = dense_descriptor(t, start, base);
            const OperandTile tile{t.major, container_bits(t.type), t.mn_extent, t.k_extent};
            SharedMemoryImage smem{0x4000, std::vector<std::uint8_t>(64 * 1024, 0)};
            Matrix m(t.type, t.mn_extent, t.k_extent);
            for (auto& bits : m.bits) bits = static_cast<std::uint32_t>(rng()) & container_mask(t.type);
            write_operand(smem, d, tile, m, true);
            EXPECT_EQ(read_operand(smem, d, tile, t.type, true), m)
                << swizzle_name(t.swizzle) << (t.major == Major::k ? " K-major " : " MN-major ") << name(t.type);
            std::set<std::uint32_t> addresses;
            for (int mn = 0; mn < t.mn_extent; ++mn)
                for (int k = 0; k < t.k_extent; ++k) addresses.insert(element_address(d, tile, mn, k));
            EXPECT_EQ(static_cast<int>(addresses.size()), t.mn_extent * t.k_extent) << swizzle_name(t.swizzle);
            // Read as B (rows = K): the transpose of the same tile.
            const Matrix as_b = read_operand(smem, d, tile, t.type, false);
            EXPECT_EQ(as_b.at(t.k_extent - 1, 3), m.at(3, t.k_extent - 1));
        }
    }
}

TEST(WgmmaDescriptor, RejectsMisalignedStartsAndAddressesOutsideTheImage) {
    const OperandTile k16{Major::k, 16, 64, 16};  // 32 bytes of K
    SharedMemoryImage smem{0, std::vector<std::uint8_t>(16 * 1024, 0)};
    // 128B swizzle: 32 bytes of K from byte 96 end at the row's end; from byte 112 they cross it.
    EXPECT_NO_THROW(read_operand(smem, desc(96, 16, 1024, Swizzle::b128), k16, ElemType::f16, true));
    expect_error([&] { read_operand(smem, desc(112, 16, 1024, Swizzle::b128), k16, ElemType::f16, true); },
                 "misaligned for the 128B swizzle");
    expect_error([&] { read_operand(smem, desc(16, 16, 256, Swizzle::b32), k16, ElemType::f16, true); },
                 "misaligned for the 32B swizzle");
    // A sparse B has 64 bytes of K: more than a 32-byte row holds.
    expect_error([&] { read_operand(smem, desc(0, 16, 256, Swizzle::b32), {Major::k, 16, 8, 32}, ElemType::f16, false); },
                 "64 bytes of K does not fit the 32-byte rows of the 32B swizzle");
    const OperandTile mn16{Major::mn, 16, 64, 16};
    expect_error([&] { read_operand(smem, desc(32, 1024, 512, Swizzle::b64), mn16, ElemType::f16, true); },
                 "not aligned to the 64-byte row");
    // 64 rows in groups of 8 at SBO 1024 need 8 KiB from 12 KiB: row 32 is the first outside.
    expect_error([&] { read_operand(smem, desc(12 * 1024, 16, 1024, Swizzle::b128), k16, ElemType::f16, true); },
                 "element [32][0] lies at shared-memory address 0x4000, outside the image 0x0..0x4000");
}

}  // namespace
}  // namespace stcsim::isa
