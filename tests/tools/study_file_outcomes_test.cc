// Study files with several objectives and outcome constraints (docs/search.md): the issue's syntax loads,
// and a mistake is reported with its line and field path.
#include <string>

#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/study_file.h"

namespace hyperlab::tools {
namespace {

using ::testing::StartsWith;

constexpr absl::string_view kMulti = R"yaml(name: small-and-accurate
objectives: [{metric: dev_accuracy, goal: maximize}, {metric: latency_ms, goal: minimize}]
constraints: [{metric: latency_ms, max: 10}, {metric: params_millions, max: 1}]
parameters:
  - {name: lr, double: {min: 1.0e-4, max: 1.0e-1, scale: log}}
algorithm: {bayesian: {seed: 1}}
budget: {max_trials: 20}
task: {client: {experiment: net}}
)yaml";

TEST(StudyFileOutcomesTest, ObjectivesAndConstraintsLoad) {
  absl::StatusOr<v1::StudySpec> spec = ParseStudyYaml(kMulti, "study.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status();
  ASSERT_EQ(spec->objectives_size(), 2);
  EXPECT_EQ(spec->objectives(1).metric(), "latency_ms");
  EXPECT_EQ(spec->objectives(1).goal(), v1::Objective::MINIMIZE);
  ASSERT_EQ(spec->constraints_size(), 2);
  EXPECT_TRUE(spec->constraints(1).has_max());
  EXPECT_FALSE(spec->constraints(1).has_min());
  EXPECT_EQ(spec->constraints(1).max(), 1);
  EXPECT_FALSE(spec->has_objective());
}

TEST(StudyFileOutcomesTest, MistakesNameLineAndPath) {
  std::string dup(kMulti);
  dup.replace(dup.find("latency_ms, goal"), 10, "dev_accuracy");
  absl::StatusOr<v1::StudySpec> spec = ParseStudyYaml(dup, "study.yaml");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(spec.status().message()),
              StartsWith("study.yaml:2: objectives[1].metric: duplicate"));
  std::string both = "objective: {metric: loss, goal: minimize}\n" + std::string(kMulti);
  spec = ParseStudyYaml(both, "study.yaml");
  ASSERT_FALSE(spec.ok());
  EXPECT_THAT(std::string(spec.status().message()), StartsWith("study.yaml:1: objective: give either"));
  std::string crossed(kMulti);
  crossed.replace(crossed.find("max: 10"), 7, "min: 20, max: 10");
  spec = ParseStudyYaml(crossed, "study.yaml");
  ASSERT_FALSE(spec.ok());
  EXPECT_THAT(std::string(spec.status().message()),
              StartsWith("study.yaml:3: constraints[0].max: must be >="));
}

}  // namespace
}  // namespace hyperlab::tools
