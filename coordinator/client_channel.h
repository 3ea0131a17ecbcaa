// The client side of the coordinator's security: a channel with TLS (optionally a client certificate for
// mTLS) and a bearer token sent as `authorization: Bearer <token>` on every call.
//
// Used by hyperlab-worker and the hyperlab CLI, with the same flags: --token (or $HYPERLAB_TOKEN),
// --tls-ca, --tls-cert, --tls-key. TLS is on when --tls-ca or --tls-cert is given (--tls-ca alone: verify
// the server against that CA; --tls-cert alone: verify against the system roots). The token travels in
// call metadata, also over plaintext (meant for loopback); it is never printed.
//
// Thread safety: pure functions; the channel is thread-safe.
#ifndef HYPERLAB_COORDINATOR_CLIENT_CHANNEL_H_
#define HYPERLAB_COORDINATOR_CLIENT_CHANNEL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace hyperlab::coordinator {

struct ClientChannelOptions {
  std::string address;  // HOST:PORT
  std::string token;    // Empty: no authorization metadata.
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;

  bool tls() const { return !tls_ca_file.empty() || !tls_cert_file.empty(); }
};

// INVALID_ARGUMENT for --tls-cert without --tls-key (or the reverse), NOT_FOUND for an unreadable file.
absl::StatusOr<std::shared_ptr<grpc::Channel>> NewClientChannel(const ClientChannelOptions& options,
                                                                const grpc::ChannelArguments& args = {});

// `flag_value` if set, else $HYPERLAB_TOKEN, else "".
std::string TokenFromFlagOrEnv(const std::string& flag_value);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_CLIENT_CHANNEL_H_
