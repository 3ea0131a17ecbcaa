#include "worker/metric_line.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/printable.h"

namespace hyperlab::worker {
namespace {

// How much of the program's own text an error quotes.
constexpr size_t kQuotedBytes = 100;

absl::Status Malformed(absl::string_view token, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed metric line: ", what, " in '", PrintablePrefix(token, kQuotedBytes), "'"));
}

// Parses a whole string as a double: decimal or scientific notation, an optional sign, nan, inf or
// infinity (any case). Hexadecimal floats are refused.
std::optional<double> ParseDouble(absl::string_view text) {
  if (absl::StartsWith(text, "+")) text.remove_prefix(1);
  if (text.empty() || text[0] == '+') return std::nullopt;
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::general);
  if (ptr != end) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // from_chars leaves overflow and underflow to the caller; strtod rounds them to +-inf or 0.
    return std::strtod(std::string(text).c_str(), nullptr);
  }
  if (ec != std::errc()) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseStep(absl::string_view text) {
  int64_t step = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, step);
  if (text.empty() || ptr != end || ec != std::errc() || step < 0) return std::nullopt;
  return step;
}

}  // namespace

bool IsValidMetricName(absl::string_view name) {
  if (name.empty() || !(absl::ascii_isalpha(name[0]) || name[0] == '_')) return false;
  for (char c : name) {
    if (!(absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '/' || c == '-')) return false;
  }
  return true;
}

absl::StatusOr<std::optional<MetricLine>> ParseMetricLine(absl::string_view line) {
  const absl::string_view whole = absl::StripAsciiWhitespace(line);
  absl::string_view rest = whole;
  if (!absl::ConsumePrefix(&rest, kMetricLinePrefix)) return std::nullopt;
  MetricLine result;
  for (absl::string_view token : absl::StrSplit(rest, absl::ByAnyChar(" \t"), absl::SkipEmpty())) {
    const size_t eq = token.find('=');
    if (eq == absl::string_view::npos) return Malformed(token, "expected name=value");
    const absl::string_view name = token.substr(0, eq);
    const absl::string_view text = token.substr(eq + 1);
    if (!IsValidMetricName(name)) return Malformed(token, "bad metric name");
    if (name == "step") {
      if (result.step.has_value()) return Malformed(token, "step given twice");
      result.step = ParseStep(text);
      if (!result.step.has_value()) return Malformed(token, "step is not an integer >= 0");
      continue;
    }
    const std::optional<double> value = ParseDouble(text);
    if (!value.has_value()) return Malformed(token, "value is not a number");
    result.metrics[std::string(name)] = *value;
  }
  if (result.metrics.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("malformed metric line: no metric values in '",
                                                   PrintablePrefix(whole, kQuotedBytes), "'"));
  }
  return result;
}

}  // namespace hyperlab::worker
