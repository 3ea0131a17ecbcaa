// A fresh directory path for the running test: <temp>/<prefix>_<pid>_<test name>, removed first if it
// exists (a crashed earlier run may have left it). Unique per process and test, so tests run in parallel.
// When the process exits with every test passed, the directories it was given are removed; after a
// failure they stay for a look.
#ifndef HYPERLAB_TESTS_TESTING_TEST_DIR_H_
#define HYPERLAB_TESTS_TESTING_TEST_DIR_H_

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "gtest/gtest.h"

namespace hyperlab::testing {

namespace internal {

// Created on the first FreshTestDir call, after googletest's UnitTest singleton, so destroyed before it.
class GivenDirs {
 public:
  ~GivenDirs() {
    if (!::testing::UnitTest::GetInstance()->Passed()) return;
    std::error_code ignored;
    for (const std::string& dir : dirs_) std::filesystem::remove_all(dir, ignored);
  }
  void Add(const std::string& dir) { dirs_.push_back(dir); }

 private:
  std::vector<std::string> dirs_;
};

inline GivenDirs& Given() {
  static GivenDirs given;
  return given;
}

}  // namespace internal

inline std::string FreshTestDir(const std::string& prefix) {
  std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(test.begin(), test.end(), '/', '_');  // Parameterised tests: "Name/Case".
  const std::string dir =
      (std::filesystem::temp_directory_path() / (prefix + "_" + std::to_string(getpid()) + "_" + test))
          .string();
  std::filesystem::remove_all(dir);
  internal::Given().Add(dir);
  return dir;
}

}  // namespace hyperlab::testing

#endif  // HYPERLAB_TESTS_TESTING_TEST_DIR_H_
