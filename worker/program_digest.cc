#include "worker/program_digest.h"

#include <errno.h>
#include <unistd.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/spec/data_files.h"
#include "common/base/sha256.h"

namespace hyperlab::worker {
namespace {

// Adds `name`, then the file's bytes (or its size past the limit) to `sha`. False when it is not a
// readable regular file.
bool AddFile(Sha256& sha, const std::string& name, const std::string& path, uint64_t max_bytes) {
  absl::StatusOr<int> fd = OpenDataFile(path);
  if (!fd.ok()) return false;
  const std::string header = absl::StrCat(name.size(), ":", name, ";");
  sha.Update(header.data(), header.size());
  std::vector<char> buffer(1 << 16);
  uint64_t total = 0;
  for (;;) {
    const ssize_t n = read(*fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    total += static_cast<uint64_t>(n);
    if (total > max_bytes) {  // Too big to read each trial: its name and size stand for it.
      const std::string size = absl::StrCat("over:", lseek(*fd, 0, SEEK_END), ";");
      sha.Update(size.data(), size.size());
      break;
    }
    sha.Update(buffer.data(), static_cast<size_t>(n));
  }
  close(*fd);
  const std::string end = absl::StrCat(";", total, ";");
  sha.Update(end.data(), end.size());
  return true;
}

}  // namespace

absl::StatusOr<std::string> ProgramDigest(const std::string& program, const v1::CommandTask& task,
                                          uint64_t max_file_bytes) {
  Sha256 sha;
  if (!AddFile(sha, "program", program, max_file_bytes)) {
    return absl::NotFoundError(absl::StrCat("cannot read the program '", program, "' to digest it"));
  }
  for (int i = 1; i < task.argv_size(); ++i) {
    const std::string& arg = task.argv(i);
    if (arg.empty() || arg.find('{') != std::string::npos || arg[0] == '-') continue;
    const std::string path =
        arg[0] == '/' || task.working_dir().empty() ? arg : absl::StrCat(task.working_dir(), "/", arg);
    AddFile(sha, absl::StrCat("argv[", i, "]=", arg), path, max_file_bytes);
  }
  return sha.HexDigest();
}

}  // namespace hyperlab::worker
