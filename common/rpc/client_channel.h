// The client side of the coordinator's security: a channel with TLS (optionally a client certificate for
// mTLS) and a bearer token sent as `authorization: Bearer <token>` on every call.
//
// Used by hyperlab-worker and the hyperlab CLI, with the same flags: --token (or $HYPERLAB_TOKEN_FILE, or
// $HYPERLAB_TOKEN), --tls-ca, --tls-cert, --tls-key. TLS is on when --tls-ca or --tls-cert is given
// (--tls-ca alone: verify the server against that CA; --tls-cert alone: verify against the system roots).
// The token travels in call metadata; over plaintext only to a loopback address unless the caller says
// --insecure-plaintext-tokens (listen_policy.h). It is never printed. Every channel sends and receives the
// message sizes of message_size.h.
//
// Thread safety: pure functions; the channel is thread-safe.
#ifndef HYPERLAB_COMMON_RPC_CLIENT_CHANNEL_H_
#define HYPERLAB_COMMON_RPC_CLIENT_CHANNEL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace hyperlab {

struct ClientChannelOptions {
  std::string address;  // HOST:PORT
  std::string token;    // Empty: no authorization metadata.
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  // Send the token in plaintext to a non-loopback address (--insecure-plaintext-tokens). Default false.
  bool insecure_plaintext_tokens = false;

  bool tls() const { return !tls_ca_file.empty() || !tls_cert_file.empty(); }
};

// INVALID_ARGUMENT for --tls-cert without --tls-key (or the reverse), NOT_FOUND for an unreadable file,
// FAILED_PRECONDITION for a token bound for a remote address in plaintext. `args` may set anything but
// the message sizes, which are always those of message_size.h.
absl::StatusOr<std::shared_ptr<grpc::Channel>> NewClientChannel(const ClientChannelOptions& options,
                                                                const grpc::ChannelArguments& args = {});

// The token to send: `flag_value` if set, else the content of the file $HYPERLAB_TOKEN_FILE names (a
// secret file, secret_file.h: FAILED_PRECONDITION when its mode is wider than 0640; surrounding whitespace
// and the final newline are dropped), else $HYPERLAB_TOKEN, else "". INVALID_ARGUMENT naming the source when
// the token is not 16 to 256 printable characters without spaces (never quoting it).
absl::StatusOr<std::string> TokenFromFlagOrEnv(const std::string& flag_value);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_RPC_CLIENT_CHANNEL_H_
