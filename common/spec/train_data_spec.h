// Validation of the `data` part of a train task and of the metric names the trainer reports.
//
// Submit-time checks only: file paths name files on the workers, so their existence is checked when a
// worker loads them (dataset.h), not here. Part of the light hyperlab_train_knobs library.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COMMON_SPEC_TRAIN_DATA_SPEC_H_
#define HYPERLAB_COMMON_SPEC_TRAIN_DATA_SPEC_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hyperlab/v1/train.pb.h"

namespace hyperlab {

// The synthetic 2-D sets.
inline const std::vector<std::string>& SyntheticSetNames() {
  static const auto* names = new std::vector<std::string>{"spiral", "moons", "circles", "xor", "blobs"};
  return *names;
}

// Exactly one source; known names; fractions in range; k_folds 0, or 2..100; known normalisation.
// INVALID_ARGUMENT "<path>.<field>: <problem>".
absl::Status CheckTrainData(const v1::TrainData& data, const std::string& path);

// OK when the trainer reports `metric` for this data (classification or regression metrics, the
// per-class `precision_<k>`, `recall_<k>`, `f1_<k>`, and with k-fold the `<metric>_std` spreads).
absl::Status CheckTrainMetricName(const std::string& path, absl::string_view metric,
                                  const v1::TrainData& data);

// The metric names a task reports (per-class ones excluded).
std::vector<std::string> TrainMetricNames(bool regression);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_SPEC_TRAIN_DATA_SPEC_H_
