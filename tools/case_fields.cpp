#include "tools/case_fields.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "isa/sparsity.h"
#include "isa/types.h"

namespace stcsim::cli {

using nlohmann::json;

[[noreturn]] void fail_case(const std::string& where, const std::string& what) {
    throw UserError(fmt::format("{}: {}", where, what));
}

std::uint64_t parse_hex_bits(const std::string& text, int max_digits, const std::string& where) {
    if (text.size() < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
        fail_case(where, fmt::format("\"{}\" is not a number or a \"0x...\" bit pattern", text));
    }
    const std::string digits = text.substr(2);
    if (static_cast<int>(digits.size()) > max_digits ||
        digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
        fail_case(where, fmt::format("\"{}\" is not a bit pattern of at most {} hex digits", text, max_digits));
    }
    return std::stoull(digits, nullptr, 16);
}

std::uint32_t parse_element(const json& value, isa::ElemType type, const std::string& where) {
    if (value.is_string()) return static_cast<std::uint32_t>(parse_hex_bits(value.get<std::string>(), isa::hex_digits(type), where));
    if (!value.is_number()) fail_case(where, fmt::format("expected a number or a \"0x...\" string, got {}", value.dump()));
    if (value.is_number_integer() && isa::is_integer(type)) {
        // An unsigned JSON integer above INT64_MAX is out of every element type's range (never wrapped).
        if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
            fail_case(where, fmt::format("{} is out of range for {}", value.dump(), isa::name(type)));
        const auto bits = isa::encode_integer(type, value.get<std::int64_t>());
        if (!bits) fail_case(where, fmt::format("{} is out of range for {}", value.dump(), isa::name(type)));
        return *bits;
    }
    const double number = value.get<double>();
    const auto bits = isa::encode_exact(type, number);
    if (!bits) fail_case(where, fmt::format("{} is not exactly representable as {}", value.dump(), isa::name(type)));
    return *bits;
}

isa::Matrix parse_matrix(const json& value, isa::ElemType type, int rows, int cols, const std::string& where,
                         const std::string& label) {
    const auto shape_error = [&] {
        fail_case(where, fmt::format("{} must be a {} x {} array of rows", label, rows, cols));
    };
    if (!value.is_array() || static_cast<int>(value.size()) != rows) shape_error();
    isa::Matrix m(type, rows, cols);
    for (int r = 0; r < rows; ++r) {
        const json& row = value[static_cast<std::size_t>(r)];
        if (!row.is_array() || static_cast<int>(row.size()) != cols) shape_error();
        for (int c = 0; c < cols; ++c) {
            m.at(r, c) = parse_element(row[static_cast<std::size_t>(c)], type,
                                       fmt::format("{}: {}[{}][{}]", where, label, r, c));
        }
    }
    return m;
}

std::uint32_t parse_word(const json& value, const std::string& where) {
    if (value.is_string()) return static_cast<std::uint32_t>(parse_hex_bits(value.get<std::string>(), 8, where));
    if (value.is_number_unsigned() && value.get<std::uint64_t>() <= 0xffffffffu) return value.get<std::uint32_t>();
    fail_case(where, fmt::format("expected a 32-bit register as \"0x...\" or a non-negative integer, got {}", value.dump()));
}


void check_keys(const json& object, std::initializer_list<const char*> allowed, const std::string& where,
                const std::string& context) {
    for (const auto& [key, unused] : object.items()) {
        bool known = false;
        for (const char* name : allowed) known = known || key == name;
        if (!known) {
            std::string list;
            for (const char* name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
            fail_case(where, fmt::format("unknown key '{}'{}; expected {}", key, context, list));
        }
    }
}

const json& required(const json& object, const char* key, const std::string& where, const std::string& context) {
    if (!object.contains(key)) fail_case(where, fmt::format("missing key '{}'{}", key, context));
    return object.at(key);
}

void check_sparse_pattern(const isa::Matrix& a, const std::string& where) {
    const isa::SparsityPattern pattern = isa::sparsity_pattern(a.type);
    if (const auto bad = isa::find_pattern_violation(a, pattern)) {
        const int first = bad->chunk * pattern.chunk_width;
        fail_case(where, fmt::format("a row {}, columns {}..{}: {} non-zero {}; {} needs at most {} in every {}",
                                     bad->row, first, first + pattern.chunk_width - 1, bad->nonzeros,
                                     pattern.pairwise ? "pairs" : "values", isa::name(a.type),
                                     pattern.kept_per_chunk / (pattern.pairwise ? 2 : 1),
                                     pattern.chunk_width / (pattern.pairwise ? 2 : 1)));
    }
}

nlohmann::json d_matrix_json(const isa::Matrix& d) {
    const int digits = isa::hex_digits(d.type);
    nlohmann::json rows = nlohmann::json::array();
    for (int r = 0; r < d.rows; ++r) {
        nlohmann::json row = nlohmann::json::array();
        for (int c = 0; c < d.cols; ++c) row.push_back(fmt::format("0x{:0{}x}", d.at(r, c), digits));
        rows.push_back(std::move(row));
    }
    return nlohmann::json{{"d", std::move(rows)}};
}

}  // namespace stcsim::cli
