// The targeted probe groups of probe_cases.h: nan_in_pruned_b, block_size and satfinite. Each
// builds logical values by (row, column) and places them with the fragment layouts, with metadata
// nibble 0x4 in every slot so that stored A column kc sits at a known dense K.
#include <algorithm>
#include <climits>
#include <functional>

#include "validation/common/fragment_layout.h"
#include "validation/mma/probe_cases.h"

namespace stcsim::validation {
namespace {

using ValueAt = std::function<std::uint32_t(Coord)>;

void fill_by_coord(const FormInfo& f, Operand op, std::vector<std::uint32_t>& regs, const ValueAt& value) {
    const int nregs = operand_regs(f, op);
    for (int lane = 0; lane < 32; ++lane)
        for (int reg = 0; reg < nregs; ++reg)
            regs[static_cast<std::size_t>(lane * nregs + reg)] = pack_register(
                operand_elem(f, op), [&](int sub) { return value(fragment_coord(f, op, lane, reg, sub)); });
}

int kept_products(const FormInfo& f) { return f.stored_a_cols(); }

// K positions that nibble 0x4 keeps: 2:4 positions 0,1 of each 4; tf32 element 0 of each 2;
// int4 pairs 0,1 of each 8.
bool kept_by_nibble4(const FormInfo& f, int k) {
    if (!f.sparse()) return true;
    if (f.a == Elem::tf32) return k % 2 == 0;
    if (f.a == Elem::s4 || f.a == Elem::u4) return k % 8 < 4;
    return k % 4 < 2;
}

int selectors(const FormInfo& f) { return std::max(1, f.selectors); }

ProbeCase nibble4_case(const FormInfo& f, int sel) {
    ProbeCase pc = empty_case(f, sel);
    if (f.sparse()) std::fill(pc.e.begin(), pc.e.end(), uniform_metadata(0x4));
    return pc;
}

ProbeGroup nan_in_pruned_b(const FormInfo& f, Rng& rng) {
    ProbeGroup g{"nan_in_pruned_b", {}};
    for (int sel = 0; sel < selectors(f); ++sel)
        for (int i = 0; i < 4; ++i) {
            ProbeCase pc = nibble4_case(f, sel);
            fill_random(f, pc, rng, false);
            fill_by_coord(f, Operand::B, pc.b, [&](Coord kn) {
                if (kept_by_nibble4(f, kn.row)) return random_normal(rng, f.b, -4, 4);
                switch ((kn.row + kn.col + i) % 3) {
                    case 0: return make_nan(f.b, static_cast<std::uint32_t>(rng()));
                    case 1: return make_inf(f.b, false);
                    default: return make_inf(f.b, true);
                }
            });
            g.cases.push_back(std::move(pc));
        }
    return g;
}

// Row r keeps one large product (2^L) at stored column pos(r) and small ones (+-2^(L-d)) elsewhere;
// B is 1. With the large product in the second half, a two-block datapath sums the small ones of
// the first block exactly before aligning them to the large one; a one-block datapath truncates
// each of them against the large one. Large-first cases probe the other direction.
ProbeGroup block_size(const FormInfo& f, Rng& rng) {
    ProbeGroup g{"block_size", {}};
    const int products = kept_products(f);
    const int large_exp = std::min(10, max_normal_exp(f.a) - 1);
    const std::uint32_t one_b = make_normal(f.b, false, 0, 0);
    for (int d : {12, 13, 14, 15, 16, 20})
        for (bool large_first : {false, true})
            for (bool negative_small : {false, true}) {
                ProbeCase pc = nibble4_case(f, 0);
                const int small_exp = std::max(large_exp - d, min_normal_exp(f.a));
                const auto pos = [&](int row) {
                    const int half = std::max(1, products / 2);
                    return (large_first ? 0 : products - half) + (row * 3 + d) % half;
                };
                fill_by_coord(f, Operand::A, pc.a, [&](Coord rk) {
                    if (rk.col == pos(rk.row)) return make_normal(f.a, false, large_exp, 0);
                    return make_normal(f.a, negative_small, small_exp, 0);
                });
                fill_by_coord(f, Operand::B, pc.b, [&](Coord) { return one_b; });
                if (d == 20) fill_by_coord(f, Operand::C, pc.c, [&](Coord) { return random_normal(rng, f.c, -2, 2); });
                g.cases.push_back(std::move(pc));
            }
    return g;
}

// C near INT32_MAX / INT32_MIN. Products are +max in the first half of K and -max in the second
// (when a signed operand allows it), so some cases overflow only at the halfway point.
ProbeGroup satfinite(const FormInfo& f) {
    ProbeGroup g{"satfinite", {}};
    const bool signed_a = elem_is_signed_int(f.a);
    const bool can_negate = signed_a || elem_is_signed_int(f.b);
    const std::int64_t amax = int_max(f.a), bmax = int_max(f.b);
    const std::int64_t half_sum = std::int64_t{kept_products(f) / 2} * amax * bmax;
    enum Kind { overflow_up, overflow_down, halfway_up, halfway_down };
    for (Kind kind : {overflow_up, overflow_down, halfway_up, halfway_down}) {
        const bool alternating = kind == halfway_up || kind == halfway_down;
        const bool negative = kind == overflow_down;
        if ((alternating || negative) && !can_negate) continue;
        for (int sel = 0; sel < selectors(f); ++sel) {
            ProbeCase pc = nibble4_case(f, sel);
            // Sign of the products at dense K in the first or second half of K.
            const auto sign_first_half = [&](bool first) {
                if (kind == halfway_up) return first ? 1 : -1;
                if (kind == halfway_down) return first ? -1 : 1;
                return negative ? -1 : 1;
            };
            fill_by_coord(f, Operand::A, pc.a, [&](Coord rk) {
                const bool first = dense_k_for_nibble4(f, rk.col) < f.k / 2;
                const int sign = signed_a ? sign_first_half(first) : 1;
                return make_int(f.a, sign * amax);
            });
            fill_by_coord(f, Operand::B, pc.b, [&](Coord kn) {
                const bool first = kn.row < f.k / 2;
                const int sign = signed_a ? 1 : sign_first_half(first);
                return make_int(f.b, sign * bmax);
            });
            fill_by_coord(f, Operand::C, pc.c, [&](Coord rn) {
                const std::int64_t slack = rn.row * 8 + rn.col;  // some rows land exactly on the limit
                std::int64_t c = 0;
                switch (kind) {
                    case overflow_up: c = INT32_MAX - half_sum + slack; break;
                    case overflow_down: c = INT32_MIN + half_sum - slack; break;
                    case halfway_up: c = INT32_MAX - half_sum / 2 + slack; break;
                    case halfway_down: c = INT32_MIN + half_sum / 2 - slack; break;
                }
                return make_int(Elem::s32, c);
            });
            g.cases.push_back(std::move(pc));
        }
    }
    return g;
}

}  // namespace

std::vector<ProbeGroup> special_groups(const FormInfo& f, Rng& rng) {
    std::vector<ProbeGroup> groups;
    if (elem_is_float(f.a)) {
        if (f.sparse()) groups.push_back(nan_in_pruned_b(f, rng));
        groups.push_back(block_size(f, rng));
    } else {
        groups.push_back(satfinite(f));
    }
    return groups;
}

}  // namespace stcsim::validation
