// Field readers shared by the case formats of `stcsim mma` (tools/mma_case.h for warp-level mma,
// tools/wgmma_case.h for warp-group wgmma). Every problem is a UserError whose message starts
// with "<where>: " and names the element or key.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "isa/matrix.h"

namespace stcsim::cli {

[[noreturn]] void fail_case(const std::string& where, const std::string& what);

// "0x..." of at most max_digits hex digits.
std::uint64_t parse_hex_bits(const std::string& text, int max_digits, const std::string& where);
// A JSON number the type represents exactly, or a "0x..." raw bit pattern of the element.
std::uint32_t parse_element(const nlohmann::json& value, isa::ElemType type, const std::string& where);
// A rows x cols array of rows; `label` names it in messages ("a", "b", "c").
isa::Matrix parse_matrix(const nlohmann::json& value, isa::ElemType type, int rows, int cols, const std::string& where,
                         const std::string& label);
// A 32-bit register as "0x..." or a non-negative integer.
std::uint32_t parse_word(const nlohmann::json& value, const std::string& where);
void check_keys(const nlohmann::json& object, std::initializer_list<const char*> allowed, const std::string& where,
                const std::string& context);
// A logical sparse A must satisfy its type's pattern: "a row R, columns ..: N non-zero values; ..."
void check_sparse_pattern(const isa::Matrix& a, const std::string& where);
const nlohmann::json& required(const nlohmann::json& object, const char* key, const std::string& where,
                               const std::string& context);

// The output line of one case: {"d": rows of the raw bits in hex, as many digits as the type holds}.
nlohmann::json d_matrix_json(const isa::Matrix& d);

}  // namespace stcsim::cli
