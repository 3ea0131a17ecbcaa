// The files a `train` task's data comes from, and a digest of their content.
//
// The coordinator fingerprints trials by the content of their data, not its path: at submit it digests the
// files named by the task (when it can read them) and the digest becomes part of every trial's
// fingerprint, so a changed file is a new experiment and a copy elsewhere is the same one.
// Light: protobuf, Abseil and our SHA-256 only (the coordinator links it without oneDNN).
// Thread safety: pure functions (they read files).
#ifndef HYPERLAB_WORKER_TRAIN_DATA_FILES_H_
#define HYPERLAB_WORKER_TRAIN_DATA_FILES_H_

#include <array>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hyperlab/v1/train.pb.h"

namespace hyperlab::worker::train {

// Where Debian's dataset-fashion-mnist puts the files; tests may point elsewhere.
inline constexpr char kFashionMnistDir[] = "/usr/share/datasets/fashion-mnist";

// Train images, train labels, test images, test labels of `data: {name: fashion-mnist}`.
std::array<std::string, 4> FashionMnistFiles();

// The files `data` reads, in a fixed order; empty for a synthetic set.
std::vector<std::string> DataFiles(const v1::TrainData& data);

// Hex SHA-256 over the bytes of DataFiles(data), in order; "" for a synthetic set (its settings are in the
// task itself). NOT_FOUND naming the first file that cannot be read.
absl::StatusOr<std::string> DataFilesDigest(const v1::TrainData& data);

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_DATA_FILES_H_
