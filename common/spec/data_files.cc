#include "common/spec/data_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/sha256.h"

namespace hyperlab {

std::array<std::string, 4> FashionMnistFiles() {
  const std::string dir = kFashionMnistDir;
  return {dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz",
          dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz"};
}

std::vector<std::string> DataFiles(const v1::TrainData& data) {
  if (data.has_name()) {
    const auto files = FashionMnistFiles();
    return {files.begin(), files.end()};
  }
  std::vector<std::string> out;
  for (const std::string* f :
       {&data.train_images(), &data.train_labels(), &data.test_images(), &data.test_labels(), &data.csv()}) {
    if (!f->empty()) out.push_back(*f);
  }
  return out;
}

absl::StatusOr<int> OpenDataFile(const std::string& path) {
  const absl::Status refused = absl::NotFoundError(
      absl::StrCat(path, ": cannot read (it is missing, unreadable or not a regular file)"));
  // O_NONBLOCK: opening a FIFO must not wait for a writer. It is cleared once the file is known regular.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return refused;
  struct stat info;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) ||
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
    close(fd);
    return refused;
  }
  return fd;
}

absl::StatusOr<std::string> DataFilesDigest(const v1::TrainData& data, const DataLimits& limits) {
  const std::vector<std::string> files = DataFiles(data);
  if (files.empty()) return std::string();
  Sha256 sha;
  std::vector<char> buffer(1 << 20);
  for (const std::string& path : files) {
    absl::StatusOr<int> fd = OpenDataFile(path);
    if (!fd.ok()) return fd.status();
    uint64_t total = 0;
    for (;;) {
      const ssize_t n = read(*fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        close(*fd);
        return absl::DataLossError(absl::StrCat(path, ": read error"));
      }
      if (n == 0) break;
      total += static_cast<uint64_t>(n);
      if (total > limits.max_file_bytes) {
        close(*fd);
        return absl::ResourceExhaustedError(
            absl::StrCat(path, ": over the limit max_data_file_bytes = ", limits.max_file_bytes));
      }
      sha.Update(buffer.data(), static_cast<size_t>(n));
    }
    close(*fd);
  }
  return sha.HexDigest();
}

}  // namespace hyperlab
