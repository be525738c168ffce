// Small helpers for self-contained HTML pages: escaping and base64 data URIs.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace stcsim::cli {

std::string html_escape(std::string_view text);
std::string base64(std::string_view bytes);
// "data:image/png;base64,..." of a file; empty when it cannot be read.
std::string png_data_uri(const std::filesystem::path& png);

}  // namespace stcsim::cli
