// Validation of a study's outcomes: `objective` or several `objectives`, and outcome `constraints`
// (docs/search.md, "Several objectives" and "Outcome constraints"). Part of ValidateStudySpec; errors are
// INVALID_ARGUMENT "<field path>: <what>", e.g. "objectives[1].metric: duplicate metric 'loss' (also
// objectives[0])" or "constraints[0].max: must be finite, got inf".
//
// Rules: `objective` and `objectives` are never both set; `objectives` has 2 to max_objectives entries with
// distinct metrics and a goal each; a constraint names a metric, at least one finite bound, min <= max, at
// most max_constraints of them; a synthetic task reports only `value`, a train task only its metrics.
//
// Thread safety: stateless functions.
#ifndef HYPERLAB_COMMON_SPEC_OUTCOME_VALIDATION_H_
#define HYPERLAB_COMMON_SPEC_OUTCOME_VALIDATION_H_

#include "absl/status/status.h"
#include "hyperlab/v1/study.pb.h"

namespace hyperlab {

// The form of objective(s) and constraints.
absl::Status ValidateOutcomes(const v1::StudySpec& spec);

// Every metric they name is one the task reports (synthetic: `value`; train: the trainer's metrics).
// Run after the task is known valid.
absl::Status ValidateOutcomeMetricsReported(const v1::StudySpec& spec);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_SPEC_OUTCOME_VALIDATION_H_
