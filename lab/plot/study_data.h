// What the plots and the report read: a study and its trials, and the small questions every plot asks of
// them (which metric, which parameter, which value, which trials are best), with errors that name what is
// missing and what is there.
//
// Errors: an unknown metric or parameter, or a trial id the study does not have, is INVALID_ARGUMENT (the
// request is wrong); a study without the trials a plot needs is FAILED_PRECONDITION (run more trials).
//
// Thread safety: plain values and pure functions.
#ifndef HYPERLAB_LAB_PLOT_STUDY_DATA_H_
#define HYPERLAB_LAB_PLOT_STUDY_DATA_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hyperlab/v1/services.pb.h"
#include "lab/plot/axis.h"

namespace hyperlab::plot {

struct StudyData {
  v1::Study study;
  // In trial-id order, with their intermediate measurements when fetched with them.
  std::vector<v1::TrialWithMeasurements> trials;
};

const std::string& ObjectiveMetric(const v1::Study& study);
bool Maximize(const v1::Study& study);
// Whether higher values of `metric` are better: the objective's goal for the objective; for other metrics,
// a guess from the name (accuracy, f1, precision, recall, r2 and throughput are; losses and errors not).
bool HigherIsBetter(const v1::Study& study, const std::string& metric);

// The trial's final value of `metric` when it has a finite one.
std::optional<double> MetricValue(const v1::Trial& trial, const std::string& metric);
// The trial's value of parameter `name`, or null.
const v1::ParameterValue* ParameterValueOf(const v1::Trial& trial, const std::string& name);

// Names of the final metrics any trial reports, and of the intermediate ones any measurement has; sorted.
std::vector<std::string> FinalMetricNames(const StudyData& data);
std::vector<std::string> MeasurementMetricNames(const StudyData& data);

// FAILED_PRECONDITION when the study has no trials.
absl::Status RequireTrials(const StudyData& data);
// Every parameter of the study: the whole tree of conditional parameters (common/spec/parameter_tree.h),
// parents before their children. A trial carries only the parameters that exist for it, so a plot that
// reads a child skips (or marks) the trials without it.
std::vector<const v1::ParameterSpec*> StudyParameters(const v1::Study& study);
// When a conditional parameter exists, for titles and legends: "optimizer = sgd", "blocks in (2, 3)";
// empty for a top-level (always present) parameter.
std::string ExistsWhen(const v1::Study& study, const v1::ParameterSpec& p);
// The parameters `p` exists under (its parent, the parent's parent, ...); empty for a top-level one.
std::vector<const v1::ParameterSpec*> Ancestors(const v1::Study& study, const v1::ParameterSpec& p);

// INVALID_ARGUMENT naming the metrics the trials report when none reports `metric`.
absl::Status RequireMetric(const StudyData& data, const std::string& metric);
// The spec of parameter `name` (anywhere in the tree); INVALID_ARGUMENT naming the study's parameters when
// it has none such.
absl::StatusOr<const v1::ParameterSpec*> FindParameter(const v1::Study& study, const std::string& name);
// Trial `id`; INVALID_ARGUMENT naming the range of trial ids when absent.
absl::StatusOr<const v1::TrialWithMeasurements*> FindTrial(const StudyData& data, int64_t id);

bool IsCategorical(const v1::ParameterSpec& p);
bool IsLogScale(const v1::ParameterSpec& p);
// The parameter's search domain as an axis: log for LOG scale, one band per category for categorical
// parameters, linear otherwise; the range is the domain itself (a plot beyond it would show guesses).
Axis ParameterAxis(const v1::ParameterSpec& p);
// Where a value lies on that axis: the number itself, or the category's index (nullopt when unknown).
std::optional<double> AxisValue(const v1::ParameterSpec& p, const v1::ParameterValue& value);

// Trials with a value of `metric`, best first (ties by id); SUCCEEDED ones only when `succeeded_only`.
std::vector<const v1::TrialWithMeasurements*> RankedTrials(const StudyData& data, const std::string& metric,
                                                           bool maximize, bool succeeded_only = true);

// "learning_rate=0.003, optimizer=adam": the trial's parameters for tooltips and legends.
std::string ParameterSummary(const v1::Trial& trial);
// A parameter value as text (numbers in 4 significant digits).
std::string ValueString(const v1::ParameterValue& value);
// The state's name in lower case ("succeeded").
std::string StateName(v1::Trial::State state);

}  // namespace hyperlab::plot

#endif  // HYPERLAB_LAB_PLOT_STUDY_DATA_H_
