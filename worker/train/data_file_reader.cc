#include "worker/train/data_file_reader.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"

namespace hyperlab::worker::train {

void DataFileReader::Closer::operator()(gzFile_s* file) const { gzclose(file); }

absl::StatusOr<DataFileReader> DataFileReader::Open(const std::string& path, const DataLimits& limits) {
  absl::StatusOr<int> fd = OpenDataFile(path);
  if (!fd.ok()) return fd.status();
  gzFile_s* file = gzdopen(*fd, "rb");  // Reads plain files as they are; takes the descriptor.
  if (file == nullptr) {
    close(*fd);
    return absl::ResourceExhaustedError(absl::StrCat(path, ": out of memory opening the file"));
  }
  gzbuffer(file, 1 << 17);
  return DataFileReader(path, file, limits.max_file_bytes);
}

absl::StatusOr<size_t> DataFileReader::Read(void* out, size_t size) {
  // One byte past the limit is asked for, so that a file of exactly the limit reads whole and a longer one
  // is refused.
  const uint64_t room = read_ < max_bytes_ ? std::min<uint64_t>(max_bytes_ - read_, UINT64_MAX - 1) + 1 : 1;
  const auto want = static_cast<unsigned>(std::min<uint64_t>({size, room, uint64_t{INT_MAX}}));
  if (want == 0) return 0;
  const int n = gzread(file_.get(), out, want);
  if (n < 0) return absl::DataLossError(absl::StrCat(path_, ": corrupt or truncated gzip data"));
  read_ += static_cast<uint64_t>(n);
  if (read_ > max_bytes_) {
    return absl::ResourceExhaustedError(
        absl::StrCat(path_, ": more than ", max_bytes_,
                     " bytes (decompressed), over the limit max_data_file_bytes = ", max_bytes_));
  }
  return static_cast<size_t>(n);
}

absl::StatusOr<size_t> DataFileReader::ReadFully(void* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    absl::StatusOr<size_t> n = Read(static_cast<char*>(out) + done, size - done);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    done += *n;
  }
  return done;
}

absl::StatusOr<std::string> DataFileReader::ReadAll() {
  std::string out;
  char chunk[1 << 16];
  for (;;) {
    absl::StatusOr<size_t> n = Read(chunk, sizeof(chunk));
    if (!n.ok()) return n.status();
    if (*n == 0) return out;
    out.append(chunk, *n);
  }
}

}  // namespace hyperlab::worker::train
