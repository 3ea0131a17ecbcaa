// The names of the metrics the built-in trainer reports: what an objective or an early-stopping rule of a
// train study may name (checked at submit, train_data_spec.h) and what the worker writes. One list, so a
// metric the trainer reports is always one a study may select on.
//
// Classification studies also report precision_<c>, recall_<c> and f1_<c> per class c; k-fold studies
// report each metric's spread as <name>_std.
#ifndef HYPERLAB_COMMON_SPEC_TRAIN_METRICS_H_
#define HYPERLAB_COMMON_SPEC_TRAIN_METRICS_H_

namespace hyperlab::train_metrics {

// Every train task.
inline constexpr char kTrainLoss[] = "train_loss";
inline constexpr char kDevLoss[] = "dev_loss";
inline constexpr char kTestLoss[] = "test_loss";
inline constexpr char kEpochsRun[] = "epochs_run";
inline constexpr char kRuntimeSeconds[] = "runtime_seconds";
inline constexpr char kSamplesPerSecond[] = "samples_per_second";
// Per-epoch measurements only.
inline constexpr char kLearningRate[] = "learning_rate";
inline constexpr char kFold[] = "fold";
// k-fold studies: the number of folds.
inline constexpr char kFolds[] = "folds";

// Regression (CSV data with `regression: true`).
inline constexpr char kMse[] = "mse";
inline constexpr char kMae[] = "mae";
inline constexpr char kR2[] = "r2";
inline constexpr char kDevMse[] = "dev_mse";
inline constexpr char kTrainMse[] = "train_mse";

// Classification.
inline constexpr char kTrainAccuracy[] = "train_accuracy";
inline constexpr char kDevAccuracy[] = "dev_accuracy";
inline constexpr char kTestAccuracy[] = "test_accuracy";
inline constexpr char kPrecision[] = "precision";
inline constexpr char kRecall[] = "recall";
inline constexpr char kF1[] = "f1";
inline constexpr char kTrainError[] = "train_error";
inline constexpr char kDevError[] = "dev_error";
inline constexpr char kTestError[] = "test_error";
// With human_level_error set (the metric analysis).
inline constexpr char kAvoidableBias[] = "avoidable_bias";
inline constexpr char kVariance[] = "variance";
inline constexpr char kDevOverfit[] = "dev_overfit";

}  // namespace hyperlab::train_metrics

#endif  // HYPERLAB_COMMON_SPEC_TRAIN_METRICS_H_
