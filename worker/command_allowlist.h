// Which programs the command executor may run on this worker: hyperlab-worker --allow-command PATH
// (repeatable). A worker started without it runs no command at all.
//
// Each PATH is an exact program or a directory (every program under it, at any depth, may run); a bare
// NAME (no '/') is the program a shell would run: looked up in the worker's PATH at start. Entries
// and programs are compared by canonical path (realpath: symlinks resolved), so a symlink placed in an
// allowed directory that points outside it is refused, and `python3` resolving to /usr/bin/python3.11 is
// allowed by either /usr/bin/python3 or /usr/bin. A program named without a '/' is looked up in the
// worker's PATH; one with a '/' is taken relative to the trial's working directory. The executor then
// runs the canonical path it checked, not a second lookup.
// Note that allowing an interpreter (python3, sh) allows whatever script the study passes to it.
//
// Example:
//   ASSIGN_OR_RETURN(CommandAllowlist allow, CommandAllowlist::Make({"/usr/bin/python3", "/opt/models"}));
//   absl::StatusOr<std::string> program = allow.Check("python3", "");  // "/usr/bin/python3.11"
//
// Thread safety: immutable after Make; safe for concurrent use.
#ifndef HYPERLAB_WORKER_COMMAND_ALLOWLIST_H_
#define HYPERLAB_WORKER_COMMAND_ALLOWLIST_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hyperlab::worker {

class CommandAllowlist {
 public:
  // Allows nothing.
  CommandAllowlist() = default;

  // NOT_FOUND naming the entry when it does not exist; INVALID_ARGUMENT for an empty entry.
  static absl::StatusOr<CommandAllowlist> Make(const std::vector<std::string>& paths);

  bool empty() const { return programs_.empty() && directories_.empty(); }

  // The canonical path of `program` when it may run; otherwise PERMISSION_DENIED with a reason for a
  // person (naming the program, what it resolved to, and how to allow it), or NOT_FOUND when it cannot
  // be found. `working_dir` (may be empty) is where a relative program with a '/' is looked up.
  absl::StatusOr<std::string> Check(absl::string_view program, absl::string_view working_dir) const;

  // The canonical path of the executable `program` names (PATH lookup for a bare name, `working_dir` for a
  // relative one). NOT_FOUND when there is none.
  static absl::StatusOr<std::string> Resolve(absl::string_view program, absl::string_view working_dir);

  // What the worker announces to the coordinator: each entry as given (made absolute) and its canonical
  // path when different; directories end in "/".
  std::vector<std::string> Announced() const { return announced_; }

  // (NAME, canonical path) for each entry given as a bare name and found through PATH, to be logged.
  const std::vector<std::pair<std::string, std::string>>& resolved_names() const { return resolved_; }

 private:
  std::vector<std::string> programs_;     // Canonical.
  std::vector<std::string> directories_;  // Canonical, ending in "/".
  std::vector<std::string> announced_;
  std::vector<std::pair<std::string, std::string>> resolved_;
};

}  // namespace hyperlab::worker

#endif  // HYPERLAB_WORKER_COMMAND_ALLOWLIST_H_
