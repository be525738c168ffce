#include "common/json_text.h"

#include <gtest/gtest.h>

namespace stcsim {
namespace {

using Json = nlohmann::ordered_json;

std::string error_of(const std::string& text) {
    try {
        parse_json_text<Json>(text, "in.json");
    } catch (const UserError& error) {
        return error.what();
    }
    return "no error";
}

TEST(JsonText, ParsesOrdinaryJson) {
    EXPECT_EQ(parse_json_text<Json>(R"({"a": [1, {"b": 2}], "c": {"a": 3}})", "in.json")["c"]["a"], 3);
}

TEST(JsonText, DeepNestingIsRefusedWithoutOverflowingTheStack) {
    const std::string deep = std::string(200000, '[') + std::string(200000, ']');
    EXPECT_EQ(error_of(deep), "in.json: JSON nested deeper than 64 levels");
    EXPECT_EQ(error_of(std::string(64, '[') + std::string(64, ']')), "no error");
    EXPECT_NE(error_of(std::string(65, '[') + std::string(65, ']')), "no error");
}

TEST(JsonText, ADuplicateKeyIsRefused) {
    EXPECT_EQ(error_of(R"({"a": 1, "b": {"x": 1, "x": 2}})"), "in.json: key \"x\" appears twice in one object");
    EXPECT_EQ(error_of(R"({"a": {"x": 1}, "b": {"x": 2}})"), "no error");  // one key in two objects is fine
}

TEST(JsonText, TrailingTextIsRefused) {
    EXPECT_NE(error_of("{} garbage").find("in.json: malformed JSON at byte"), std::string::npos);
}

TEST(Printable, ControlCharactersAreEscaped) {
    EXPECT_EQ(printable("a\nb\tc\x1b[31m\x7f"), "a\\nb\\tc\\x1b[31m\\x7f");
    EXPECT_EQ(printable("caf\xc3\xa9"), "caf\xc3\xa9");
    EXPECT_EQ(printable("\xff\xfe", true), "\\xff\\xfe");
}

}  // namespace
}  // namespace stcsim
