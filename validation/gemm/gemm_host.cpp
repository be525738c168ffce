#include "validation/gemm/gemm_host.h"

#include <random>
#include <stdexcept>

#include "isa/arch.h"
#include "isa/catalog.h"
#include "isa/fragments.h"

namespace stcsim::validation::gemm {
namespace {

// Bits of q / 8 (q in -8..8) in f16 or bf16: exact in both. |q| = 2^lead + frac, frac < 2^lead.
std::uint16_t encode(int q, bool bf16) {
    if (q == 0) return 0;
    const int sign = q < 0 ? 0x8000 : 0, mag = q < 0 ? -q : q;
    int lead = 0;
    while ((mag >> (lead + 1)) != 0) ++lead;
    const int exponent = lead - 3, frac = mag - (1 << lead);
    if (bf16) return static_cast<std::uint16_t>(sign | (exponent + 127) << 7 | frac << (7 - lead));
    return static_cast<std::uint16_t>(sign | (exponent + 15) << 10 | frac << (10 - lead));
}

}  // namespace

GemmData make_gemm_data(std::int64_t m, std::int64_t n, std::int64_t k, const std::string& dtype, const GemmConfig& c,
                        std::uint32_t seed) {
    if (dtype != "f16" && dtype != "bf16") throw std::invalid_argument("dtype must be f16 or bf16");
    const bool bf16 = dtype == "bf16";
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> value(-8, 8), pair(0, 5);
    GemmData d;
    d.a_dense.resize(static_cast<std::size_t>(m * k));
    d.b.resize(static_cast<std::size_t>(k * n));
    for (auto& x : d.b) x = encode(value(rng), bf16);
    if (!c.sparse) {
        for (auto& x : d.a_dense) x = encode(value(rng), bf16);
        d.a = d.a_dense;
        return d;
    }
    static constexpr int kPairs[6][2] = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};
    const isa::MmaForm form = isa::parse_mma(
        bf16 ? "mma.sp.sync.aligned.m16n8k32.row.col.f32.bf16.bf16.f32" : "mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32",
        isa::Arch::sm_80);
    d.a.resize(static_cast<std::size_t>(m * k / 2));
    const std::int64_t k_tiles = k / c.tk;
    d.e.assign(static_cast<std::size_t>(m / c.tm * k_tiles * c.metadata_words_per_stage()), 0);
    for (std::int64_t row = 0; row < m; ++row)
        for (std::int64_t chunk = 0; chunk < k / 4; ++chunk) {
            const int* kept = kPairs[pair(rng)];
            for (int j = 0; j < 2; ++j) {
                const std::uint16_t v = encode(value(rng), bf16);
                d.a_dense[static_cast<std::size_t>(row * k + chunk * 4 + kept[j])] = v;
                d.a[static_cast<std::size_t>(row * (k / 2) + chunk * 2 + j)] = v;
            }
            // Where this chunk's nibble goes: CTA row tile, K tile, k-step, selector, MMA row tile.
            const std::int64_t bm = row / c.tm, kt = chunk * 4 / c.tk;
            const int step = static_cast<int>(chunk * 4 % c.tk / 32), selector = step % 2;
            const int mtile = static_cast<int>(row % c.tm / 16);
            const auto slot = isa::metadata_slot(form, selector, static_cast<int>(row % 16), static_cast<int>(chunk % 8));
            const std::int64_t block = (bm * k_tiles + kt) * c.metadata_words_per_stage() + ((step / 2) * (c.tm / 16) + mtile) * 32;
            d.e[static_cast<std::size_t>(block + slot.lane)] |= static_cast<std::uint32_t>(kept[0] | kept[1] << 2) << slot.bit;
        }
    return d;
}

}  // namespace stcsim::validation::gemm
