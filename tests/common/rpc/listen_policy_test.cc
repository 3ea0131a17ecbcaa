// Which addresses count as loopback (issue 14, #15: a DNS name that merely starts with 127. counted), and
// the rule that bearer tokens never cross a non-loopback network in plaintext unless the operator says so
// (issue 14, #17), on the coordinator (CoordinatorServer::Start) and on clients (NewClientChannel).
#include "common/rpc/listen_policy.h"

#include <filesystem>
#include <fstream>

#include "common/rpc/client_channel.h"
#include "coordinator/server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_dir.h"

namespace hyperlab::coordinator {
namespace {

using ::testing::HasSubstr;

TEST(IsLoopbackAddressTest, LiteralLoopbackAddressesAndLocalhost) {
  for (const char* address :
       {"127.0.0.1:7411", "127.255.3.4:1", "[::1]:7411", "localhost:7411", "ipv4:127.0.0.1:80",
        "ipv6:[::1]:80", "dns:///localhost:7411", "[::ffff:127.0.0.1]:7411"}) {
    EXPECT_TRUE(IsLoopbackAddress(address)) << address;
  }
}

// The attack: names that look like loopback literals but resolve through DNS, which the attacker may run.
TEST(IsLoopbackAddressTest, NamesThatLookLikeLoopbackAreRemote) {
  for (const char* address :
       {"127.0.0.1.nip.io:7411", "127.0.0.evil:7411", "127.a.b.c:7411", "127.1:7411", "0177.0.0.1:7411",
        "0x7f.0.0.1:7411", "127.0.0.1.:7411", "localhost.example.com:7411", "dns:///127.0.0.1.nip.io:7411",
        "0.0.0.0:7411", "[::]:7411", ":7411", "unix:/tmp/x", "[::ffff:10.0.0.1]:1", "10.0.0.1:7411",
        "::1:7411"}) {
    EXPECT_FALSE(IsLoopbackAddress(address)) << address;
  }
}

TEST(ListenPolicyTest, NoAuthBeyondLoopbackIsRefusedForADnsNameToo) {
  const absl::Status status = CheckListenPolicy("127.0.0.1.nip.io:7411", /*auth=*/false, false);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("127.0.0.1.nip.io:7411"));
  EXPECT_TRUE(CheckListenPolicy("127.0.0.1:0", false, false).ok());
}

TEST(TokenTransportTest, PlaintextTokensOnlyOnLoopbackUnlessTlsOrTheInsecureFlag) {
  const absl::Status refused = CheckTokenTransport("--listen", "0.0.0.0:7411", true, false, false);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("--listen 0.0.0.0:7411"));
  EXPECT_THAT(refused.message(), HasSubstr("--insecure-plaintext-tokens"));
  EXPECT_TRUE(CheckTokenTransport("--listen", "0.0.0.0:7411", true, /*tls=*/true, false).ok());
  EXPECT_TRUE(CheckTokenTransport("--listen", "0.0.0.0:7411", true, false, /*allow=*/true).ok());
  EXPECT_TRUE(CheckTokenTransport("--listen", "127.0.0.1:7411", true, false, false).ok());
  EXPECT_TRUE(CheckTokenTransport("--listen", "0.0.0.0:7411", /*tokens=*/false, false, false).ok());
  EXPECT_TRUE(CheckTokenTransport("--listen", "", true, false, false).ok());
}

TEST(TokenTransportTest, TheCoordinatorRefusesTokensInPlaintextOnARemoteAddress) {
  const std::string dir = testing::FreshTestDir("listen_policy_test");
  std::filesystem::create_directories(dir);
  const std::string tokens = dir + "/tokens";
  std::ofstream(tokens) << "0123456789abcdef0123 admin ops\n";
  std::filesystem::permissions(tokens,
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ServerOptions options;
  options.listen = "0.0.0.0:0";
  options.data_dir = dir + "/data";
  options.auth_tokens_file = tokens;
  auto server = CoordinatorServer::Start(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(server.status().message(), HasSubstr("plaintext"));
  options.tls.insecure_plaintext_tokens = true;
  server = CoordinatorServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  if (server.ok()) (*server)->Shutdown();
  std::filesystem::remove_all(dir);
}

TEST(TokenTransportTest, AClientRefusesToSendItsTokenInPlaintextToARemoteAddress) {
  auto channel =
      NewClientChannel({.address = "coordinator.example.com:7411", .token = "0123456789abcdef0123"});
  EXPECT_EQ(channel.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(channel.status().message(), HasSubstr("--coordinator coordinator.example.com:7411"));
  EXPECT_TRUE(NewClientChannel({.address = "coordinator.example.com:7411"}).ok()) << "no token, no rule";
  EXPECT_TRUE(NewClientChannel({.address = "127.0.0.1:7411", .token = "0123456789abcdef0123"}).ok());
  EXPECT_TRUE(NewClientChannel({.address = "coordinator.example.com:7411",
                                .token = "0123456789abcdef0123",
                                .insecure_plaintext_tokens = true})
                  .ok());
}

}  // namespace
}  // namespace hyperlab::coordinator
