#include "common/spec/outcome_validation.h"

#include <cmath>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/spec/spec_errors.h"
#include "common/spec/train_data_spec.h"
#include "proto/limits.h"

namespace hyperlab {
namespace {

using spec_errors::Invalid;

// A metric the task can report: a synthetic function reports only `value`; the trainer its metrics.
absl::Status CheckReported(const v1::StudySpec& spec, const std::string& path, const std::string& metric) {
  if (spec.task().has_synthetic() && metric != "value") {
    return Invalid(path, absl::StrCat("the synthetic task reports only 'value', not '", metric, "'"));
  }
  if (spec.task().has_train()) return CheckTrainMetricName(path, metric, spec.task().train().data());
  return absl::OkStatus();
}

absl::Status CheckObjective(const v1::StudySpec& spec, const std::string& path, const v1::Objective& o) {
  RETURN_IF_ERROR(spec_errors::CheckMetricName(absl::StrCat(path, ".metric"), o.metric()));
  if (o.goal() == v1::Objective::GOAL_UNSPECIFIED) {
    return Invalid(absl::StrCat(path, ".goal"), "required: one of minimize, maximize");
  }
  if (!v1::Objective::Goal_IsValid(o.goal())) {
    return Invalid(absl::StrCat(path, ".goal"), absl::StrCat("unknown goal ", static_cast<int>(o.goal())));
  }
  return absl::OkStatus();
}

absl::Status CheckObjectives(const v1::StudySpec& spec) {
  if (spec.objectives_size() == 0) return CheckObjective(spec, "objective", spec.objective());
  if (spec.has_objective()) {
    return Invalid("objective", "give either objective or objectives, not both");
  }
  if (spec.objectives_size() < 2) {
    return Invalid("objectives", "at least 2 entries; for one, write `objective:`");
  }
  if (spec.objectives_size() > kMaxObjectives) {
    return spec_errors::OverLimit("objectives", absl::StrCat(spec.objectives_size(), " entries"),
                                  "max_objectives", kMaxObjectives);
  }
  std::map<std::string, int> seen;
  for (int i = 0; i < spec.objectives_size(); ++i) {
    const std::string path = absl::StrCat("objectives[", i, "]");
    RETURN_IF_ERROR(CheckObjective(spec, path, spec.objectives(i)));
    if (spec.objectives(i).noisy()) {
      return Invalid(absl::StrCat(path, ".noisy"),
                     "only a single `objective:` may be declared noisy (a recommended trial is chosen on one "
                     "objective)");
    }
    auto [it, inserted] = seen.emplace(spec.objectives(i).metric(), i);
    if (!inserted) {
      return Invalid(absl::StrCat(path, ".metric"),
                     absl::StrCat("duplicate metric '", it->first, "' (also objectives[", it->second, "])"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckConstraint(const v1::StudySpec& spec, const std::string& path,
                             const v1::OutcomeConstraint& c) {
  RETURN_IF_ERROR(spec_errors::CheckMetricName(absl::StrCat(path, ".metric"), c.metric()));
  if (!c.has_min() && !c.has_max()) return Invalid(path, "a bound is required: min, max or both");
  if (c.has_min() && !std::isfinite(c.min())) {
    return Invalid(absl::StrCat(path, ".min"), absl::StrCat("must be finite, got ", c.min()));
  }
  if (c.has_max() && !std::isfinite(c.max())) {
    return Invalid(absl::StrCat(path, ".max"), absl::StrCat("must be finite, got ", c.max()));
  }
  if (c.has_min() && c.has_max() && c.min() > c.max()) {
    return Invalid(absl::StrCat(path, ".max"), absl::StrCat("must be >= min ", c.min(), ", got ", c.max()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateOutcomes(const v1::StudySpec& spec) {
  RETURN_IF_ERROR(CheckObjectives(spec));
  if (spec.constraints_size() > kMaxConstraints) {
    return spec_errors::OverLimit("constraints", absl::StrCat(spec.constraints_size(), " entries"),
                                  "max_constraints", kMaxConstraints);
  }
  for (int i = 0; i < spec.constraints_size(); ++i) {
    RETURN_IF_ERROR(CheckConstraint(spec, absl::StrCat("constraints[", i, "]"), spec.constraints(i)));
  }
  return absl::OkStatus();
}

}  // namespace hyperlab

namespace hyperlab {

absl::Status ValidateOutcomeMetricsReported(const v1::StudySpec& spec) {
  if (spec.objectives_size() == 0)
    RETURN_IF_ERROR(CheckReported(spec, "objective.metric", spec.objective().metric()));
  for (int i = 0; i < spec.objectives_size(); ++i) {
    RETURN_IF_ERROR(
        CheckReported(spec, absl::StrCat("objectives[", i, "].metric"), spec.objectives(i).metric()));
  }
  for (int i = 0; i < spec.constraints_size(); ++i) {
    RETURN_IF_ERROR(
        CheckReported(spec, absl::StrCat("constraints[", i, "].metric"), spec.constraints(i).metric()));
  }
  return absl::OkStatus();
}

}  // namespace hyperlab
