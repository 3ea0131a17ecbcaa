// Secret files (issue 14, #17): the coordinator's token file and a client's $HYPERLAB_TOKEN_FILE are
// refused when their group may write them or others may read them, with an error naming the file and its
// mode; 0600, 0640, 0400 and 0440 pass.
#include "common/rpc/secret_file.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "coordinator/auth_tokens.h"
#include "common/rpc/client_channel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_dir.h"

namespace hyperlab::coordinator {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "0123456789abcdef0123";

class SecretFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir("secret_file_test");
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    unsetenv("HYPERLAB_TOKEN_FILE");
    unsetenv("HYPERLAB_TOKEN");
    std::filesystem::remove_all(dir_);
  }
  std::string Write(const std::string& name, const std::string& content, mode_t mode) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << content;
    EXPECT_EQ(chmod(path.c_str(), mode), 0);
    return path;
  }
  std::string dir_;
};

TEST_F(SecretFileTest, AWorldReadableTokenFileIsRefusedNamingTheFileAndItsMode) {
  const std::string path = Write("tokens", std::string(kToken) + " admin ops\n", 0644);
  auto store = TokenStore::Load(path);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr(path));
  EXPECT_THAT(store.status().message(), HasSubstr("mode 0644"));
  EXPECT_THAT(store.status().message(), Not(HasSubstr(kToken)));
}

TEST_F(SecretFileTest, ModesWiderThan0640AreRefusedAndNarrowerOnesPass) {
  for (mode_t mode : {0644, 0660, 0604, 0666, 0620, 0641, 0700, 0650}) {
    const std::string path = Write("tokens", std::string(kToken) + " admin ops\n", mode);
    EXPECT_EQ(TokenStore::Load(path).status().code(), absl::StatusCode::kFailedPrecondition)
        << std::oct << mode;
  }
  for (mode_t mode : {0600, 0640, 0400, 0440}) {
    const std::string path = Write("tokens", std::string(kToken) + " admin ops\n", mode);
    EXPECT_TRUE(TokenStore::Load(path).ok()) << std::oct << mode;
  }
}

TEST_F(SecretFileTest, NotARegularFileOrMissingOrTooLarge) {
  EXPECT_EQ(ReadSecretFile("--auth-tokens", dir_ + "/missing").status().code(), absl::StatusCode::kNotFound);
  std::filesystem::create_directories(dir_ + "/d");
  chmod((dir_ + "/d").c_str(), 0600);
  EXPECT_EQ(ReadSecretFile("--auth-tokens", dir_ + "/d").status().code(),
            absl::StatusCode::kFailedPrecondition);
  const std::string big = Write("big", std::string(kMaxSecretFileBytes + 1, 'x'), 0600);
  EXPECT_EQ(ReadSecretFile("--auth-tokens", big).status().code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(SecretFileTest, AClientRefusesAWorldReadableTokenFile) {
  const std::string path = Write("worker-token", std::string(kToken) + "\n", 0644);
  setenv("HYPERLAB_TOKEN_FILE", path.c_str(), 1);
  auto token = TokenFromFlagOrEnv("");
  EXPECT_EQ(token.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(token.status().message(), HasSubstr("$HYPERLAB_TOKEN_FILE " + path));
  EXPECT_THAT(token.status().message(), HasSubstr("mode 0644"));
  chmod(path.c_str(), 0600);
  token = TokenFromFlagOrEnv("");
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(*token, kToken) << "the final newline is dropped";
  EXPECT_EQ(*TokenFromFlagOrEnv("fromtheflag0123456"), "fromtheflag0123456") << "the flag wins";
}

TEST_F(SecretFileTest, AClientTokenFileWithTwoTokensOrAShortOneIsRefusedWithoutQuotingIt) {
  setenv("HYPERLAB_TOKEN_FILE", Write("two", std::string(kToken) + " " + kToken + "\n", 0600).c_str(), 1);
  auto token = TokenFromFlagOrEnv("");
  EXPECT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(token.status().message(), Not(HasSubstr(kToken)));
  setenv("HYPERLAB_TOKEN_FILE", Write("short", "abc\n", 0600).c_str(), 1);
  EXPECT_EQ(TokenFromFlagOrEnv("").status().code(), absl::StatusCode::kInvalidArgument);
  unsetenv("HYPERLAB_TOKEN_FILE");
  setenv("HYPERLAB_TOKEN", kToken, 1);
  EXPECT_EQ(*TokenFromFlagOrEnv(""), kToken);
}

}  // namespace
}  // namespace hyperlab::coordinator
