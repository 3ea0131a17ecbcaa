// A fresh directory path for the running test: <temp>/<prefix>_<pid>_<test name>, removed first if it
// exists (a crashed earlier run may have left it). Unique per process and test, so tests run in parallel.
#ifndef HYPERLAB_TESTS_TESTING_TEST_DIR_H_
#define HYPERLAB_TESTS_TESTING_TEST_DIR_H_

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace hyperlab::testing {

inline std::string FreshTestDir(const std::string& prefix) {
  std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(test.begin(), test.end(), '/', '_');  // Parameterised tests: "Name/Case".
  const std::string dir =
      (std::filesystem::temp_directory_path() / (prefix + "_" + std::to_string(getpid()) + "_" + test))
          .string();
  std::filesystem::remove_all(dir);
  return dir;
}

}  // namespace hyperlab::testing

#endif  // HYPERLAB_TESTS_TESTING_TEST_DIR_H_
