// Reading JSON text that a user wrote (configs, `stcsim mma` cases, measurement records), with the
// checks nlohmann::json leaves out: nesting deeper than kMaxJsonDepth is refused while parsing
// (before anything is built, so that no deep recursion can overflow the stack), and an object
// that names one key twice is refused instead of keeping one of the values. Trailing text after
// the value is an error. Every problem is a UserError "<where>: ...".
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/printable.h"

namespace stcsim {

inline constexpr int kMaxJsonDepth = 64;

// Whether `text` is UTF-8 that JSON output accepts (a string that is not cannot be written out).
inline bool valid_utf8(std::string_view text) {
    try {
        (void)nlohmann::json(std::string(text)).dump();
    } catch (const nlohmann::json::type_error&) {
        return false;
    }
    return true;
}

template <class J>
J parse_json_text(std::string_view text, const std::string& where, int max_depth = kMaxJsonDepth) {
    std::vector<std::set<std::string>> keys;  // the keys seen so far in each open object
    const auto check = [&](int depth, typename J::parse_event_t event, J& parsed) -> bool {
        using Event = typename J::parse_event_t;
        if ((event == Event::object_start || event == Event::array_start) && depth >= max_depth)
            throw UserError(fmt::format("{}: JSON nested deeper than {} levels", where, max_depth));
        if (event == Event::object_start) keys.emplace_back();
        else if (event == Event::object_end && !keys.empty()) keys.pop_back();
        else if (event == Event::key && !keys.empty() && !keys.back().insert(parsed.template get<std::string>()).second)
            throw UserError(fmt::format("{}: key \"{}\" appears twice in one object", where,
                                        printable(parsed.template get<std::string>())));
        return true;
    };
    try {
        return J::parse(text.begin(), text.end(), check, true, false);
    } catch (const typename J::parse_error& error) {
        std::string_view why = error.what();  // "[json.exception.parse_error.101] parse error at ...: <reason>"
        if (const auto colon = why.find(": "); colon != std::string_view::npos) why.remove_prefix(colon + 2);
        throw UserError(fmt::format("{}: malformed JSON at byte {}: {}", where, error.byte, printable(why)));
    } catch (const typename J::exception& error) {
        throw UserError(fmt::format("{}: malformed JSON: {}", where, printable(error.what())));
    }
}

}  // namespace stcsim
