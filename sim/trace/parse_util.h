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

namespace detail {
// The value of digit `c` (0-9, a-f, A-F), or 255 for any other character.
inline unsigned digit_value(char c) {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    const char lower = static_cast<char>(c | 0x20);
    if (lower >= 'a' && lower <= 'f') return static_cast<unsigned>(lower - 'a' + 10);
    return 255;
}
}  // namespace detail

// Splits on blanks (spaces, tabs, '\r') without allocating. Inline: it runs for every token of
// every trace line.
class Tokens {
public:
    explicit Tokens(std::string_view text) : text_(text) {}
    bool next(std::string_view& token) {
        while (pos_ < text_.size() && blank(text_[pos_])) ++pos_;
        if (pos_ == text_.size()) return false;
        const std::size_t start = pos_;
        while (pos_ < text_.size() && !blank(text_[pos_])) ++pos_;
        token = text_.substr(start, pos_ - start);
        return true;
    }
    bool at_end() {
        while (pos_ < text_.size() && blank(text_[pos_])) ++pos_;
        return pos_ == text_.size();
    }
    std::string_view rest() const { return text_.substr(pos_); }
    static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

    // Single-pass fast paths for the numbers that make up most of a trace line: each reads the
    // next token as parse_unsigned / parse_signed / parse_register would and consumes it, or
    // returns false and consumes nothing (the caller then takes the token the ordinary way, which
    // also reports a bad one). They give up on tokens long enough to need an overflow check.
    bool next_unsigned(std::uint64_t& value, unsigned base, std::uint64_t max) {
        skip_blanks();
        std::size_t pos = pos_;
        if (base == 16 && pos + 2 < text_.size() && text_[pos] == '0' && (text_[pos + 1] == 'x' || text_[pos + 1] == 'X') &&
            !blank(text_[pos + 2]))
            pos += 2;
        return finish_digits(pos, base == 16 ? 16 : 19, base, max, value);
    }
    bool next_signed(std::int64_t& value) {
        skip_blanks();
        const bool negative = pos_ < text_.size() && text_[pos_] == '-';
        std::uint64_t magnitude = 0;
        if (!finish_digits(pos_ + (negative ? 1 : 0), 18, 10, UINT64_MAX, magnitude)) return false;
        value = negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
        return true;
    }
    bool next_register(std::uint8_t& reg) {
        skip_blanks();
        std::uint64_t number = 0;
        if (pos_ >= text_.size() || text_[pos_] != 'R' || !finish_digits(pos_ + 1, 3, 10, 255, number)) return false;
        reg = static_cast<std::uint8_t>(number);
        return true;
    }

private:
    void skip_blanks() {
        while (pos_ < text_.size() && blank(text_[pos_])) ++pos_;
    }
    // Digits from `pos` up to the end of the token: at least one and at most `max_digits`, all
    // below `base`, worth at most `max`; on success consumes the token, on failure nothing.
    bool finish_digits(std::size_t pos, std::size_t max_digits, unsigned base, std::uint64_t max, std::uint64_t& value) {
        const std::size_t start = pos;
        std::uint64_t v = 0;
        while (pos < text_.size() && !blank(text_[pos])) {
            const unsigned d = detail::digit_value(text_[pos]);
            if (d >= base || pos - start >= max_digits) return false;
            v = v * base + d;
            ++pos;
        }
        if (pos == start || v > max) return false;
        value = v;
        pos_ = pos;
        return true;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

namespace detail {
// All of `digits` (non-empty) as a number in `base`; false on any other character or overflow.
inline bool parse_digits(std::string_view digits, std::uint64_t& value, unsigned base) {
    if (digits.empty()) return false;
    std::uint64_t v = 0;
    for (const char c : digits) {
        const unsigned d = digit_value(c);
        if (d >= base || __builtin_mul_overflow(v, std::uint64_t{base}, &v) || __builtin_add_overflow(v, std::uint64_t{d}, &v))
            return false;
    }
    value = v;
    return true;
}
}  // namespace detail

// Strict parsers: the whole token must be the number (no sign for unsigned, at most a leading '-'
// for signed, the same as std::from_chars); `value` is written only on success. Hex accepts an
// optional 0x prefix. Inline and hand-rolled: trace lines are mostly numbers.
inline bool parse_unsigned(std::string_view token, std::uint64_t& value, int base = 10) {
    if (base == 16 && token.size() > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) token.remove_prefix(2);
    return detail::parse_digits(token, value, static_cast<unsigned>(base));
}
inline bool parse_signed(std::string_view token, std::int64_t& value) {
    const bool negative = !token.empty() && token[0] == '-';
    std::uint64_t magnitude = 0;
    if (!detail::parse_digits(negative ? token.substr(1) : token, magnitude, 10)) return false;
    const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
    if (magnitude > limit) return false;
    value = negative ? static_cast<std::int64_t>(std::uint64_t{0} - magnitude) : static_cast<std::int64_t>(magnitude);
    return true;
}
// "R0".."R255"
inline bool parse_register(std::string_view token, std::uint8_t& reg) {
    std::uint64_t number = 0;
    if (token.size() < 2 || token[0] != 'R' || !parse_unsigned(token.substr(1), number) || number > 255) return false;
    reg = static_cast<std::uint8_t>(number);
    return true;
}
// "(x,y,z)" or "x,y,z" (blanks allowed around the numbers).
bool parse_triple(std::string_view text, std::uint32_t& x, std::uint32_t& y, std::uint32_t& z);
std::string_view trim(std::string_view text);

}  // namespace stcsim::trace
