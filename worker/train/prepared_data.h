// One trial's view of a source: train/dev/test splits drawn with the split seed (dev carved from train;
// test carved from all examples when the source has no test set), the k-fold fold when k-fold is on,
// the training-example limit, and normalisation with statistics of the training split only.
//
// Thread safety: PrepareData is pure; a PreparedData is immutable once built and may be shared.
#ifndef HYPERLAB_WORKER_TRAIN_PREPARED_DATA_H_
#define HYPERLAB_WORKER_TRAIN_PREPARED_DATA_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hyperlab/v1/train.pb.h"
#include "worker/train/dataset.h"

namespace hyperlab::worker::train {

struct PreparedData {
  Examples train, dev, test;
  ImageShape image;  // The source's image shape; unknown (all 0) for CSV and synthetic data.
  int classes = 0;   // 0 = regression.
  std::vector<std::string> class_names;
  std::string digest;  // The source's content digest.
};

// The row indices of each split (before the training limit), exposed for tests.
struct SplitIndices {
  std::vector<int64_t> train, dev, test;  // test indexes the source's test set when it has one.
};
SplitIndices ComputeSplit(int64_t source_rows, bool source_has_test, const v1::TrainData& data, int fold);

// `fold` in [0, k_folds) when k-fold is on, else 0. INVALID_ARGUMENT when a split would be empty.
absl::StatusOr<PreparedData> PrepareData(const SourceData& source, const v1::TrainData& data, int fold);

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_PREPARED_DATA_H_
