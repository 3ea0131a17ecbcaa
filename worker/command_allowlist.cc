#include "worker/command_allowlist.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace hyperlab::worker {
namespace {

std::optional<std::string> RealPath(const std::string& path) {
  char buffer[PATH_MAX];
  if (realpath(path.c_str(), buffer) == nullptr) return std::nullopt;
  return std::string(buffer);
}

bool IsDirectory(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

bool IsExecutableFile(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::string WithSlash(std::string dir) {
  if (!absl::EndsWith(dir, "/")) dir.push_back('/');
  return dir;
}

}  // namespace

absl::StatusOr<CommandAllowlist> CommandAllowlist::Make(const std::vector<std::string>& paths) {
  CommandAllowlist out;
  for (const std::string& entry : paths) {
    if (entry.empty()) return absl::InvalidArgumentError("--allow-command: empty path");
    std::string path = entry;
    if (!absl::StrContains(entry, '/')) {
      // A bare name is a program in PATH, as a shell would run it (else a file or directory here).
      absl::StatusOr<std::string> in_path = Resolve(entry, "");
      if (in_path.ok()) {
        path = *in_path;
        out.resolved_.emplace_back(entry, *in_path);
      } else if (!RealPath(entry)) {
        return absl::NotFoundError(absl::StrCat("--allow-command ", entry,
                                                ": no program of that name in PATH and no such file or "
                                                "directory (give a path, e.g. /usr/bin/",
                                                entry, ")"));
      }
    }
    std::optional<std::string> canonical = RealPath(path);
    if (!canonical)
      return absl::NotFoundError(absl::StrCat("--allow-command ", path, ": no such file or directory"));
    const std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
    if (IsDirectory(*canonical)) {
      out.directories_.push_back(WithSlash(*canonical));
      out.announced_.push_back(WithSlash(absolute));
      if (WithSlash(absolute) != WithSlash(*canonical)) out.announced_.push_back(WithSlash(*canonical));
    } else {
      out.programs_.push_back(*canonical);
      out.announced_.push_back(absolute);
      if (absolute != *canonical) out.announced_.push_back(*canonical);
    }
  }
  return out;
}

absl::StatusOr<std::string> CommandAllowlist::Resolve(absl::string_view program_view,
                                                      absl::string_view working_dir) {
  const std::string program(program_view);
  std::string found;
  if (absl::StrContains(program, '/')) {
    found = program;
    if (!absl::StartsWith(program, "/") && !working_dir.empty())
      found = absl::StrCat(working_dir, "/", program);
    if (!IsExecutableFile(found)) {
      return absl::NotFoundError(
          absl::StrCat("cannot run '", program, "': No such file or directory (or not an executable file)"));
    }
  } else {
    const char* path_env = std::getenv("PATH");
    for (absl::string_view dir : absl::StrSplit(path_env != nullptr ? path_env : "/usr/bin:/bin", ':')) {
      const std::string candidate = absl::StrCat(dir.empty() ? "." : dir, "/", program);
      if (IsExecutableFile(candidate)) {
        found = candidate;
        break;
      }
    }
    if (found.empty())
      return absl::NotFoundError(
          absl::StrCat("cannot run '", program, "': No such file or directory in PATH"));
  }
  std::optional<std::string> canonical = RealPath(found);
  if (!canonical)
    return absl::NotFoundError(absl::StrCat("cannot run '", program, "': cannot resolve ", found));
  return *canonical;
}

absl::StatusOr<std::string> CommandAllowlist::Check(absl::string_view program,
                                                    absl::string_view working_dir) const {
  if (empty()) {
    return absl::PermissionDeniedError(
        absl::StrCat("the command executor is off on this worker: it runs no command unless started with ",
                     "--allow-command PATH (the program '", program, "' or a directory holding it)"));
  }
  absl::StatusOr<std::string> canonical = Resolve(program, working_dir);
  if (!canonical.ok()) return canonical.status();
  for (const std::string& allowed : programs_) {
    if (*canonical == allowed) return *canonical;
  }
  for (const std::string& dir : directories_) {
    if (absl::StartsWith(*canonical, dir)) return *canonical;
  }
  return absl::PermissionDeniedError(
      absl::StrCat("the command '", program, "' (", *canonical, ") is not allowed on this worker; allowed: ",
                   absl::StrJoin(announced_, ", "), " (add it with --allow-command PATH)"));
}

}  // namespace hyperlab::worker
