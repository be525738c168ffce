// Executes one warp-level mma / mma.sp on register fragments, bit-exactly (mma-sp-isa.md §3.6).
//
// The sparse path reads only what the hardware reads: for each A row and metadata chunk it decodes
// the nibble from the selected lanes' metadata registers and multiplies each stored A value with the
// B row the nibble names. B values at pruned positions never enter the arithmetic, so a NaN there
// does not propagate. Invalid nibbles and selectors are UserErrors naming the lane, bits, row and
// columns, unless InvalidMetadataMode::mux asks to emulate what the operand mux does with them.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "isa/arch.h"
#include "isa/catalog.h"
#include "isa/fragments.h"

namespace stcsim::isa {

// One operand's registers across the warp.
struct WarpFragment {
    int regs_per_lane = 0;
    std::vector<std::uint32_t> words;  // words[lane * regs_per_lane + reg]

    WarpFragment() = default;
    explicit WarpFragment(int regs)
        : regs_per_lane(regs), words(static_cast<std::size_t>(kWarpSize * regs), 0u) {}
    std::uint32_t& at(int lane, int reg) { return words[index(lane, reg)]; }
    std::uint32_t at(int lane, int reg) const { return words[index(lane, reg)]; }
    bool operator==(const WarpFragment&) const = default;

private:
    std::size_t index(int lane, int reg) const {
        return static_cast<std::size_t>(lane * regs_per_lane + reg);
    }
};

using MetadataRegisters = std::array<std::uint32_t, kWarpSize>;

struct MmaOperands {
    WarpFragment a;  // compressed A for .sp
    WarpFragment b;
    WarpFragment c;
    MetadataRegisters metadata{};  // .sp only: register e of every lane
    int selector = 0;              // .sp only: the immediate f
};

enum class InvalidMetadataMode {
    reject,  // an illegal nibble is an error (PTX: undefined behaviour)
    // Each 2-bit index is a plain select, duplicates included: of a B row for 2:4 (f16, bf16,
    // 8-bit) and 4:8 (a pair of rows); of a 16-bit half of the chunk's two B values for tf32
    // (isa/sparsity.h tf32_sparse_b). This matches the H200 invalid-metadata probes bit for bit
    // (tf32: all 14 illegal nibbles; f16, bf16, s8/u8, s4/u4: the duplicate-index nibbles).
    mux,
};

struct ExecuteOptions {
    InvalidMetadataMode invalid_metadata = InvalidMetadataMode::reject;
    // Kept products summed per fused block on the sparse path; 0 takes the architecture's default
    // (the hypothesis of hardware-facts.md §5), so that a measurement can settle it.
    int sparse_products_per_block = 0;
};

// D fragment of `form` executed on `arch`. Throws UserError for an illegal selector or metadata.
// fp8 forms on sm_90 / sm_90a run as ptxas lowers them (isa/execute_fp8_sm90.h).
WarpFragment execute(const MmaForm& form, Arch arch, const MmaOperands& operands,
                     const ExecuteOptions& options = {});

// The checks execute() makes on a sparse form's selector and (in reject mode) metadata nibbles:
// a UserError naming the lane, bits, row and columns of the first illegal one.
void check_sparse_operands(const MmaForm& form, const MmaOperands& operands, const ExecuteOptions& options);

}  // namespace stcsim::isa
