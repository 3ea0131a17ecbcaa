// Where the coordinator may listen, and what may travel there:
//   - without authentication (no --auth-tokens) only on loopback, so an unauthenticated coordinator is
//     never reachable from the network by accident; --insecure-allow-remote says the operator means it
//     (e.g. a private network, or a proxy that authenticates);
//   - with tokens but without TLS only on loopback, because bearer tokens in plaintext can be read and
//     replayed by anyone on the path; --insecure-plaintext-tokens says the operator accepts that (e.g. a
//     network that is itself encrypted, such as a WireGuard mesh or a service mesh's mTLS).
// The worker and the CLI apply the second rule to the address they connect to (client_channel.h).
//
// Loopback means a literal loopback address: an IPv4 literal in 127.0.0.0/8 (four decimal octets), ::1 or
// an IPv4-mapped ::ffff:127.x.y.z, with or without brackets, or the name "localhost" (RFC 6761 reserves it
// for loopback; it resolves from /etc/hosts, which only root can change). Any other name counts as remote,
// including `127.0.0.1.example.com`, whose DNS answer an attacker may control (issue 14, #15); so do an empty
// host, 0.0.0.0, [::] and unix: sockets. Thread safety: pure functions.
#ifndef HYPERLAB_COMMON_RPC_LISTEN_POLICY_H_
#define HYPERLAB_COMMON_RPC_LISTEN_POLICY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hyperlab {

// True when HOST:PORT (optionally prefixed ipv4:, ipv6: or dns:) names a loopback host as defined above.
bool IsLoopbackAddress(absl::string_view address);

// OK, or FAILED_PRECONDITION naming the address and the two ways out, when `listen` is remote, `auth` is
// off and `allow_remote` is false. An empty `listen` (in-process only) is always OK.
absl::Status CheckListenPolicy(const std::string& listen, bool auth, bool allow_remote);

// OK, or FAILED_PRECONDITION naming `flag`, the address and the two ways out, when tokens are sent to or
// accepted on a remote `address` without TLS and `allow_plaintext_tokens` is false. An empty address
// (in-process only) is always OK.
absl::Status CheckTokenTransport(absl::string_view flag, const std::string& address, bool tokens, bool tls,
                                 bool allow_plaintext_tokens);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_RPC_LISTEN_POLICY_H_
