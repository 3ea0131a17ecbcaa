// The coordinator's data directory is private to the coordinator's user: the journal holds every study,
// trial, result and note, readable by roles the operator chose, not by every local user (issue 14, #17).
//
// EnsurePrivateDirectory creates a missing directory (and missing parents) with mode 0700. An existing one
// that its group or others may enter is tightened to 0700 when the coordinator's user owns it (the
// coordinator is its only legitimate user, so this takes nothing from anyone, and an upgrade from a
// umask-made 0755 directory starts without manual steps); when another user owns it the coordinator refuses
// to start, since it can neither fix it nor trust it. Files created afterwards are private through the
// coordinator's umask 077 (coordinator/main.cc), which also covers backups.
//
// Thread safety: pure functions (they change the file system).
#ifndef HYPERLAB_COORDINATOR_PRIVATE_DIR_H_
#define HYPERLAB_COORDINATOR_PRIVATE_DIR_H_

#include <string>

#include "absl/status/statusor.h"

namespace hyperlab::coordinator {

// What EnsurePrivateDirectory did.
enum class PrivateDirAction { kCreated, kUnchanged, kTightened };

// Makes `path` a directory of mode 0700 as described above. FAILED_PRECONDITION naming `flag`, the path,
// its mode and owner when it is not a directory or is group/world accessible and owned by another user;
// UNAVAILABLE when it cannot be created or changed.
absl::StatusOr<PrivateDirAction> EnsurePrivateDirectory(const std::string& flag, const std::string& path);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_PRIVATE_DIR_H_
