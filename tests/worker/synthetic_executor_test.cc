#include "worker/synthetic_executor.h"

#include <atomic>
#include <chrono>
#include <numbers>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "common/spec/synthetic_functions.h"

namespace hyperlab::worker {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr double kPi = std::numbers::pi;

class FakeContext : public TrialContext {
 public:
  void ReportMeasurement(const v1::Measurement& measurement) override { ++measurements; }
  bool StopRequested() const override {
    ++polls;
    return polls > stop_after_polls;
  }
  int stop_after_polls = 1 << 30;
  mutable int polls = 0;
  int measurements = 0;
};

v1::Assignment MakeAssignment(const std::string& function,
                              const std::vector<std::pair<std::string, double>>& xs,
                              double delay_seconds = 0) {
  v1::Assignment assignment;
  assignment.mutable_task()->mutable_synthetic()->set_function(function);
  assignment.mutable_task()->mutable_synthetic()->set_delay_seconds(delay_seconds);
  assignment.mutable_objective()->set_metric("value");
  for (const auto& [name, value] : xs) {
    v1::Parameter* parameter = assignment.mutable_trial()->add_parameters();
    parameter->set_name(name);
    parameter->mutable_value()->set_double_value(value);
  }
  return assignment;
}

TEST(SyntheticExecutorTest, RunsBranin) {
  SyntheticExecutor executor;
  EXPECT_EQ(executor.Kind(), "synthetic");
  FakeContext context;
  TrialOutcome outcome = executor.Run(MakeAssignment("branin", {{"x1", kPi}, {"x2", 2.275}}), context);
  EXPECT_EQ(outcome.state, v1::Trial::SUCCEEDED) << outcome.reason;
  ASSERT_EQ(outcome.metrics.count("value"), 1);
  EXPECT_NEAR(outcome.metrics["value"], 0.397887, 1e-6);
}

TEST(SyntheticExecutorTest, RunsHartmann6WithMixedParameterKindsAndExtras) {
  v1::Assignment assignment = MakeAssignment(
      "hartmann6", {{"x1", 0.20169}, {"x2", 0.150011}, {"x3", 0.476874}, {"x5", 0.311652}, {"x6", 0.6573}});
  v1::Parameter* x4 = assignment.mutable_trial()->add_parameters();
  x4->set_name("x4");
  x4->mutable_value()->set_int_value(0);
  v1::Parameter* extra = assignment.mutable_trial()->add_parameters();
  extra->set_name("optimizer");
  extra->mutable_value()->set_string_value("adam");
  FakeContext context;
  TrialOutcome outcome = SyntheticExecutor().Run(assignment, context);
  EXPECT_EQ(outcome.state, v1::Trial::SUCCEEDED) << outcome.reason;
  EXPECT_THAT(outcome.metrics,
              ElementsAre(Pair("value", Hartmann6({0.20169, 0.150011, 0.476874, 0, 0.311652, 0.6573}))));
}

TEST(SyntheticExecutorTest, MissingParameterFailsNamingIt) {
  FakeContext context;
  TrialOutcome outcome = SyntheticExecutor().Run(MakeAssignment("branin", {{"x1", 1}}), context);
  EXPECT_EQ(outcome.state, v1::Trial::FAILED);
  EXPECT_THAT(outcome.reason, HasSubstr("'x2'"));
  EXPECT_TRUE(outcome.metrics.empty());
}

TEST(SyntheticExecutorTest, NonNumericParameterFails) {
  v1::Assignment assignment = MakeAssignment("branin", {{"x1", 1}});
  v1::Parameter* x2 = assignment.mutable_trial()->add_parameters();
  x2->set_name("x2");
  x2->mutable_value()->set_string_value("two");
  FakeContext context;
  TrialOutcome outcome = SyntheticExecutor().Run(assignment, context);
  EXPECT_EQ(outcome.state, v1::Trial::FAILED);
  EXPECT_THAT(outcome.reason, HasSubstr("'x2' is not a number"));
}

TEST(SyntheticExecutorTest, UnknownFunctionFails) {
  FakeContext context;
  TrialOutcome outcome =
      SyntheticExecutor().Run(MakeAssignment("rosenbrock", {{"x1", 1}, {"x2", 1}}), context);
  EXPECT_EQ(outcome.state, v1::Trial::FAILED);
  EXPECT_THAT(outcome.reason, HasSubstr("'rosenbrock'"));
}

TEST(SyntheticExecutorTest, WaitsForTheDelay) {
  FakeContext context;
  const auto start = std::chrono::steady_clock::now();
  TrialOutcome outcome =
      SyntheticExecutor().Run(MakeAssignment("branin", {{"x1", 0}, {"x2", 0}}, 0.2), context);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(outcome.state, v1::Trial::SUCCEEDED);
  EXPECT_GE(elapsed, std::chrono::milliseconds(200));
  EXPECT_LT(elapsed, std::chrono::milliseconds(1000));
  EXPECT_GE(context.polls, 4);  // At least every 50 ms.
}

TEST(SyntheticExecutorTest, StopRequestDuringDelayStopsPromptly) {
  FakeContext context;
  context.stop_after_polls = 2;
  const auto start = std::chrono::steady_clock::now();
  TrialOutcome outcome =
      SyntheticExecutor().Run(MakeAssignment("branin", {{"x1", 0}, {"x2", 0}}, 30), context);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(outcome.state, v1::Trial::STOPPED);
  EXPECT_EQ(outcome.reason, "stopped");
  EXPECT_TRUE(outcome.metrics.empty());
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));
}

}  // namespace
}  // namespace hyperlab::worker
