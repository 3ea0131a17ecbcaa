// The coordinator's data directory is private (issue 14, #17: it followed the umask, 0755): created 0700
// whatever the umask, tightened to 0700 when this user owns a wider one, refused when it is not a
// directory.
#include "coordinator/private_dir.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_dir.h"

namespace hyperlab::coordinator {
namespace {

using ::testing::HasSubstr;

mode_t ModeOf(const std::string& path) {
  struct stat st = {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

class PrivateDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    old_umask_ = umask(022);  // What an operator's shell typically has: the finding's 755.
    dir_ = testing::FreshTestDir("private_dir_test");
  }
  void TearDown() override {
    umask(old_umask_);
    std::filesystem::remove_all(dir_);
  }
  mode_t old_umask_ = 0;
  std::string dir_;
};

TEST_F(PrivateDirTest, AMissingDirectoryIsCreated0700UnderAnOpenUmask) {
  const std::string data = dir_ + "/nested/data";
  auto action = EnsurePrivateDirectory("--data-dir", data);
  ASSERT_TRUE(action.ok()) << action.status();
  EXPECT_EQ(*action, PrivateDirAction::kCreated);
  EXPECT_EQ(ModeOf(data), 0700);
  EXPECT_EQ(*EnsurePrivateDirectory("--data-dir", data), PrivateDirAction::kUnchanged);
}

TEST_F(PrivateDirTest, AnExistingGroupOrWorldAccessibleDirectoryIsTightened) {
  const std::string data = dir_ + "/data";
  std::filesystem::create_directories(data);
  chmod(data.c_str(), 0755);
  auto action = EnsurePrivateDirectory("--data-dir", data);
  ASSERT_TRUE(action.ok()) << action.status();
  EXPECT_EQ(*action, PrivateDirAction::kTightened);
  EXPECT_EQ(ModeOf(data), 0700);
}

TEST_F(PrivateDirTest, AFileInsteadOfADirectoryIsRefused) {
  std::filesystem::create_directories(dir_);
  const std::string file = dir_ + "/file";
  std::ofstream(file) << "x";
  auto action = EnsurePrivateDirectory("--data-dir", file);
  EXPECT_EQ(action.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(action.status().message(), HasSubstr("--data-dir " + file + ": not a directory"));
}

}  // namespace
}  // namespace hyperlab::coordinator
