// Reads IDX files (the MNIST format), gzipped or not: unsigned-byte images (magic 0x803) and labels
// (magic 0x801).
//
// Thread safety: reentrant.
#ifndef HYPERLAB_WORKER_TRAIN_IDX_READER_H_
#define HYPERLAB_WORKER_TRAIN_IDX_READER_H_

#include <string>

#include "absl/status/statusor.h"
#include "worker/train/dataset.h"

namespace hyperlab::worker::train {

// Reads an image file and its label file into Examples (features = pixel values 0..255 as floats).
// NOT_FOUND when a file cannot be opened; DATA_LOSS when a file is not IDX, is truncated, or when the
// two files disagree on the number of examples; every message names the file.
// When `shape` is not null it receives the images' shape (1 x rows x columns).
absl::StatusOr<Examples> ReadIdxPair(const std::string& images_path, const std::string& labels_path,
                                     ImageShape* shape = nullptr);

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_IDX_READER_H_
