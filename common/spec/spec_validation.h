// Validation and defaults for a study specification (the study file, hyperlab.v1.StudySpec).
//
// A spec is checked once, up front, before it touches the journal: the coordinator checks every submitted
// spec, and the CLI's study-file loader (tools/study_file.h) checks a file before sending it, so a mistake
// is reported with its file and line. `ValidateStudySpec` reports the first problem as INVALID_ARGUMENT
// with the message "<field path>: <what is wrong>"; the path uses the names a study file uses
// ("parameters[2].double.min", "budget.max_trials"), so a loader can map it back to a line.
// `WithDefaults` makes every default explicit, so the stored spec says what actually ran.
//
// Example:
//   absl::Status status = ValidateStudySpec(request.spec());
//   if (!status.ok()) return status;  // e.g. "budget.max_trials: must be > 0, got 0"
//   v1::StudySpec stored = WithDefaults(request.spec());
//
// Thread safety: stateless functions; safe to call from any thread.
#ifndef HYPERLAB_COMMON_SPEC_SPEC_VALIDATION_H_
#define HYPERLAB_COMMON_SPEC_SPEC_VALIDATION_H_

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "hyperlab/v1/study.pb.h"
#include "proto/limits.h"

namespace hyperlab {

// Defaults filled by WithDefaults (also documented in study.proto).
inline constexpr int32_t kDefaultPointsPerDouble = 5;
inline constexpr int32_t kDefaultMaxParallel = 1;
inline constexpr int32_t kDefaultMaxAttempts = 3;
// budget.max_failed when unset: a tenth of max_trials, at least 3 (at most max_trials), so a systematic
// error (a missing file, a wrong metric name) ends the study after a few trials, not after all of them.
// A study whose trials all failed ends FAILED whatever max_failed is.
inline int32_t DefaultMaxFailed(int32_t max_trials) {
  return std::min(max_trials, std::max<int32_t>(3, max_trials / 10));
}
inline constexpr double kDefaultCommandTimeoutSeconds = 3600;

// Returns OK when `spec` is a complete, runnable study; otherwise INVALID_ARGUMENT naming the first problem
// found (fields in declaration order) as "<field path>: <what is wrong>", e.g.
//   "parameters[3].name: duplicate parameter name 'lr' (also parameters[1])"
//   "task.command.argv[2]: unknown parameter '{foo}'"
// A problem in a parameter's domain also names the parameter after the path:
//   "parameters[2].integer.max (name 'units'): 9000000000000000000, over the limit max_integer_magnitude =
//   ..."
// Every size and count a spec can set is bounded by proto/limits.h (the serialized spec by max_spec_bytes,
// a grid's size by max_grid_points, ...), computed without overflow, so whatever passes here cannot make
// the coordinator or a strategy allocate or loop beyond those limits.
// Unset fields that have defaults (scale, points_per_double, max_parallel, max_failed, max_attempts,
// timeout_seconds) are valid as 0, so a spec is valid both before and after WithDefaults.
// In command arguments `{name}` is a placeholder for parameter `name`, and `{{` / `}}` are literal braces.
absl::Status ValidateStudySpec(const v1::StudySpec& spec);

// The budget part of ValidateStudySpec ("budget.max_trials: ..."), for a budget changed on its own (a
// running study's new budget): every count > 0 or >= 0 as documented, and within proto/limits.h.
absl::Status ValidateBudget(const v1::Budget& budget);

// Returns `spec` with every unset default made explicit:
//   double/integer scale SCALE_UNSPECIFIED -> LINEAR
//   algorithm.grid.points_per_double 0    -> 5
//   budget.max_parallel 0                  -> 1
//   budget.max_failed 0                    -> budget.max_trials (the study never fails for failed trials).
//     proto3 cannot tell 0 from unset, so 0 means "unset"; the strictest setting is 1 (the study fails
//     at the second failed trial).
//   budget.max_attempts 0                  -> 3
//   task.command.timeout_seconds 0         -> 3600
// Other fields are kept as they are. Idempotent. Meant for a spec that ValidateStudySpec accepted (the
// coordinator applies it when it creates a study); on an invalid spec it still only fills defaults.
v1::StudySpec WithDefaults(v1::StudySpec spec);

// A warning for an objective that is a test-set metric (a word "test" in its name: `test_accuracy`,
// `accuracy.test`): selecting on it leaks the test set into the choice. "" otherwise.
std::string TestSetObjective(const std::string& metric);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_SPEC_SPEC_VALIDATION_H_
