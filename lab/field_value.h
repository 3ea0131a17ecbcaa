// One cell of a trial listing: a parameter, a metric or a trial field of one trial, or nothing.
//
// Queries (`--where`), sorting (`--sort`) and output (table, CSV, JSON) all see a trial through these
// values, so a number compares, sorts and prints the same way everywhere. Integers stay integers (JSON
// `3`, not `3.0`); a missing value (a failed trial's metric, a parameter another study does not have)
// is `std::monostate`.
//
// Thread safety: plain values and pure functions.
#ifndef HYPERLAB_LAB_FIELD_VALUE_H_
#define HYPERLAB_LAB_FIELD_VALUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "nlohmann/json.hpp"

namespace hyperlab::lab {

using Value = std::variant<std::monostate, int64_t, double, std::string>;

inline bool IsMissing(const Value& v) { return std::holds_alternative<std::monostate>(v); }

// The number an integer or real value holds; nullopt for text and missing values.
std::optional<double> AsNumber(const Value& v);

// For people: reals to 6 significant digits; "" when missing.
std::string ShortText(const Value& v);

// For programs: reals in the shortest form that reads back to the same double ("0.1", "1e-05", "inf",
// "nan"); "" when missing.
std::string ExactText(const Value& v);

// JSON with its type: integers and reals as numbers, text as strings, missing as null. JSON has no
// infinities or NaN, so those become the strings "inf", "-inf" and "nan" (as `trials --format json` has
// always written them).
nlohmann::ordered_json ToJson(const Value& v);

// Total order used by --sort on two *present* values: numbers by value (NaN after every number), text
// lexicographically, numbers before text (which only meet when two studies give a name different types).
// Returns <0, 0 or >0.
int CompareValues(const Value& a, const Value& b);

}  // namespace hyperlab::lab

#endif  // HYPERLAB_LAB_FIELD_VALUE_H_
