// Reads a data file a study names, gzipped or not, never more than a limit of decompressed bytes: a
// gzip bomb or an endless file ends in RESOURCE_EXHAUSTED instead of exhausting the worker's memory.
//
// Example:
//   ASSIGN_OR_RETURN(DataFileReader reader, DataFileReader::Open(path, limits));
//   ASSIGN_OR_RETURN(std::string content, reader.ReadAll());
//
// Thread safety: a reader is used by one thread at a time.
#ifndef HYPERLAB_WORKER_TRAIN_DATA_FILE_READER_H_
#define HYPERLAB_WORKER_TRAIN_DATA_FILE_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/spec/data_files.h"

struct gzFile_s;

namespace hyperlab::worker::train {

class DataFileReader {
 public:
  // Opens `path` (through OpenDataFile: regular files only, one NOT_FOUND message for every refusal).
  static absl::StatusOr<DataFileReader> Open(const std::string& path, const DataLimits& limits);

  // Reads up to `size` bytes into `out`; 0 at the end of the file. DATA_LOSS "<path>: corrupt or truncated
  // gzip data" for a bad gzip stream; RESOURCE_EXHAUSTED "<path>: more than N bytes (decompressed), over
  // the limit max_data_file_bytes = N" once the file holds more than the limit.
  absl::StatusOr<size_t> Read(void* out, size_t size);

  // Reads `size` bytes, or fewer when the file ends first (the count is returned).
  absl::StatusOr<size_t> ReadFully(void* out, size_t size);

  // The rest of the file (within the limit).
  absl::StatusOr<std::string> ReadAll();

  const std::string& path() const { return path_; }
  uint64_t max_bytes() const { return max_bytes_; }

 private:
  struct Closer {
    void operator()(gzFile_s* file) const;
  };
  DataFileReader(std::string path, gzFile_s* file, uint64_t max_bytes)
      : path_(std::move(path)), file_(file), max_bytes_(max_bytes) {}

  std::string path_;
  std::unique_ptr<gzFile_s, Closer> file_;
  uint64_t max_bytes_;
  uint64_t read_ = 0;  // Decompressed bytes returned so far.
};

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_DATA_FILE_READER_H_
