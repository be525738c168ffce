// The input cases of the functional probes (mma_probes), per form, as raw per-lane registers:
// exactly what the instruction receives and what `stcsim mma` reads as {"fragments": ..}.
// Host code only; no CUDA. Deterministic for a given seed.
//
// Groups of cases (label: what it checks; mma-sp-isa.md §6 item):
//   random            normal values, every selector, random legal nibble in every metadata slot
//   special           subnormals, +-0, Inf, NaN payloads, values near the largest finite (ints: extremes)
//   metadata_nibble_X every slot holds legal nibble X, every selector (item 1: layouts of all shapes)
//   nan_in_pruned_b   metadata 0x4 everywhere, NaN / Inf in B only at K positions no row keeps (item 3)
//   block_size        one large product and small ones placed to tell 1, 2 or 4 fused blocks apart (item 4)
//   satfinite         C near INT32 limits, partial sums that overflow only halfway through K (item 5)
//   invalid_nibble_X  (invalid group) every slot holds nibble X, illegal for this form (item 2):
//                     duplicates, reversed pairs under ordered_metadata, tf32 nibbles other than 4/E
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "validation/common/mma_forms.h"
#include "validation/common/values.h"

namespace stcsim::validation {

struct ProbeCase {
    int selector = 0;
    std::vector<std::uint32_t> a, b, c;  // 32 lanes x regs, lane-major
    std::vector<std::uint32_t> e;        // 32 metadata words (zeros for dense forms)
};

struct ProbeGroup {
    std::string label;
    std::vector<ProbeCase> cases;
};

struct ProbeSet {
    std::vector<ProbeGroup> valid;    // legal inputs: `stcsim mma` must match the GPU bit for bit
    std::vector<ProbeGroup> invalid;  // illegal metadata (PTX: undefined): run with --invalid-metadata=mux
};

ProbeSet make_probes(const FormInfo& form, std::uint32_t seed);

// Metadata nibbles legal for the form (§1.3, §2.1), and the illegal ones.
std::vector<std::uint32_t> legal_nibbles(const FormInfo& form);
std::vector<std::uint32_t> illegal_nibbles(const FormInfo& form);

// Building blocks shared with probe_special.cpp.
ProbeCase empty_case(const FormInfo& form, int selector);
std::uint32_t uniform_metadata(std::uint32_t nibble);  // the nibble in all 8 slots
void fill_random(const FormInfo& form, ProbeCase& pc, Rng& rng, bool special);
std::vector<ProbeGroup> special_groups(const FormInfo& form, Rng& rng);  // nan_in_pruned_b, block_size, satfinite

}  // namespace stcsim::validation
