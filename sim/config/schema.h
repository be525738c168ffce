// Declarative config schemas: one table per Spec struct binds each JSON key to a struct member,
// with its type, unit, default (or "required") and a one-line description.
//
// The same table drives: loading and validation (unknown keys, wrong types, missing required
// keys, values outside the allowed set or range are UserErrors "FILE: key.path: ..."), writing the
// fully resolved config back out (every key, defaults included, in table order), checking the key
// paths of `-p key.path=value` overrides, and the generated reference page (docs/config-reference.md).
//
// Schemas are built once (function-local statics) and never change afterwards.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/errors.h"

namespace stcsim::sim::config {

using Json = nlohmann::ordered_json;

enum class Kind { integer, number, boolean, string, object, list };
std::string kind_name(Kind kind);

struct SchemaInfo;

// What the reference page and the override checker know about one key.
struct FieldInfo {
    std::string key;
    Kind kind = Kind::integer;
    std::string unit;
    std::optional<Json> default_value;  // nullopt: required
    std::string description;
    std::vector<std::string> choices;  // strings: the allowed values (empty: any)
    std::optional<double> min;         // numbers: the smallest allowed value
    std::optional<double> max;         // numbers: the largest allowed value
    const SchemaInfo* sub = nullptr;   // objects and lists: the schema of the value / element
};

struct SchemaInfo {
    std::string name;
    std::string description;
    std::vector<FieldInfo> fields;
    const FieldInfo* find(const std::string& key) const;
};

// Where a value came from, for error messages: "configs/a100.json: sm.scheduler.policy".
struct Where {
    std::string file;
    std::string path;
    Where operator/(const std::string& key) const {
        return {file, path.empty() ? key : path + "." + key};
    }
    [[noreturn]] void fail(const std::string& what) const;
};

// Optional attributes of a scalar field.
struct Doc {
    std::string unit;
    std::string description;
    std::optional<Json> default_value = std::nullopt;  // nullopt: required
    std::vector<std::string> choices = {};
    std::optional<double> min = std::nullopt;
    std::optional<double> max = std::nullopt;  // integers: also bounded by the member's type
};

// Scalar checks shared by all schemas. An integer must lie in [lowest, highest] (the range of the
// member that holds it) and in the field's own [min, max]; it is never wrapped or truncated.
std::int64_t read_integer(const Json& value, const Where& where, const FieldInfo& info, std::int64_t lowest,
                          std::uint64_t highest);
double read_number(const Json& value, const Where& where, const FieldInfo& info);
bool read_boolean(const Json& value, const Where& where);
std::string read_string(const Json& value, const Where& where, const FieldInfo& info);
std::string type_of(const Json& value);

template <class T>
class Schema {
public:
    Schema(std::string name, std::string description) {
        info_.name = std::move(name);
        info_.description = std::move(description);
    }

    // Scalars: integer types, double, bool, std::string.
    template <class M>
    Schema& field(std::string key, M T::*member, Doc doc) {
        FieldInfo info{key, scalar_kind<M>(), doc.unit, doc.default_value, doc.description,
                       doc.choices, doc.min, doc.max, nullptr};
        fields_.push_back({info, [member, info](T& out, const Json& v, const Where& w) {
                               out.*member = read_scalar<M>(v, w, info);
                           },
                           [member](const T& in) { return Json(in.*member); }});
        info_.fields.push_back(info);
        return *this;
    }

    // A nested object with its own schema.
    template <class M>
    Schema& object(std::string key, M T::*member, const Schema<M>& sub, std::string description,
                   bool required = true) {
        FieldInfo info{key, Kind::object, "", required ? std::nullopt : std::optional<Json>(Json::object()),
                       description, {}, std::nullopt, std::nullopt, &sub.info()};
        fields_.push_back({info, [member, &sub](T& out, const Json& v, const Where& w) { sub.load(v, out.*member, w); },
                           [member, &sub](const T& in) { return sub.save(in.*member); }});
        info_.fields.push_back(info);
        return *this;
    }

    // A list of objects that share one schema.
    template <class E>
    Schema& list(std::string key, std::vector<E> T::*member, const Schema<E>& sub,
                 std::string description, bool required = true) {
        FieldInfo info{key, Kind::list, "", required ? std::nullopt : std::optional<Json>(Json::array()),
                       description, {}, std::nullopt, std::nullopt, &sub.info()};
        fields_.push_back({info,
                           [member, &sub](T& out, const Json& v, const Where& w) {
                               if (!v.is_array()) w.fail("expected a list, got " + type_of(v));
                               (out.*member).clear();
                               for (std::size_t i = 0; i < v.size(); ++i) {
                                   E element{};
                                   sub.load(v[i], element, w / std::to_string(i));
                                   (out.*member).push_back(std::move(element));
                               }
                           },
                           [member, &sub](const T& in) {
                               Json out = Json::array();
                               for (const E& e : in.*member) out.push_back(sub.save(e));
                               return out;
                           }});
        info_.fields.push_back(info);
        return *this;
    }

    // Fills `out` from `value`; every key of `value` must be known, every required key present.
    void load(const Json& value, T& out, const Where& where) const {
        if (!value.is_object()) where.fail("expected an object, got " + type_of(value));
        for (const auto& [key, unused] : value.items()) {
            (void)unused;
            if (info_.find(key) == nullptr) (where / key).fail("unknown key" + known_keys());
        }
        for (const Field& f : fields_) {
            const Where at = where / f.info.key;
            if (value.contains(f.info.key)) {
                f.load(out, value.at(f.info.key), at);
            } else if (f.info.default_value) {
                f.load(out, *f.info.default_value, at);
            } else {
                at.fail("missing required key (expected " + kind_name(f.info.kind) +
                        (f.info.unit.empty() ? "" : ", " + f.info.unit) + ")");
            }
        }
    }

    // Every key, in table order, defaults included.
    Json save(const T& in) const {
        Json out = Json::object();
        for (const Field& f : fields_) out[f.info.key] = f.save(in);
        return out;
    }

    const SchemaInfo& info() const { return info_; }

private:
    struct Field {
        FieldInfo info;
        std::function<void(T&, const Json&, const Where&)> load;
        std::function<Json(const T&)> save;
    };

    template <class M>
    static constexpr Kind scalar_kind() {
        if constexpr (std::is_same_v<M, bool>) return Kind::boolean;
        else if constexpr (std::is_integral_v<M>) return Kind::integer;
        else if constexpr (std::is_floating_point_v<M>) return Kind::number;
        else {
            static_assert(std::is_same_v<M, std::string>, "unsupported config field type");
            return Kind::string;
        }
    }

    template <class M>
    static M read_scalar(const Json& v, const Where& w, const FieldInfo& info) {
        if constexpr (std::is_same_v<M, bool>) return read_boolean(v, w);
        else if constexpr (std::is_integral_v<M>) {
            static_assert(sizeof(M) <= sizeof(std::int64_t));
            return static_cast<M>(read_integer(v, w, info, static_cast<std::int64_t>(std::numeric_limits<M>::lowest()),
                                               static_cast<std::uint64_t>(std::numeric_limits<M>::max())));
        }
        else if constexpr (std::is_floating_point_v<M>) return static_cast<M>(read_number(v, w, info));
        else return read_string(v, w, info);
    }

    std::string known_keys() const {
        std::string out = " (known keys:";
        for (const Field& f : fields_) out += " " + f.info.key;
        return out + ")";
    }

    SchemaInfo info_;
    std::vector<Field> fields_;
};

// Applies one `-p key.path=value` override to a raw config. The path must name a key of the
// schema (list elements by index: tensor_core.latencies.0.cycles). The value is parsed as JSON
// if it is valid JSON, otherwise taken as a string. Type checks happen when the config is loaded.
void apply_override(Json& raw, const SchemaInfo& schema, const std::string& assignment,
                    const std::string& file);

// The reference page of every key under `schema`, as Markdown.
std::string reference_markdown(const SchemaInfo& schema);

}  // namespace stcsim::sim::config
