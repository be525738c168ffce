#include "validation/common/args.h"

#include <cctype>
#include <sstream>

namespace stcsim::validation {
namespace {
// "--name", built by appending (GCC 12 warns falsely on "literal" + std::string under -O3).
std::string dashed(const std::string& name) {
    std::string out("--");
    out.append(name);
    return out;
}
}  // namespace

Args::Args(std::string program, std::string summary) : program_(std::move(program)), summary_(std::move(summary)) {
    flag("help", "print this text and exit");
}

void Args::option(const std::string& name, const std::string& help, const std::string& default_value) {
    order_.push_back(name);
    specs_[name] = {help, default_value, false};
}

void Args::flag(const std::string& name, const std::string& help) {
    order_.push_back(name);
    specs_[name] = {help, "", true};
}

void Args::parse(int argc, char** argv) {
    command_line_ = program_;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        command_line_ += " '" + arg + "'";
    }
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + arg + "'");
        std::string name(arg.begin() + 2, arg.end());
        std::string value;
        const auto eq = name.find('=');
        const bool inline_value = eq != std::string::npos;
        if (inline_value) {
            value.assign(name, eq + 1);
            name.resize(eq);
        }
        const auto spec = specs_.find(name);
        if (spec == specs_.end()) throw UsageError("unknown option '--" + name + "'");
        if (spec->second.is_flag) {
            if (inline_value) throw UsageError(dashed(name) + " takes no value");
            values_[name].assign(1, '1');  // not = "1": GCC 12 -Wrestrict false positive
            continue;
        }
        if (!inline_value) {
            if (i + 1 >= argc) throw UsageError(dashed(name) + " needs a value");
            value = argv[++i];
        }
        values_[name] = value;
    }
}

bool Args::has(const std::string& name) const { return values_.count(name) != 0; }

std::string Args::str(const std::string& name) const {
    const auto it = values_.find(name);
    if (it != values_.end()) return it->second;
    const auto spec = specs_.find(name);
    return spec == specs_.end() ? "" : spec->second.default_value;
}

std::int64_t parse_integer(const std::string& text, const std::string& what) {
    if (text.empty()) throw UsageError(what + ": expected an integer, got nothing");
    std::size_t used = 0;
    long long value = 0;
    try {
        value = std::stoll(text, &used, 0);
    } catch (const std::exception&) {
        throw UsageError(what + ": '" + text + "' is not an integer");
    }
    const std::string suffix = text.substr(used);
    std::int64_t scale = 1;
    if (suffix == "K" || suffix == "k") scale = 1024;
    else if (suffix == "M") scale = 1024 * 1024;
    else if (suffix == "G") scale = 1024 * 1024 * 1024;
    else if (!suffix.empty()) throw UsageError(what + ": '" + text + "' is not an integer (suffixes: K, M, G)");
    return static_cast<std::int64_t>(value) * scale;
}

std::int64_t Args::integer(const std::string& name) const { return parse_integer(str(name), dashed(name)); }

std::vector<std::int64_t> Args::integers(const std::string& name) const {
    std::vector<std::int64_t> out;
    std::stringstream in(str(name));
    for (std::string item; std::getline(in, item, ',');) out.push_back(parse_integer(item, dashed(name)));
    if (out.empty()) throw UsageError(dashed(name) + ": expected a comma-separated list of integers");
    return out;
}

std::string Args::usage() const {
    std::string out = "usage: " + program_ + " [options]\n" + summary_ + "\n\noptions:\n";
    for (const std::string& name : order_) {
        const Spec& spec = specs_.at(name);
        std::string left = "  --" + name + (spec.is_flag ? "" : " VALUE");
        if (left.size() < 26) left.resize(26, ' ');
        out += left + " " + spec.help;
        if (!spec.default_value.empty()) out += " (default " + spec.default_value + ")";
        out += "\n";
    }
    return out;
}

}  // namespace stcsim::validation
