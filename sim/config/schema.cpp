#include "sim/config/schema.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include "common/json_text.h"
#include "common/printable.h"

namespace stcsim::sim::config {

std::string kind_name(Kind kind) {
    switch (kind) {
        case Kind::integer: return "integer";
        case Kind::number: return "number";
        case Kind::boolean: return "boolean";
        case Kind::string: return "string";
        case Kind::object: return "object";
        case Kind::list: return "list";
    }
    return "?";
}

const FieldInfo* SchemaInfo::find(const std::string& key) const {
    for (const FieldInfo& f : fields)
        if (f.key == key) return &f;
    return nullptr;
}

void Where::fail(const std::string& what) const {
    throw UserError(fmt::format("{}: {}: {}", file, path.empty() ? "(top level)" : path, what));
}

std::string type_of(const Json& value) {
    if (value.is_number_integer()) return "integer";
    if (value.is_number()) return "number";
    return value.type_name();
}

namespace {
void check_range(double v, const Where& where, const FieldInfo& info) {
    if (info.min && v < *info.min) where.fail(fmt::format("expected a value >= {}, got {}", *info.min, v));
    if (info.max && v > *info.max) where.fail(fmt::format("expected a value <= {}, got {}", *info.max, v));
}
}  // namespace

std::int64_t read_integer(const Json& value, const Where& where, const FieldInfo& info, std::int64_t lowest,
                          std::uint64_t highest) {
    if (!value.is_number_integer()) where.fail("expected integer, got " + type_of(value));
    // The allowed range: the field's declared bounds within the range of the member's type.
    std::int64_t lo = lowest;
    if (info.min && *info.min > static_cast<double>(lo)) lo = static_cast<std::int64_t>(std::ceil(*info.min));
    std::uint64_t hi = std::min<std::uint64_t>(highest, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
    if (info.max && *info.max < static_cast<double>(hi)) hi = static_cast<std::uint64_t>(std::floor(*info.max));
    const auto out_of_range = [&] { where.fail(fmt::format("expected an integer from {} to {}, got {}", lo, hi, value.dump())); };
    if (value.is_number_unsigned()) {
        const auto v = value.get<std::uint64_t>();
        if (v > hi) out_of_range();
        if (lo > 0 && v < static_cast<std::uint64_t>(lo)) out_of_range();
        return static_cast<std::int64_t>(v);
    }
    const auto v = value.get<std::int64_t>();
    if (v < lo || (v >= 0 && static_cast<std::uint64_t>(v) > hi)) out_of_range();
    return v;
}

double read_number(const Json& value, const Where& where, const FieldInfo& info) {
    if (!value.is_number()) where.fail("expected number, got " + type_of(value));
    const double v = value.get<double>();
    if (!std::isfinite(v)) where.fail("expected a finite number");
    check_range(v, where, info);
    return v;
}

bool read_boolean(const Json& value, const Where& where) {
    if (!value.is_boolean()) where.fail("expected boolean, got " + type_of(value));
    return value.get<bool>();
}

std::string read_string(const Json& value, const Where& where, const FieldInfo& info) {
    if (!value.is_string()) where.fail("expected string, got " + type_of(value));
    auto v = value.get<std::string>();
    if (!valid_utf8(v)) where.fail("expected UTF-8 text, got \"" + printable(v, true) + "\"");
    if (!info.choices.empty()) {
        bool ok = false;
        for (const auto& c : info.choices) ok = ok || c == v;
        if (!ok) {
            std::string list;
            for (const auto& c : info.choices) {
                if (!list.empty()) list.append(", ");
                list.append(c);
            }
            where.fail(fmt::format("expected one of {}, got \"{}\"", list, v));
        }
    }
    return v;
}

void apply_override(Json& raw, const SchemaInfo& schema, const std::string& assignment,
                    const std::string& file) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
        // Name what was given by its start only: a long value (a source text) is not a key's name.
        const std::string shown = assignment.size() > 40 ? assignment.substr(0, 40) + "..." : assignment;
        throw UserError(fmt::format("-p: expected key.path=value, got \"{}\"", printable(shown)));
    }
    const std::string path = assignment.substr(0, eq);
    const std::string text = assignment.substr(eq + 1);
    const Json value = Json::accept(text) ? parse_json_text<Json>(text, fmt::format("{}: -p {}", file, path)) : Json(text);

    const SchemaInfo* at = &schema;
    bool in_list = false;
    Json* node = &raw;
    std::string done;
    std::istringstream parts(path);
    std::string part;
    std::vector<std::string> keys;
    while (std::getline(parts, part, '.')) keys.push_back(part);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const std::string& key = keys[i];
        const Where where{file, done.empty() ? key : done + "." + key};
        const bool last = i + 1 == keys.size();
        if (in_list) {
            if (key.empty() || key.size() > 9 || key.find_first_not_of("0123456789") != std::string::npos)
                where.fail("-p: expected a list index");
            const std::size_t index = static_cast<std::size_t>(std::stol(key));  // at most 9 digits: fits
            if (!node->is_array() || index >= node->size()) where.fail("-p: no such list element");
            node = &(*node)[index];
            in_list = false;
            if (last) where.fail("-p: cannot replace a whole list element");
        } else {
            if (at == nullptr) where.fail("-p: not an object");
            const FieldInfo* field = at->find(key);
            if (field == nullptr) where.fail("-p: unknown key");
            if (!node->is_object()) *node = Json::object();
            node = &(*node)[key];
            if (last) {
                *node = value;
                return;
            }
            in_list = field->kind == Kind::list;
            at = field->sub;
        }
        done = where.path;
    }
}

namespace {
void markdown_rows(std::ostringstream& out, const SchemaInfo& schema, const std::string& prefix) {
    for (const FieldInfo& f : schema.fields) {
        const std::string path = fmt::format("{}{}{}", prefix, f.key, f.kind == Kind::list ? "[]" : "");
        const std::string def = f.default_value ? fmt::format("`{}`", f.default_value->dump()) : std::string("required");
        std::string type = kind_name(f.kind);
        if (!f.choices.empty()) {
            type += ": ";
            for (std::size_t i = 0; i < f.choices.size(); ++i) {
                if (i > 0) type.append(", ");
                type.append("`").append(f.choices[i]).append("`");
            }
        }
        if (f.min && f.max) type += fmt::format(", {} to {}", *f.min, *f.max);
        else if (f.min) type += fmt::format(", >= {}", *f.min);
        else if (f.max) type += fmt::format(", <= {}", *f.max);
        out << "| `" << path << "` | " << type << " | " << (f.unit.empty() ? "-" : f.unit) << " | "
            << def << " | " << f.description << " |\n";
        if (f.sub != nullptr) markdown_rows(out, *f.sub, path + ".");
    }
}
}  // namespace

std::string reference_markdown(const SchemaInfo& schema) {
    std::ostringstream out;
    out << "# Configuration reference\n\n"
        << "Generated by `stcsim config-doc` from the field tables in `sim/config/`; do not edit by hand.\n\n"
        << schema.description << "\n\n"
        << "A config may change another: `\"base\": \"NAME\"` (a shipped config's name, or a path relative to "
           "this file) takes every key of that config and lays this file's keys over it, so that a variant "
           "states only what differs. Objects merge key by key; anything else, lists included, replaces the "
           "base's value whole (JSON merge patch, RFC 7386); a base may have its own base.\n\n"
        << "Override any key on the command line with `-p key.path=value` (list elements by index, "
           "e.g. `-p tensor_core.latencies.0.cycles=30`). Unknown keys, wrong types and missing "
           "required keys are errors that name the file and the key path.\n\n"
        << "| key | type | unit | default | description |\n|---|---|---|---|---|\n";
    markdown_rows(out, schema, "");
    return out.str();
}

}  // namespace stcsim::sim::config
