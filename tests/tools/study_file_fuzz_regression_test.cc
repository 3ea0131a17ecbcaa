// Inputs found by tools/fuzz/study_file_fuzzer that once crashed or hung the study-file parser: invalid
// UTF-8 (an uncaught JSON exception) and a NUL byte (yaml-cpp 0.7 allocated without end). Both are now
// INVALID_ARGUMENT naming the file and line.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/study_file.h"

namespace hyperlab::tools {
namespace {

using ::testing::StartsWith;

TEST(StudyFileFuzzRegressionTest, InvalidUtf8IsRefusedWithItsLine) {
  const std::string text = "name: x\nhypothesis: The re\x94\x91\x9c\x9a for fashion\n";
  auto spec = ParseStudyYaml(text, "s.yaml");
  ASSERT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(spec.status().message(), "s.yaml:2: not UTF-8 text (a study file must be UTF-8)");
  for (const char* bad :
       {"name: \xc3", "name: \xf4\x97\x86\x8f", "name: \xed\xa0\x80", "name: \xe0\x80\x80"}) {
    EXPECT_EQ(ParseStudyYaml(bad, "s.yaml").status().message(),
              "s.yaml:1: not UTF-8 text (a study file must be UTF-8)");
  }
}

TEST(StudyFileFuzzRegressionTest, ControlCharactersAreRefusedBeforeYamlSeesThem) {
  const std::string text =
      "objective: {metric: test_accuracy, goal: maximize}\ntask:\n ith\t\x05" + std::string(7, '\0') + "al\n";
  auto spec = ParseStudyYaml(text, "s.yaml");
  ASSERT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(spec.status().message(), "s.yaml:3: control character 0x05; a study file is text");
  EXPECT_THAT(std::string(ParseStudyYaml("a: b\r\n\tc", "s.yaml").status().message()),
              ::testing::Not(::testing::HasSubstr("control character")))
      << "tab, CR and LF are text";
}

TEST(StudyFileFuzzRegressionTest, AStrayCommaWhereADocumentStartsEnds) {
  // yaml-cpp 0.7's LoadAll never returned on this (and allocated gigabytes).
  for (const char* text : {",", ",\n", "# comment\n,,,,\n"}) {
    EXPECT_EQ(ParseStudyYaml(text, "s.yaml").status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(StudyFileFuzzRegressionTest, ASecondDocumentIsStillRefusedWithItsLine) {
  auto spec = ParseStudyYaml("name: a\n---\nname: b\n", "s.yaml");
  ASSERT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(spec.status().message()), StartsWith("s.yaml:"));
  EXPECT_THAT(std::string(spec.status().message()), ::testing::HasSubstr("expected one YAML document"));
}

TEST(StudyFileFuzzRegressionTest, ValidUtf8PassesTheTextCheck) {
  auto spec = ParseStudyYaml("name: caf\xc3\xa9-\xe2\x9c\x93-\xf0\x9f\x98\x80\n", "s.yaml");
  EXPECT_THAT(std::string(spec.status().message()), ::testing::Not(::testing::HasSubstr("UTF-8")));
}

}  // namespace
}  // namespace hyperlab::tools
