// One case of `stcsim mma` for a warp-group `wgmma.mma_async[.sp]` (sm_90a): a JSON object read
// from one input line, turned into the instruction's operands and executed.
//
// Logical form: {"a": [[..]], "b": [[..]], "c": [[..]], "selector": 0} with A 64 x K
// (uncompressed; for .sp it must satisfy the pattern, and the tool compresses it and builds the
// sp-meta registers for the selector), B K x N and C (the accumulator read) 64 x N, row-major.
// Raw form: {"fragments": {"a": [[4 registers] x 128 lanes] or "a_desc": "0x<16 hex digits>",
// "b_desc": "0x..", "c": [[d_regs registers] x 128], "e": [128 sp-meta words]},
// "smem": {"base": "0x0", "bytes": "<hex byte string>"}, "selector": 0, "trans_a": 0, "trans_b": 0}.
// Both forms take the immediates "scale_d" (1, or 0 for D = A*B), "scale_a" and "scale_b" (1, or
// -1 to negate). Elements and registers as in tools/mma_case.h. Every problem is a UserError
// whose message starts with "<where>: " and names the key, element, lane or descriptor.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "isa/execute.h"
#include "isa/wgmma_catalog.h"

namespace stcsim::cli {

// {"d": [["0x3f800000", ...], ...]}: the raw bits of D, row-major 64 x N.
nlohmann::json run_wgmma_case(const isa::WgmmaForm& form, isa::Arch arch, const isa::ExecuteOptions& options,
                              const nlohmann::json& object, const std::string& where);

}  // namespace stcsim::cli
