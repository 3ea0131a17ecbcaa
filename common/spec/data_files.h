// The files a `train` task's data comes from, and a digest of their content.
//
// The coordinator fingerprints trials by the content of their data, not its path: at submit it digests the
// files named by the task (when it can read them) and the digest becomes part of every trial's
// fingerprint, so a changed file is a new experiment and a copy elsewhere is the same one.
// Light: protobuf, Abseil and OpenSSL's SHA-256 only (the coordinator links it without oneDNN).
//
// Data paths come from studies, so every file is opened through OpenDataFile: only regular files (not
// /dev/zero, a FIFO or a directory), and one message for a file that does not exist, cannot be read or is
// not regular, so that an error is no oracle for what exists on a worker. Error messages about a file's
// content never quote its bytes (a study may name a worker-local secret file).
// Thread safety: pure functions (they read files).
#ifndef HYPERLAB_COMMON_SPEC_DATA_FILES_H_
#define HYPERLAB_COMMON_SPEC_DATA_FILES_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hyperlab/v1/train.pb.h"

namespace hyperlab {

// Where Debian's dataset-fashion-mnist puts the files; tests may point elsewhere.
inline constexpr char kFashionMnistDir[] = "/usr/share/datasets/fashion-mnist";

// The most bytes a data file may hold (decompressed, for gzip) by default: max_data_file_bytes. Loaded
// features take 4 bytes (a float) per byte of an IDX file.
inline constexpr uint64_t kDefaultMaxDataFileBytes = uint64_t{1} << 30;  // 1 GiB

// Bounds on what loading data may read; the worker's operator sets them (hyperlab-worker
// --max-data-file-mb).
struct DataLimits {
  // Bytes one data file may hold, decompressed (max_data_file_bytes). Default kDefaultMaxDataFileBytes.
  uint64_t max_file_bytes = kDefaultMaxDataFileBytes;
};

// Opens `path` read-only (close-on-exec) when it is a regular file. NOT_FOUND "<path>: cannot read (it is
// missing, unreadable or not a regular file)" otherwise, whatever the reason.
absl::StatusOr<int> OpenDataFile(const std::string& path);

// Train images, train labels, test images, test labels of `data: {name: fashion-mnist}`.
std::array<std::string, 4> FashionMnistFiles();

// The files `data` reads, in a fixed order; empty for a synthetic set.
std::vector<std::string> DataFiles(const v1::TrainData& data);

// Hex SHA-256 over the bytes of DataFiles(data), in order; "" for a synthetic set (its settings are in the
// task itself). NOT_FOUND naming the first file that cannot be read (as OpenDataFile); RESOURCE_EXHAUSTED
// for a file over `limits.max_file_bytes`.
absl::StatusOr<std::string> DataFilesDigest(const v1::TrainData& data, const DataLimits& limits = {});

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_SPEC_DATA_FILES_H_
