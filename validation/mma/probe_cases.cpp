#include "validation/mma/probe_cases.h"

#include <algorithm>

namespace stcsim::validation {

namespace {
constexpr int kRandomPerSelector = 24;
constexpr int kSpecialPerSelector = 8;
constexpr int kPerNibble = 2;

bool is_tf32(const FormInfo& f) { return f.a == Elem::tf32; }
}  // namespace

std::vector<std::uint32_t> legal_nibbles(const FormInfo& f) {
    if (!f.sparse()) return {};
    if (is_tf32(f)) return {0x4, 0xE};
    if (f.sparsity == Sparsity::sp_ordered) return {0x4, 0x8, 0x9, 0xC, 0xD, 0xE};
    std::vector<std::uint32_t> out;
    for (std::uint32_t n = 0; n < 16; ++n)
        if ((n & 3u) != (n >> 2)) out.push_back(n);
    return out;
}

std::vector<std::uint32_t> illegal_nibbles(const FormInfo& f) {
    if (!f.sparse()) return {};
    const auto legal = legal_nibbles(f);
    std::vector<std::uint32_t> out;
    for (std::uint32_t n = 0; n < 16; ++n)
        if (std::find(legal.begin(), legal.end(), n) == legal.end()) out.push_back(n);
    return out;
}

ProbeCase empty_case(const FormInfo& f, int selector) {
    ProbeCase pc;
    pc.selector = selector;
    pc.a.assign(static_cast<std::size_t>(32 * f.a_regs), 0);
    pc.b.assign(static_cast<std::size_t>(32 * f.b_regs), 0);
    pc.c.assign(static_cast<std::size_t>(32 * f.c_regs), 0);
    pc.e.assign(32, 0);
    return pc;
}

std::uint32_t uniform_metadata(std::uint32_t nibble) { return nibble * 0x11111111u; }

void fill_random(const FormInfo& f, ProbeCase& pc, Rng& rng, bool special) {
    const auto element = [&](Elem e) {
        return special ? random_special(rng, e) : random_normal(rng, e, -4, 4);
    };
    for (auto& r : pc.a) r = pack_register(f.a, [&](int) { return element(f.a); });
    for (auto& r : pc.b) r = pack_register(f.b, [&](int) { return element(f.b); });
    for (auto& r : pc.c) r = pack_register(f.c, [&](int) { return element(f.c); });
}

namespace {

void random_legal_metadata(const FormInfo& f, ProbeCase& pc, Rng& rng) {
    const auto legal = legal_nibbles(f);
    for (auto& word : pc.e) {
        word = 0;
        for (int slot = 0; slot < 8; ++slot)
            word |= legal[random_bits(rng, static_cast<std::uint32_t>(legal.size()))] << (4 * slot);
    }
}

int selector_count(const FormInfo& f) { return std::max(1, f.selectors); }

ProbeGroup random_group(const FormInfo& f, Rng& rng, const std::string& label, int per_selector, bool special) {
    ProbeGroup g{label, {}};
    for (int sel = 0; sel < selector_count(f); ++sel)
        for (int i = 0; i < per_selector; ++i) {
            ProbeCase pc = empty_case(f, sel);
            fill_random(f, pc, rng, special);
            if (f.sparse()) random_legal_metadata(f, pc, rng);
            g.cases.push_back(std::move(pc));
        }
    return g;
}

std::string hex_nibble(std::uint32_t n) {
    const char digits[] = "0123456789ABCDEF";
    return std::string(1, digits[n & 15u]);
}

ProbeGroup nibble_group(const FormInfo& f, Rng& rng, const std::string& prefix, std::uint32_t nibble,
                        int selectors) {
    ProbeGroup g{prefix + hex_nibble(nibble), {}};
    for (int sel = 0; sel < selectors; ++sel)
        for (int i = 0; i < kPerNibble; ++i) {
            ProbeCase pc = empty_case(f, sel);
            fill_random(f, pc, rng, false);
            std::fill(pc.e.begin(), pc.e.end(), uniform_metadata(nibble));
            g.cases.push_back(std::move(pc));
        }
    return g;
}

}  // namespace

ProbeSet make_probes(const FormInfo& f, std::uint32_t seed) {
    Rng rng(seed);
    ProbeSet set;
    set.valid.push_back(random_group(f, rng, "random", kRandomPerSelector, false));
    set.valid.push_back(random_group(f, rng, "special", kSpecialPerSelector, true));
    for (std::uint32_t nibble : legal_nibbles(f))
        set.valid.push_back(nibble_group(f, rng, "metadata_nibble_", nibble, selector_count(f)));
    for (ProbeGroup& g : special_groups(f, rng)) set.valid.push_back(std::move(g));
    for (std::uint32_t nibble : illegal_nibbles(f))
        set.invalid.push_back(nibble_group(f, rng, "invalid_nibble_", nibble, 1));
    return set;
}

}  // namespace stcsim::validation
