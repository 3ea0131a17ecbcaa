#include "lab/field_value.h"

#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hyperlab::lab {
namespace {

std::string NonFiniteText(double v) {
  if (std::isnan(v)) return "nan";
  return v > 0 ? "inf" : "-inf";
}

}  // namespace

std::optional<double> AsNumber(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::nullopt;
}

std::string ShortText(const Value& v) {
  if (const auto* d = std::get_if<double>(&v)) {
    return std::isfinite(*d) ? absl::StrFormat("%.6g", *d) : NonFiniteText(*d);
  }
  return ExactText(v);
}

std::string ExactText(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return absl::StrCat(*i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* d = std::get_if<double>(&v)) {
    if (!std::isfinite(*d)) return NonFiniteText(*d);
    char buffer[64];
    // Without a format argument, to_chars writes the shortest text that parses back to the same double.
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), *d);
    return std::string(buffer, result.ptr);
  }
  return "";
}

nlohmann::ordered_json ToJson(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* d = std::get_if<double>(&v)) {
    return std::isfinite(*d) ? nlohmann::ordered_json(*d) : nlohmann::ordered_json(NonFiniteText(*d));
  }
  return nullptr;
}

int CompareValues(const Value& a, const Value& b) {
  const std::optional<double> na = AsNumber(a), nb = AsNumber(b);
  if (na && nb) {
    if (std::isnan(*na) || std::isnan(*nb)) return std::isnan(*na) - std::isnan(*nb);
    return *na < *nb ? -1 : (*na > *nb ? 1 : 0);
  }
  if (na) return -1;
  if (nb) return 1;
  return ExactText(a).compare(ExactText(b));
}

}  // namespace hyperlab::lab
