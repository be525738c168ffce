// One case of `stcsim mma`: a JSON object read from one input line, turned into register operands.
//
// Logical form: {"a": [[..]], "b": [[..]], "c": [[..]], "selector": 0} with A (M x K, uncompressed;
// for .sp it must satisfy the sparsity pattern), B (K x N) and C (M x N) row-major. Raw form:
// {"fragments": {"a": [[lane 0 regs], ...], "b": .., "c": .., "e": [32 metadata words]}, "selector": 0}.
// An element is a JSON number the type represents exactly, or a string "0x3c00" of raw bits.
// Every problem is a UserError whose message starts with "<where>: " and names the element.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "isa/execute.h"

namespace stcsim::cli {

isa::MmaOperands parse_mma_case(const isa::MmaForm& form, const nlohmann::json& object,
                                const std::string& where);

// {"d": [["0x3f800000", ...], ...]}: the raw bits of D, row-major M x N.
nlohmann::json d_to_json(const isa::MmaForm& form, const isa::WarpFragment& d);

// The --arch of `stcsim mma` (and of the Python binding): UsageError naming the legal values.
isa::Arch parse_arch_option(const std::string& text);
// The --invalid-metadata (reject | mux) and --sparse-block-products (0: the arch's default) options.
isa::ExecuteOptions execute_options(const std::string& invalid_metadata, int sparse_block_products);

// One input line as a JSON object; UserError "<where>: malformed JSON at byte N" otherwise.
nlohmann::json parse_case_line(const std::string& line, const std::string& where);

// What `stcsim mma` prints for one case: parses `object`, executes it and returns {"d": ..}.
// UserError "<where>: ..." when the case is wrong for the form or the model rejects it.
nlohmann::json run_mma_case(const isa::MmaForm& form, isa::Arch arch, const isa::ExecuteOptions& options,
                            const nlohmann::json& object, const std::string& where);

}  // namespace stcsim::cli
