// The example study files are what newcomers copy: every one loads, and none selects on a test-set metric
// (the objective and the early-stopping metric are dev or training metrics; test metrics are only reported
// through `metrics:`), since choosing trials by their test score leaks the test set into the choice.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/study_file.h"

namespace hyperlab::tools {
namespace {

std::vector<std::filesystem::path> ExampleFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(HYPERLAB_SOURCE_DIR "/examples")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  return files;
}

TEST(ExamplesTest, EveryExampleLoadsAndSelectsOnNoTestMetric) {
  const std::vector<std::filesystem::path> files = ExampleFiles();
  ASSERT_GE(files.size(), 10u) << "examples/ not found under " << HYPERLAB_SOURCE_DIR;
  int trained = 0;
  for (const auto& path : files) {
    absl::StatusOr<v1::StudySpec> spec = LoadStudyFile(path.string());
    ASSERT_TRUE(spec.ok()) << path << ": " << spec.status();
    EXPECT_FALSE(absl::StartsWith(spec->objective().metric(), "test_"))
        << path << " selects on " << spec->objective().metric() << ": use the dev metric as objective";
    EXPECT_FALSE(absl::StartsWith(spec->early_stopping().metric(), "test_"))
        << path << " stops early on " << spec->early_stopping().metric();
    if (spec->task().has_train()) {
      ++trained;
      // Every study on real data still reports the test metric, for the final word on the chosen trial.
      EXPECT_THAT(spec->metrics(), ::testing::Contains("test_accuracy")) << path;
    }
  }
  EXPECT_GE(trained, 5);
}

}  // namespace
}  // namespace hyperlab::tools
