// Server transport credentials from PEM files: plaintext, TLS, or mutual TLS.
//
// hyperlab-coordinator --tls-cert FILE --tls-key FILE serves TLS; adding --tls-client-ca FILE requires every
// client to present a certificate signed by that CA (mTLS) and refuses the handshake otherwise. Health and
// reflection go through the same port, so probes need the same TLS settings.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COMMON_RPC_TLS_CREDENTIALS_H_
#define HYPERLAB_COMMON_RPC_TLS_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"

namespace hyperlab {

struct ServerTlsOptions {
  // PEM certificate chain and private key of the server. Both empty: plaintext.
  std::string cert_file;
  std::string key_file;
  // PEM CA bundle that client certificates must chain to; empty: no client certificate asked for.
  std::string client_ca_file;

  // Accept bearer tokens in plaintext on a non-loopback address (--insecure-plaintext-tokens): only for a
  // network that is encrypted below gRPC. Default false: the coordinator refuses to start that way
  // (listen_policy.h, CheckTokenTransport).
  bool insecure_plaintext_tokens = false;

  bool enabled() const { return !cert_file.empty(); }
};

// INVALID_ARGUMENT for a half-given pair (cert without key, client CA without cert), NOT_FOUND naming the
// flag and the file when one cannot be read.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsOptions& options);

// The whole content of a PEM file; NOT_FOUND "<flag> <path>: cannot read it" when it cannot be read,
// INVALID_ARGUMENT when it holds no "-----BEGIN".
absl::StatusOr<std::string> ReadPemFile(const std::string& flag, const std::string& path);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_RPC_TLS_CREDENTIALS_H_
