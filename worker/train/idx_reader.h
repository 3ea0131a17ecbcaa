// Reads IDX files (the MNIST format), gzipped or not: unsigned-byte images (magic 0x803) and labels
// (magic 0x801).
//
// A header's dimensions are untrusted: their product is computed without overflow, must fit
// max_data_file_bytes (DataLimits) before anything is allocated, and must match the file's length
// exactly. An image is at most kMaxIdxImageSide pixels on a side. Errors name the file and what is wrong;
// they never quote the file's bytes (the magic number is not echoed).
//
// Thread safety: reentrant.
#ifndef HYPERLAB_WORKER_TRAIN_IDX_READER_H_
#define HYPERLAB_WORKER_TRAIN_IDX_READER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "common/spec/data_files.h"
#include "worker/train/dataset.h"

namespace hyperlab::worker::train {

// The most rows or columns of one IDX image.
inline constexpr uint32_t kMaxIdxImageSide = 1 << 16;

// Reads an image file and its label file into Examples (features = pixel values 0..255 as floats).
// NOT_FOUND when a file cannot be read (OpenDataFile's one message); DATA_LOSS when a file is not IDX, is
// truncated or longer than its header says, has an empty dimension, or when the two files disagree on the
// number of examples; RESOURCE_EXHAUSTED when a header asks for more than limits.max_file_bytes; every
// message names the file. When `shape` is not null it receives the images' shape (1 x rows x columns).
absl::StatusOr<Examples> ReadIdxPair(const std::string& images_path, const std::string& labels_path,
                                     ImageShape* shape = nullptr, const DataLimits& limits = {});

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_IDX_READER_H_
