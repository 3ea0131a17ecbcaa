// Examples in memory, and loading a data source (fashion-mnist, IDX files, CSV, synthetic 2-D sets) into
// them with its content digest.
//
// `Examples` is a dense row-major float matrix of features with one target per row: a class index (stored
// as a float) for classification, a real number for regression. A source has training examples and, for
// Fashion-MNIST and IDX with test files, a test set of its own.
//
// Thread safety: LoadSource is reentrant; a loaded SourceData is immutable and may be shared.
#ifndef HYPERLAB_WORKER_TRAIN_DATASET_H_
#define HYPERLAB_WORKER_TRAIN_DATASET_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hyperlab/v1/train.pb.h"
#include "common/spec/data_files.h"

namespace hyperlab::worker::train {

struct Examples {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<float> x;  // rows * cols, row-major.
  std::vector<float> y;  // rows: class index or regression target.
  const float* row(int64_t i) const { return x.data() + i * cols; }
};

// The shape of an image example: features are channels x height x width, row-major (IDX: 1 x rows x
// columns). All zero when the examples are not images (CSV, synthetic).
struct ImageShape {
  int channels = 0, height = 0, width = 0;
  bool known() const { return channels > 0; }
};

struct SourceData {
  Examples train;
  ImageShape image;              // Of every example, train and test.
  std::optional<Examples> test;  // The source's own test set, if it has one.
  int classes = 0;               // 0 for regression.
  std::vector<std::string> class_names;
  // SHA-256 (hex) of the loaded content: shapes, features and targets of train and test, and the kind.
  std::string digest;
};

// Loads the source named by `data` (only the source fields are read: not splits, normalisation or
// limits). NOT_FOUND for a file that cannot be read, DATA_LOSS for a truncated or inconsistent one,
// RESOURCE_EXHAUSTED for one over `limits`, INVALID_ARGUMENT for a bad spec or CSV content; every message
// names the file and none quotes its content.
absl::StatusOr<SourceData> LoadSource(const v1::TrainData& data, const DataLimits& limits = {});

// Bytes of memory a loaded source or its examples hold (for the cache's accounting).
size_t MemoryBytes(const Examples& examples);
size_t MemoryBytes(const SourceData& source);

// The digest of a source's content (see SourceData::digest).
std::string ContentDigest(const SourceData& source);

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_DATASET_H_
