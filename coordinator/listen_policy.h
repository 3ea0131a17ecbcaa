// Where the coordinator may listen: without authentication (no --auth-tokens) only on loopback, so an
// unauthenticated coordinator is never reachable from the network by accident; --insecure-allow-remote
// says the operator means it (e.g. a private network, or a proxy that authenticates).
//
// Loopback hosts: localhost, 127.0.0.0/8, ::1 (with or without brackets). An empty host, 0.0.0.0, [::] and
// any other name or address count as remote.
// Thread safety: pure functions.
#ifndef HYPERLAB_COORDINATOR_LISTEN_POLICY_H_
#define HYPERLAB_COORDINATOR_LISTEN_POLICY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hyperlab::coordinator {

// True when HOST:PORT names a loopback host.
bool IsLoopbackAddress(absl::string_view listen);

// OK, or FAILED_PRECONDITION naming the address and the two ways out, when `listen` is remote, `auth` is
// off and `allow_remote` is false. An empty `listen` (in-process only) is always OK.
absl::Status CheckListenPolicy(const std::string& listen, bool auth, bool allow_remote);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_LISTEN_POLICY_H_
