// The metric analysis of a trial (the error analysis of Ng's "Machine Learning Yearning"): how far the
// training error is from human-level error (avoidable bias), how far the dev error is from the training
// error (variance), and how far the test error is from the dev error (dev overfitting: the study has tuned
// to its dev set). The largest gap says what to try next.
//
// Errors are 1 - accuracy unless the trial reports `train_error`/`dev_error`/`test_error` itself.
// Human-level error comes from the study's task (task.train.human_level_error), else from the trial's
// effective settings (artifact `settings`), else from a parameter of that name; without one, avoidable
// bias cannot be computed and is left unset.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_LAB_PLOT_METRIC_ANALYSIS_H_
#define HYPERLAB_LAB_PLOT_METRIC_ANALYSIS_H_

#include <optional>
#include <string>

#include "hyperlab/v1/study.pb.h"

namespace hyperlab::plot {

struct MetricAnalysis {
  std::optional<double> human_level_error;
  std::optional<double> train_error;
  std::optional<double> dev_error;
  std::optional<double> test_error;
  std::optional<double> avoidable_bias;  // train - human.
  std::optional<double> variance;        // dev - train.
  std::optional<double> dev_overfit;     // test - dev.
};

std::optional<double> HumanLevelError(const v1::Study& study, const v1::Trial& trial);
MetricAnalysis AnalyseTrial(const v1::Study& study, const v1::Trial& trial);
// One or two sentences: which gap is largest and what usually helps against it; empty without errors.
std::string Diagnosis(const MetricAnalysis& analysis);

}  // namespace hyperlab::plot

#endif  // HYPERLAB_LAB_PLOT_METRIC_ANALYSIS_H_
