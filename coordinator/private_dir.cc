#include "coordinator/private_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_format.h"

namespace hyperlab::coordinator {

absl::StatusOr<PrivateDirAction> EnsurePrivateDirectory(const std::string& flag, const std::string& path) {
  struct stat st = {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return absl::UnavailableError(absl::StrFormat("%s %s: %s", flag, path, std::strerror(errno)));
    }
    const std::filesystem::path dir(path);
    std::error_code error;
    if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), error);
    if (error) {
      return absl::UnavailableError(
          absl::StrFormat("%s %s: cannot create its parent: %s", flag, path, error.message()));
    }
    if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::UnavailableError(
          absl::StrFormat("%s %s: cannot create it: %s", flag, path, std::strerror(errno)));
    }
    // mkdir applies the umask, which can only remove bits; chmod makes 0700 exact whatever the umask.
    if (chmod(path.c_str(), 0700) != 0) {
      return absl::UnavailableError(
          absl::StrFormat("%s %s: cannot set mode 0700: %s", flag, path, std::strerror(errno)));
    }
    return PrivateDirAction::kCreated;
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrFormat("%s %s: not a directory", flag, path));
  }
  const mode_t permissions = st.st_mode & 07777;
  if ((permissions & 077) == 0) return PrivateDirAction::kUnchanged;
  if (st.st_uid != geteuid()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s %s: mode %04o lets its group or others read the journal, and it belongs to uid %d, not to this "
        "process (uid %d), so it cannot be made private; chown it to the coordinator's user and chmod 700",
        flag, path, permissions, st.st_uid, geteuid()));
  }
  if (chmod(path.c_str(), permissions & ~static_cast<mode_t>(077)) != 0) {
    return absl::UnavailableError(absl::StrFormat("%s %s: cannot tighten mode %04o to owner-only: %s", flag,
                                                  path, permissions, std::strerror(errno)));
  }
  return PrivateDirAction::kTightened;
}

}  // namespace hyperlab::coordinator
