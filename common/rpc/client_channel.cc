#include "common/rpc/client_channel.h"

#include <cstdlib>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/rpc/listen_policy.h"
#include "common/rpc/message_size.h"
#include "common/rpc/secret_file.h"
#include "common/rpc/tls_credentials.h"
#include "common/rpc/token_length.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/client_interceptor.h"
#include "common/base/status_macros.h"

namespace hyperlab {
namespace {

// Adds the authorization metadata to every call of the channel.
class TokenInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit TokenInterceptor(const std::string* header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({"authorization", *header_});
    }
    methods->Proceed();
  }

 private:
  const std::string* header_;
};

class TokenInterceptorFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit TokenInterceptorFactory(std::string token) : header_(absl::StrCat("Bearer ", token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo*) override {
    return new TokenInterceptor(&header_);
  }

 private:
  const std::string header_;  // Lives as long as the channel (which owns the factory).
};

}  // namespace

absl::StatusOr<std::string> TokenFromFlagOrEnv(const std::string& flag_value) {
  std::string token;
  std::string source;
  if (!flag_value.empty()) {
    token = flag_value;
    source = "--token";
  } else if (const char* file = std::getenv("HYPERLAB_TOKEN_FILE"); file != nullptr && *file != '\0') {
    source = absl::StrCat("$HYPERLAB_TOKEN_FILE ", file);
    ASSIGN_OR_RETURN(token, ReadSecretFile("$HYPERLAB_TOKEN_FILE", file));
    token = std::string(absl::StripAsciiWhitespace(token));
  } else if (const char* env = std::getenv("HYPERLAB_TOKEN"); env != nullptr) {
    token = env;
    source = "$HYPERLAB_TOKEN";
  }
  if (token.empty()) return token;
  if (token.size() < kMinTokenLength || token.size() > kMaxTokenLength) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": a token is ", kMinTokenLength, " to ",
                                                   kMaxTokenLength, " characters, got ", token.size()));
  }
  for (char c : token) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": the token has a space or a non-printable character (one token only)"));
    }
  }
  return token;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> NewClientChannel(const ClientChannelOptions& options,
                                                                const grpc::ChannelArguments& args) {
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key: give both or neither");
  }
  RETURN_IF_ERROR(CheckTokenTransport("--coordinator", options.address, !options.token.empty(), options.tls(),
                                      options.insecure_plaintext_tokens));
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (options.tls()) {
    grpc::SslCredentialsOptions ssl;
    if (!options.tls_ca_file.empty()) {
      ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPemFile("--tls-ca", options.tls_ca_file));
    }
    if (!options.tls_cert_file.empty()) {
      ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadPemFile("--tls-cert", options.tls_cert_file));
      ASSIGN_OR_RETURN(ssl.pem_private_key, ReadPemFile("--tls-key", options.tls_key_file));
    }
    credentials = grpc::SslCredentials(ssl);
  }
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  if (!options.token.empty())
    interceptors.push_back(std::make_unique<TokenInterceptorFactory>(options.token));
  grpc::ChannelArguments sized = args;
  SetClientMessageSizes(sized);
  return grpc::experimental::CreateCustomChannelWithInterceptors(options.address, credentials, sized,
                                                                 std::move(interceptors));
}

}  // namespace hyperlab
