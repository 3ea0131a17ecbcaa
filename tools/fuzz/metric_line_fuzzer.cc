// libFuzzer target: the metric-line parser (worker/metric_line.h) on a user program's stdout lines.
//
// Properties: no crash or sanitizer report; an accepted metric line has at least one metric, every name
// valid, a step >= 0, and every value reads back the same through FormatNumber; a refusal is
// INVALID_ARGUMENT, valid printable UTF-8 (it becomes part of a trial's reason) and short (it quotes at most
// 100 bytes of the line).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "worker/metric_line.h"
#include "common/base/number_format.h"
#include "common/base/printable.h"

namespace {

using namespace hyperlab;  // NOLINT: a fuzzer's one translation unit.

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "property violated: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view line(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::optional<worker::MetricLine>> parsed = worker::ParseMetricLine(line);
  if (!parsed.ok()) {
    const std::string message(parsed.status().message());
    if (parsed.status().code() != absl::StatusCode::kInvalidArgument) Fail(parsed.status().ToString());
    if (message.size() > 300) Fail("message of " + std::to_string(message.size()) + " bytes");
    if (Printable(message) != message) Fail("message not printable UTF-8");
    return 0;
  }
  if (!parsed->has_value()) return 0;
  const worker::MetricLine& m = **parsed;
  if (m.metrics.empty()) Fail("no metrics");
  if (m.step.has_value() && *m.step < 0) Fail("negative step");
  for (const auto& [name, value] : m.metrics) {
    if (!worker::IsValidMetricName(name)) Fail("invalid name accepted");
    if (std::isnan(value)) continue;
    absl::StatusOr<std::optional<worker::MetricLine>> again =
        worker::ParseMetricLine("hyperlab: x=" + FormatNumber(value));
    if (!again.ok() || !again->has_value() || (*again)->metrics.at("x") != value) {
      Fail("value does not read back: " + FormatNumber(value));
    }
  }
  return 0;
}
