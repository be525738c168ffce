#include "sim/trace/parse_util.h"

#include <fmt/format.h>

#include <charconv>

#include "common/errors.h"

namespace stcsim::trace {

void fail_expected(const std::string& where, std::string_view what, std::string_view got) {
    if (got.size() > 60) got = got.substr(0, 60);
    throw UserError(fmt::format("{}: expected {}, got '{}'", where, what, got));
}

std::string Where::str() const { return fmt::format("{}:{}", file_, line_); }

void fail_expected(const Where& where, std::string_view what, std::string_view got) { fail_expected(where.str(), what, got); }

namespace {
bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
}  // namespace

bool Tokens::next(std::string_view& token) {
    while (pos_ < text_.size() && blank(text_[pos_])) ++pos_;
    if (pos_ == text_.size()) return false;
    const std::size_t start = pos_;
    while (pos_ < text_.size() && !blank(text_[pos_])) ++pos_;
    token = text_.substr(start, pos_ - start);
    return true;
}

bool Tokens::at_end() {
    while (pos_ < text_.size() && blank(text_[pos_])) ++pos_;
    return pos_ == text_.size();
}

bool parse_unsigned(std::string_view token, std::uint64_t& value, int base) {
    if (base == 16 && token.size() > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X'))
        token.remove_prefix(2);
    if (token.empty()) return false;
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value, base);
    return error == std::errc() && end == token.data() + token.size();
}

bool parse_signed(std::string_view token, std::int64_t& value) {
    if (token.empty()) return false;
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value, 10);
    return error == std::errc() && end == token.data() + token.size();
}

bool parse_register(std::string_view token, std::uint8_t& reg) {
    if (token.size() < 2 || token[0] != 'R') return false;
    std::uint64_t number = 0;
    if (!parse_unsigned(token.substr(1), number) || number > 255) return false;
    reg = static_cast<std::uint8_t>(number);
    return true;
}

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
