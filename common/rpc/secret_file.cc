#include "common/rpc/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hyperlab {
namespace {

// Closes a descriptor on every return path.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() { close(fd_); }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  const int fd_;
};

}  // namespace

absl::Status CheckSecretFileMode(const std::string& flag, const std::string& path, mode_t mode) {
  const mode_t permissions = mode & 07777;
  if ((permissions & ~kMaxSecretFileMode) == 0) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrFormat(
      "%s %s: mode %04o is wider than 0640 (only its owner may write it; only its owner and group read "
      "it); chmod 600 %s (or 640)",
      flag, path, permissions, path));
}

absl::StatusOr<std::string> ReadSecretFile(const std::string& flag, const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat(flag, " ", path, ": cannot open it: ", std::strerror(errno)));
  }
  FdCloser closer(fd);
  struct stat st = {};
  if (fstat(fd, &st) != 0) {
    return absl::NotFoundError(absl::StrCat(flag, " ", path, ": cannot stat it: ", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(flag, " ", path, ": not a regular file"));
  }
  if (absl::Status mode = CheckSecretFileMode(flag, path, st.st_mode); !mode.ok()) return mode;
  if (st.st_size < 0 || static_cast<uint64_t>(st.st_size) > kMaxSecretFileBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat(flag, " ", path, ": ", st.st_size, " bytes, over the limit of ", kMaxSecretFileBytes));
  }
  std::string content;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::NotFoundError(absl::StrCat(flag, " ", path, ": cannot read it: ", std::strerror(errno)));
    }
    if (n == 0) break;
    if (content.size() + static_cast<size_t>(n) > kMaxSecretFileBytes) {  // Grew after fstat.
      return absl::ResourceExhaustedError(
          absl::StrCat(flag, " ", path, ": over the limit of ", kMaxSecretFileBytes, " bytes"));
    }
    content.append(buffer, static_cast<size_t>(n));
  }
  return content;
}

}  // namespace hyperlab
