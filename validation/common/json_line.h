// One JSON object built field by field and written as one line (the JSON-lines files of the
// validation programs). Keys keep the order they were added in. Host code only; no CUDA.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stcsim::validation {

class JsonLine {
public:
    JsonLine& add(std::string_view key, std::string_view value);
    JsonLine& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
    JsonLine& add(std::string_view key, std::int64_t value);
    JsonLine& add(std::string_view key, int value) { return add(key, std::int64_t{value}); }
    JsonLine& add(std::string_view key, double value);
    JsonLine& add(std::string_view key, bool value);
    JsonLine& add_raw(std::string_view key, std::string_view json);  // an already-encoded value
    std::string str() const { return "{" + body_ + "}"; }

private:
    void key(std::string_view key);
    std::string body_;
};

std::string json_string(std::string_view text);  // quoted and escaped
std::string json_hex(std::uint32_t bits, int digits);  // "0x3c00"
// [["0x..", ..], ..] from rows of strings already quoted.
std::string json_array(const std::vector<std::string>& items);

}  // namespace stcsim::validation
