// Tokens, roles and the listen rule as pure functions: the token file's format and errors (never quoting a
// token), constant-time comparison, the role table, and where an unauthenticated coordinator may listen.
#include <string>

#include "common/rpc/listen_policy.h"
#include "coordinator/auth_policy.h"
#include "coordinator/auth_tokens.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperlab::coordinator {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kFile[] = R"(# operators
admin-token-0123456789 admin alice
read-token-0123456789  read   # dashboards
submit-token-012345678 submit ci

worker-token-012345678 worker fleet
)";

TEST(TokenStoreTest, ParsesRolesNamesCommentsAndBlankLines) {
  absl::StatusOr<TokenStore> store = TokenStore::Parse(kFile, "tokens.txt");
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(store->size(), 4u);
  auto admin = store->Authenticate("admin-token-0123456789");
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->role, Role::kAdmin);
  EXPECT_EQ(admin->name, "alice");
  auto reader = store->Authenticate("read-token-0123456789");
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->role, Role::kRead);
  EXPECT_EQ(reader->name, "token-at-line-3");  // No NAME: the line stands in (the comment is not a name).
  EXPECT_EQ(store->Authenticate("worker-token-012345678")->role, Role::kWorker);
  EXPECT_EQ(store->Authenticate("submit-token-012345678")->role, Role::kSubmit);
}

TEST(TokenStoreTest, UnknownPrefixAndLongerTokensAreUnauthenticated) {
  TokenStore store = *TokenStore::Parse(kFile, "tokens.txt");
  for (const char* guess : {"", "admin-token-012345678", "admin-token-01234567890", "ADMIN-TOKEN-0123456789",
                            "admin-token-0123456789 "}) {
    auto who = store.Authenticate(guess);
    EXPECT_EQ(who.status().code(), absl::StatusCode::kUnauthenticated) << "'" << guess << "'";
  }
  EXPECT_EQ(store.Authenticate(std::string(5000, 'a')).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(TokenStoreTest, ErrorsNameFileAndLineButNeverTheToken) {
  struct Case {
    const char* text;
    const char* expected;
  } cases[] = {
      {"secret-token-0123456789 root\n", "tokens.txt:1: unknown role 'root'"},
      {"\nsecret-token-0123456789\n", "tokens.txt:2: expected `TOKEN ROLE [NAME]`, got 1 field(s)"},
      {"secret-token-0123456789 read a b\n", "tokens.txt:1: expected `TOKEN ROLE [NAME]`, got 4 field(s)"},
      {"short read\n", "tokens.txt:1: token must be 16 to 256 characters, got 5"},
      {"secret-token-0123456789 read\nsecret-token-0123456789 admin\n",
       "tokens.txt:2: duplicate token (also line 1)"},
      {"# only a comment\n\n", "tokens.txt: no token in the file"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<TokenStore> store = TokenStore::Parse(c.text, "tokens.txt");
    ASSERT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(std::string(store.status().message()), ::testing::StartsWith(c.expected));
    EXPECT_THAT(std::string(store.status().message()), Not(HasSubstr("secret-token")));
  }
}

TEST(TokenStoreTest, LoadReportsAnUnreadableFile) {
  EXPECT_EQ(TokenStore::Load("/nonexistent/tokens").status().code(), absl::StatusCode::kNotFound);
}

TEST(ConstantTimeEqualsTest, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("abcdefghijklmnop", "abcdefghijklmnop"));
  EXPECT_FALSE(ConstantTimeEquals("abcdefghijklmnop", "abcdefghijklmnoq"));
  EXPECT_FALSE(ConstantTimeEquals("abcdefghijklmnop", "abcdefghijklmno"));
  EXPECT_FALSE(ConstantTimeEquals("abc", std::string("abc\0", 4)));  // Trailing zero byte is not padding.
  EXPECT_FALSE(ConstantTimeEquals(std::string(300, 'x'), std::string(300, 'x')));  // Over the maximum.
}

TEST(AuthPolicyTest, EachRoleGetsExactlyItsMethods) {
  const char* read[] = {"/hyperlab.v1.StudyService/GetStudy",     "/hyperlab.v1.StudyService/ListStudies",
                        "/hyperlab.v1.StudyService/WatchStudy",   "/hyperlab.v1.StudyService/ListTrials",
                        "/hyperlab.v1.StudyService/GetBestTrial", "/hyperlab.v1.AdminService/GetStatus",
                        "/hyperlab.v1.AdminService/ListWorkers",  "/hyperlab.v1.StudyService/GetParetoFront"};
  const char* submit[] = {
      "/hyperlab.v1.StudyService/CreateStudy",    "/hyperlab.v1.StudyService/CancelStudy",
      "/hyperlab.v1.StudyService/PauseStudy",     "/hyperlab.v1.StudyService/ResumeStudy",
      "/hyperlab.v1.StudyService/SetStudyBudget", "/hyperlab.v1.StudyService/ConcludeStudy",
      "/hyperlab.v1.StudyService/AddTrialNote",   "/hyperlab.v1.ClientService/AskTrials",
      "/hyperlab.v1.ClientService/ReportTrials",  "/hyperlab.v1.ClientService/CompleteTrials",
      "/hyperlab.v1.StudyService/DeleteStudy",    "/hyperlab.v1.StudyService/EnqueueTrial"};
  const char* worker[] = {
      "/hyperlab.v1.WorkerService/RegisterWorker", "/hyperlab.v1.WorkerService/AcquireTrials",
      "/hyperlab.v1.WorkerService/ReportTrials", "/hyperlab.v1.WorkerService/CompleteTrials"};
  const char* admin[] = {"/hyperlab.v1.AdminService/Backup",       "/hyperlab.v1.AdminService/DrainWorker",
                         "/hyperlab.v1.AdminService/EvictWorker",  "/hyperlab.v1.AdminService/FailTrial",
                         "/hyperlab.v1.AdminService/SomethingNew", "/other.Service/Method"};
  for (const char* m : read) {
    EXPECT_TRUE(RoleAllows(Role::kRead, m)) << m;
    EXPECT_TRUE(RoleAllows(Role::kSubmit, m)) << m;
    EXPECT_FALSE(RoleAllows(Role::kWorker, m)) << m;
    EXPECT_TRUE(RoleAllows(Role::kAdmin, m)) << m;
  }
  for (const char* m : submit) {
    EXPECT_FALSE(RoleAllows(Role::kRead, m)) << m;
    EXPECT_TRUE(RoleAllows(Role::kSubmit, m)) << m;
    EXPECT_FALSE(RoleAllows(Role::kWorker, m)) << m;
    EXPECT_TRUE(RoleAllows(Role::kAdmin, m)) << m;
  }
  for (const char* m : worker) {
    EXPECT_FALSE(RoleAllows(Role::kRead, m)) << m;
    EXPECT_FALSE(RoleAllows(Role::kSubmit, m)) << m;
    EXPECT_TRUE(RoleAllows(Role::kWorker, m)) << m;
    EXPECT_TRUE(RoleAllows(Role::kAdmin, m)) << m;
  }
  for (const char* m : admin) {  // Unclassified methods fail closed: admin only.
    EXPECT_FALSE(RoleAllows(Role::kRead, m)) << m;
    EXPECT_FALSE(RoleAllows(Role::kSubmit, m)) << m;
    EXPECT_FALSE(RoleAllows(Role::kWorker, m)) << m;
    EXPECT_TRUE(RoleAllows(Role::kAdmin, m)) << m;
  }
}

TEST(AuthPolicyTest, ParsesRoleNames) {
  EXPECT_EQ(*ParseRole("worker"), Role::kWorker);
  EXPECT_EQ(ParseRole("Admin").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ListPolicyTest, LoopbackOnlyWithoutAuthentication) {
  for (const char* loopback : {"127.0.0.1:7411", "localhost:0", "[::1]:7411", "127.1.2.3:1"}) {
    EXPECT_TRUE(IsLoopbackAddress(loopback)) << loopback;
    EXPECT_TRUE(CheckListenPolicy(loopback, false, false).ok()) << loopback;
  }
  for (const char* remote : {"0.0.0.0:7411", "[::]:7411", ":7411", "10.0.0.5:7411", "example.com:7411"}) {
    EXPECT_FALSE(IsLoopbackAddress(remote)) << remote;
    absl::Status refused = CheckListenPolicy(remote, false, false);
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << remote;
    EXPECT_THAT(std::string(refused.message()), HasSubstr("--auth-tokens"));
    EXPECT_THAT(std::string(refused.message()), HasSubstr("--insecure-allow-remote"));
    EXPECT_TRUE(CheckListenPolicy(remote, true, false).ok()) << remote;
    EXPECT_TRUE(CheckListenPolicy(remote, false, true).ok()) << remote;
  }
  EXPECT_TRUE(CheckListenPolicy("", false, false).ok());
}

}  // namespace
}  // namespace hyperlab::coordinator
