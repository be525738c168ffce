// Error types shared by every part of stcsim.
//
// UserError: the input is wrong (a malformed config, trace, instruction or matrix). Its message is
// one line that names the place (file, line, key, element) and what was expected; the command line
// prints it and exits with status 1.
// InternalError: an invariant of the simulator itself is broken (a bug). It is reported as such, so
// that users never mistake a simulator bug for a problem in their input.
#pragma once

#include <stdexcept>
#include <string>

namespace stcsim {

class UserError : public std::runtime_error {
public:
    explicit UserError(const std::string& message) : std::runtime_error(message) {}
};

class InternalError : public std::logic_error {
public:
    explicit InternalError(const std::string& message) : std::logic_error(message) {}
};

}  // namespace stcsim
