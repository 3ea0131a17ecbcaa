// Reading a file that holds secrets (the coordinator's --auth-tokens file, a client's token file): refused
// unless only its owner may write it and nobody but the owner and the file's group may read it, i.e. its
// permission bits are within 0640 (0600, 0640, 0400 and 0440 pass; 0644, 0660, 0604 do not). A secret
// that every local user can read is not a secret; refusing loudly beats serving with it (issue 14, #17).
//
// The mode is checked on the opened descriptor (fstat), so swapping the file between check and read does
// not help. Symbolic links are followed: Kubernetes secret volumes are links into a private directory.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COMMON_RPC_SECRET_FILE_H_
#define HYPERLAB_COMMON_RPC_SECRET_FILE_H_

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hyperlab {

// The permission bits a secret file may have at most: rw-r-----.
inline constexpr mode_t kMaxSecretFileMode = 0640;
// A secret file's largest size (a token file of thousands of tokens fits).
inline constexpr size_t kMaxSecretFileBytes = 1 << 20;

// OK when `mode`'s permission bits are within kMaxSecretFileMode; otherwise FAILED_PRECONDITION
// "<flag> <path>: mode 0644 is wider than 0640 (...); chmod 600 <path> (or 640)".
absl::Status CheckSecretFileMode(const std::string& flag, const std::string& path, mode_t mode);

// The whole content of the secret file at `path`. NOT_FOUND when it cannot be opened, FAILED_PRECONDITION
// for a mode wider than kMaxSecretFileMode or something other than a regular file, RESOURCE_EXHAUSTED
// over kMaxSecretFileBytes. Errors name `flag` and `path`, never the content.
absl::StatusOr<std::string> ReadSecretFile(const std::string& flag, const std::string& path);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_RPC_SECRET_FILE_H_
