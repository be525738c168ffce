#include "sim/trace/parse_util.h"

#include <fmt/format.h>

#include "common/errors.h"

namespace stcsim::trace {

void fail_expected(const std::string& where, std::string_view what, std::string_view got) {
    if (got.size() > 60) got = got.substr(0, 60);
    throw UserError(fmt::format("{}: expected {}, got '{}'", where, what, got));
}

std::string Where::str() const { return fmt::format("{}:{}", file_, line_); }

void fail_expected(const Where& where, std::string_view what, std::string_view got) { fail_expected(where.str(), what, got); }

namespace {
bool blank(char c) { return Tokens::blank(c); }
}  // namespace

std::string_view trim(std::string_view text) {
    while (!text.empty() && blank(text.front())) text.remove_prefix(1);
    while (!text.empty() && blank(text.back())) text.remove_suffix(1);
    return text;
}

bool parse_triple(std::string_view text, std::uint32_t& x, std::uint32_t& y, std::uint32_t& z) {
    text = trim(text);
    if (!text.empty() && text.front() == '(') {
        if (text.back() != ')') return false;
        text = text.substr(1, text.size() - 2);
    }
    std::uint32_t* out[3] = {&x, &y, &z};
    for (int i = 0; i < 3; ++i) {
        const std::size_t comma = i < 2 ? text.find(',') : text.size();
        if (comma == std::string_view::npos) return false;
        std::uint64_t value = 0;
        if (!parse_unsigned(trim(text.substr(0, comma)), value) || value > UINT32_MAX) return false;
        *out[i] = static_cast<std::uint32_t>(value);
        text = i < 2 ? text.substr(comma + 1) : std::string_view{};
    }
    return true;
}

}  // namespace stcsim::trace
