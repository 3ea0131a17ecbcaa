// The line protocol through which a user's program reports metrics to the `command` executor.
//
// A program prints, on its standard output, lines such as
//   hyperlab: accuracy=0.91 loss=0.27        (final metric values)
//   hyperlab: step=3 accuracy=0.85 loss=0.4  (an intermediate measurement at step 3)
// Every other line is the program's own business and is ignored. A line that starts with `hyperlab:` but
// cannot be read is an error that names the offending token (its first 100 bytes, made printable), so the
// user learns why a metric went missing.
// Values may be `nan`, `inf` or `-inf`: they are real outcomes (a diverged loss) and are passed on.
//
// Thread safety: the functions here are pure and may be called from any thread.
#ifndef HYPERLAB_WORKER_METRIC_LINE_H_
#define HYPERLAB_WORKER_METRIC_LINE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hyperlab::worker {

// The line prefix that marks a metric line.
inline constexpr absl::string_view kMetricLinePrefix = "hyperlab:";

// One parsed metric line.
struct MetricLine {
  // Set for an intermediate measurement (`step=N`, N >= 0); unset for final values.
  std::optional<int64_t> step;
  // Metric name -> value; never empty. When a name repeats on one line, the last value wins.
  std::map<std::string, double> metrics;
};

// Parses one line of a program's standard output (without or with its trailing newline).
// Returns nullopt when the line is not a metric line (does not start with `hyperlab:`, after optional
// leading blanks), and INVALID_ARGUMENT naming the bad token when it is one but is malformed: a token
// without '=', a name outside [A-Za-z_][A-Za-z0-9_./-]*, a value that is not a number, a step that is not
// an integer >= 0, a repeated step, or no metric at all.
absl::StatusOr<std::optional<MetricLine>> ParseMetricLine(absl::string_view line);

// True when `name` is a valid metric name: [A-Za-z_][A-Za-z0-9_./-]*.
bool IsValidMetricName(absl::string_view name);

}  // namespace hyperlab::worker

#endif  // HYPERLAB_WORKER_METRIC_LINE_H_
