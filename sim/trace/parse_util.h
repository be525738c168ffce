// Tokenising and number parsing for the trace readers, with stcsim's error messages:
// "FILE:LINE: expected <what>, got '<token>'".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace stcsim::trace {

[[noreturn]] void fail_expected(const std::string& where, std::string_view what, std::string_view got);

// A position "FILE:LINE" for error messages, formatted only when an error is raised (per-line
// parsing must not pay for building the string). `file` must outlive it.
class Where {
public:
    Where(const std::string& file, std::uint64_t line) : file_(file), line_(line) {}
    std::string str() const;

private:
    const std::string& file_;
    std::uint64_t line_;
};
[[noreturn]] void fail_expected(const Where& where, std::string_view what, std::string_view got);

// Splits on blanks (spaces, tabs) without allocating.
class Tokens {
public:
    explicit Tokens(std::string_view text) : text_(text) {}
    bool next(std::string_view& token);
    bool at_end();
    std::string_view rest() const { return text_.substr(pos_); }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

// Strict parsers: the whole token must be the number. Hex accepts an optional 0x prefix.
bool parse_unsigned(std::string_view token, std::uint64_t& value, int base = 10);
bool parse_signed(std::string_view token, std::int64_t& value);
bool parse_register(std::string_view token, std::uint8_t& reg);  // "R0".."R255"
// "(x,y,z)" or "x,y,z" (blanks allowed around the numbers).
bool parse_triple(std::string_view text, std::uint32_t& x, std::uint32_t& y, std::uint32_t& z);
std::string_view trim(std::string_view text);

}  // namespace stcsim::trace
