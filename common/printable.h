// Text from users (keys, tokens, file names) shown inside a one-line message: control characters
// are written as escapes (\n, \t, \x1b, ...) so that a message never spans lines or sends
// terminal control codes. Other bytes, UTF-8 included, are kept.
#pragma once

#include <string>
#include <string_view>

namespace stcsim {

// ascii_only: bytes from 0x80 up are escaped as well (for tokens that must be ASCII).
inline std::string printable(std::string_view text, bool ascii_only = false) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c != 0x7f && (c < 0x80 || !ascii_only)) {
            out.push_back(ch);
            continue;
        }
        switch (c) {
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default: {
                static const char* const kHex = "0123456789abcdef";
                out += "\\x";
                out.push_back(kHex[c >> 4]);
                out.push_back(kHex[c & 15]);
            }
        }
    }
    return out;
}

}  // namespace stcsim
