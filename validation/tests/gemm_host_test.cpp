// The host side of gemm_bench: the stored A, the metadata words and the logical A agree (decoding
// every nibble from the word and bit the kernel's layout gives reproduces the dense A), and the
// values are the exact multiples of 1/8 they claim to be.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "isa/arch.h"
#include "isa/catalog.h"
#include "isa/fragments.h"
#include "validation/gemm/gemm_host.h"

namespace stcsim::validation::gemm {
namespace {

double f16_value(std::uint16_t bits) {
    const int exponent = bits >> 10 & 31, frac = bits & 1023;
    const double magnitude = exponent == 0 ? std::ldexp(frac, -24) : std::ldexp(1024 + frac, exponent - 25);
    return bits & 0x8000 ? -magnitude : magnitude;
}

double bf16_value(std::uint16_t bits) {
    const std::uint32_t word = static_cast<std::uint32_t>(bits) << 16;
    float f = 0;
    std::memcpy(&f, &word, sizeof f);
    return f;
}

TEST(GemmHost, ValuesAreEighthsInBothTypes) {
    const GemmConfig dense{128, 128, 32, 64, 64, 3, false};
    for (const char* dtype : {"f16", "bf16"}) {
        const GemmData d = make_gemm_data(128, 128, 64, dtype, dense, 1);
        for (std::uint16_t bits : d.b) {
            const double v = std::string(dtype) == "f16" ? f16_value(bits) : bf16_value(bits);
            EXPECT_LE(std::abs(v), 1.0);
            EXPECT_EQ(v * 8, std::round(v * 8)) << dtype << " " << bits;
        }
        EXPECT_EQ(d.a, d.a_dense);
    }
}

TEST(GemmHost, MetadataDecodesToTheDenseA) {
    const GemmConfig c{128, 128, 64, 64, 64, 3, true};
    const std::int64_t m = 256, k = 256;
    const GemmData d = make_gemm_data(m, 128, k, "f16", c, 3);
    const isa::MmaForm form = isa::parse_mma("mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32", isa::Arch::sm_80);
    ASSERT_EQ(d.e.size(), static_cast<std::size_t>(m / c.tm * (k / c.tk) * c.metadata_words_per_stage()));
    for (std::int64_t row = 0; row < m; ++row)
        for (std::int64_t chunk = 0; chunk < k / 4; ++chunk) {
            const std::int64_t kt = chunk * 4 / c.tk;
            const int step = static_cast<int>(chunk * 4 % c.tk / 32);
            const auto slot = isa::metadata_slot(form, step % 2, static_cast<int>(row % 16), static_cast<int>(chunk % 8));
            const std::int64_t block = (row / c.tm * (k / c.tk) + kt) * c.metadata_words_per_stage() +
                                       ((step / 2) * (c.tm / 16) + row % c.tm / 16) * 32;
            const std::uint32_t nibble = d.e[static_cast<std::size_t>(block + slot.lane)] >> slot.bit & 15;
            const int i0 = static_cast<int>(nibble & 3), i1 = static_cast<int>(nibble >> 2);
            ASSERT_LT(i0, i1) << row << " " << chunk;
            for (int p = 0; p < 4; ++p) {
                const std::uint16_t dense = d.a_dense[static_cast<std::size_t>(row * k + chunk * 4 + p)];
                if (p == i0) EXPECT_EQ(dense, d.a[static_cast<std::size_t>(row * k / 2 + chunk * 2)]);
                else if (p == i1) EXPECT_EQ(dense, d.a[static_cast<std::size_t>(row * k / 2 + chunk * 2 + 1)]);
                else EXPECT_EQ(dense, 0) << "pruned position holds a value";
            }
        }
}

}  // namespace
}  // namespace stcsim::validation::gemm
