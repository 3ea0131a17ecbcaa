// TLS and mutual TLS on a real socket, with a CA, server and client certificates made by the test with the
// openssl command: the right CA connects; a client trusting another CA is refused; with --tls-client-ca a
// client without a certificate, or with one from another CA, is refused. Skipped (with the reason) when
// the openssl command is missing.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/rpc/client_channel.h"
#include "coordinator/server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hyperlab/v1/services.grpc.pb.h"

namespace hyperlab::coordinator {
namespace {

namespace fs = std::filesystem;

bool Shell(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

// Makes `<name>.key` and `<name>.pem` in `dir`: a self-signed CA when `ca` is empty, else a leaf signed by
// `ca` with subjectAltName `san`.
bool MakeCert(const fs::path& dir, const std::string& name, const std::string& ca, const std::string& san) {
  const std::string key = (dir / (name + ".key")).string(), pem = (dir / (name + ".pem")).string();
  const std::string keygen =
      "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out " + key;
  if (!Shell(keygen)) return false;
  if (ca.empty()) {
    return Shell("openssl req -x509 -new -key " + key + " -out " + pem + " -days 2 -subj /CN=" + name);
  }
  const std::string csr = (dir / (name + ".csr")).string(), ext = (dir / (name + ".ext")).string();
  std::ofstream(ext) << "subjectAltName=" << san << "\n";
  return Shell("openssl req -new -key " + key + " -out " + csr + " -subj /CN=" + name) &&
         Shell("openssl x509 -req -in " + csr + " -CA " + (dir / (ca + ".pem")).string() + " -CAkey " +
               (dir / (ca + ".key")).string() + " -CAcreateserial -out " + pem + " -days 2 -extfile " + ext);
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Shell("openssl version"))
      GTEST_SKIP() << "the openssl command is not installed (apt-get install openssl)";
    dir_ = fs::temp_directory_path() / ("tls_test_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ASSERT_TRUE(MakeCert(dir_, "ca", "", ""));
    ASSERT_TRUE(MakeCert(dir_, "other-ca", "", ""));
    ASSERT_TRUE(MakeCert(dir_, "server", "ca", "DNS:localhost,IP:127.0.0.1"));
    ASSERT_TRUE(MakeCert(dir_, "client", "ca", "DNS:client"));
    ASSERT_TRUE(MakeCert(dir_, "rogue-client", "other-ca", "DNS:client"));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    server_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::string File(const std::string& name) { return (dir_ / name).string(); }

  void StartServer(bool mutual) {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = File("data");
    options.tls = {.cert_file = File("server.pem"),
                   .key_file = File("server.key"),
                   .client_ca_file = mutual ? File("ca.pem") : ""};
    auto server = CoordinatorServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // GetStatus over a channel with these client options.
  grpc::Status GetStatus(ClientChannelOptions options, v1::GetStatusResponse* response = nullptr) {
    options.address = "127.0.0.1:" + std::to_string(server_->port());
    auto channel = NewClientChannel(options);
    if (!channel.ok())
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::string(channel.status().message()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::GetStatusResponse ignored;
    return v1::AdminService::NewStub(*channel)->GetStatus(&context, {}, response ? response : &ignored);
  }

  fs::path dir_;
  std::unique_ptr<CoordinatorServer> server_;
};

TEST_F(TlsTest, ServerTlsAcceptsTheRightCaAndRefusesAnother) {
  StartServer(/*mutual=*/false);
  v1::GetStatusResponse status;
  grpc::Status ok = GetStatus({.tls_ca_file = File("ca.pem")}, &status);
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_TRUE(status.tls_enabled());
  EXPECT_EQ(GetStatus({.tls_ca_file = File("other-ca.pem")}).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(GetStatus({}).error_code(), grpc::StatusCode::UNAVAILABLE) << "a plaintext client";
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificateFromTheClientCa) {
  StartServer(/*mutual=*/true);
  grpc::Status ok = GetStatus({.tls_ca_file = File("ca.pem"),
                               .tls_cert_file = File("client.pem"),
                               .tls_key_file = File("client.key")});
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(GetStatus({.tls_ca_file = File("ca.pem")}).error_code(), grpc::StatusCode::UNAVAILABLE)
      << "no client certificate";
  EXPECT_EQ(GetStatus({.tls_ca_file = File("ca.pem"),
                       .tls_cert_file = File("rogue-client.pem"),
                       .tls_key_file = File("rogue-client.key")})
                .error_code(),
            grpc::StatusCode::UNAVAILABLE)
      << "a client certificate from another CA";
  EXPECT_EQ(GetStatus({.tls_ca_file = File("other-ca.pem"),
                       .tls_cert_file = File("client.pem"),
                       .tls_key_file = File("client.key")})
                .error_code(),
            grpc::StatusCode::UNAVAILABLE)
      << "a client trusting another CA";
}

TEST_F(TlsTest, HalfGivenOrUnreadableFilesAreRefusedUpFront) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = File("data");
  options.tls = {.cert_file = File("server.pem")};
  EXPECT_EQ(CoordinatorServer::Start(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.tls = {.client_ca_file = File("ca.pem")};
  EXPECT_EQ(CoordinatorServer::Start(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.tls = {.cert_file = File("missing.pem"), .key_file = File("server.key")};
  auto missing = CoordinatorServer::Start(options);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), ::testing::HasSubstr("--tls-cert"));
  EXPECT_EQ(NewClientChannel({.address = "x:1", .tls_cert_file = File("client.pem")}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hyperlab::coordinator
