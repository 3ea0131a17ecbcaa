// What a careful experimenter reads after a run: confusion matrix, per-class and macro precision, recall
// and F1; regression errors; the metric-analysis gaps against human-level error; and k-fold aggregation.
//
// Conventions: confusion[t][p] counts examples of true class t predicted as p. A class never predicted
// has precision 0; a class absent from the truth has recall 0 (scikit-learn's zero_division=0). Macro
// averages are unweighted means over classes.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_WORKER_TRAIN_METRICS_H_
#define HYPERLAB_WORKER_TRAIN_METRICS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hyperlab::worker::train {

struct ClassificationReport {
  std::vector<std::vector<int64_t>> confusion;
  std::vector<double> precision, recall, f1;
  double accuracy = 0, macro_precision = 0, macro_recall = 0, macro_f1 = 0;
};

// Report from a confusion matrix.
ClassificationReport ReportFromConfusion(std::vector<std::vector<int64_t>> confusion);
// Report from labels and predictions (class indices in [0, classes)).
ClassificationReport Classify(const std::vector<int>& truth, const std::vector<int>& predicted, int classes);

// {"classes": [...], "rows": "true", "columns": "predicted", "matrix": [[...], ...]}.
std::string ConfusionMatrixJson(const ClassificationReport& report, const std::vector<std::string>& names);

// Adds accuracy-based metrics under `prefix` ("test_" -> test_accuracy), and the macro and per-class
// precision/recall/f1 (unprefixed: precision, recall, f1, precision_<k>, ...).
void AddClassificationMetrics(const ClassificationReport& report, std::map<std::string, double>& metrics);

struct RegressionReport {
  double mse = 0, mae = 0, r2 = 0;  // r2 = 1 - SSE / SST (0 when the targets are constant).
};
RegressionReport Regress(const std::vector<float>& truth, const std::vector<float>& predicted);

// The metric-analysis gaps (Ng's error analysis): avoidable_bias = train_error - human_level_error,
// variance = dev_error - train_error, dev_overfit = test_error - dev_error.
struct Gaps {
  double avoidable_bias = 0, variance = 0, dev_overfit = 0;
};
Gaps MetricGaps(double human_level_error, double train_error, double dev_error, double test_error);

// k-fold: the mean of each metric over folds, plus `<name>_std`, the population standard deviation.
// Metrics missing from some fold are averaged over the folds that have them.
std::map<std::string, double> AverageFolds(const std::vector<std::map<std::string, double>>& folds);

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_METRICS_H_
