// Shared by the fuzz targets: an input is either accepted or refused with a UserError (the one
// outcome bad input may have); anything else escaping the target (an InternalError, a
// DeadlockError, another exception, a sanitizer report) is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/errors.h"

namespace stcsim::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Runs `body`; a UserError is the expected refusal of bad input and is swallowed.
template <class F>
void refuse_or_accept(F&& body) {
    try {
        body();
    } catch (const UserError&) {
    }
}

// A file holding `text`, one per process, rewritten for every input (the trace reader reads paths).
std::string scratch_file(std::string_view text, const char* suffix);

}  // namespace stcsim::fuzz
