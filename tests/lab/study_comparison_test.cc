// `study compare` statistics on hand-made studies whose answers are worked out in the comments.
#include "lab/study_comparison.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/lab_test_util.h"

namespace hyperlab::lab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Parse;

constexpr int64_t kT0 = 1'700'000'000'000;  // Unix ms of the first trial's start.

v1::Study MakeStudy(const std::string& name, int64_t id, const std::string& goal,
                    const std::string& metric = "value") {
  return Parse<v1::Study>(absl::StrCat("id: ", id, " state: COMPLETED spec { name: '", name,
                                       "' objective { metric: '", metric, "' goal: ", goal, " } }"));
}

// A trial that ran from kT0 + start_s to kT0 + end_s; `value` < 0 means it reported no objective.
v1::Trial Timed(int64_t id, const std::string& state, double start_s, double end_s, double value,
                const std::string& extra = "") {
  std::string text = absl::StrCat("id: ", id, " state: ", state,
                                  " start_unix_ms: ", kT0 + static_cast<int64_t>(start_s * 1000),
                                  " end_unix_ms: ", kT0 + static_cast<int64_t>(end_s * 1000),
                                  " parameters { name: 'x' value { double_value: ", id, " } } ", extra);
  if (value >= 0) absl::StrAppend(&text, " metrics { key: 'value' value: ", value, " }");
  return Parse<v1::Trial>(text);
}

// Minimising. In the order they end: t1 (end 2 s, 5.0), t0 (3 s, 8.0), t2 failed (4 s), t3 (6 s, 2.0),
// t4 reused (6.5 s, 2.0), t5 still running.
StudyTrials Slow() {
  return {MakeStudy("slow", 1, "MINIMIZE"),
          {Timed(0, "SUCCEEDED", 0, 3, 8.0), Timed(1, "SUCCEEDED", 0, 2, 5.0), Timed(2, "FAILED", 2, 4, -1),
           Timed(3, "SUCCEEDED", 3, 6, 2.0),
           Timed(4, "SUCCEEDED", 6.5, 6.5, 2.0, "reused_from { study_id: 9 trial_id: 1 study_name: 'old' }"),
           Parse<v1::Trial>(absl::StrCat("id: 5 state: RUNNING start_unix_ms: ", kT0 + 6500))}};
}

// Minimising. t0 (end 1 s, 4.0), t1 stopped (1.5 s, with a value it must not be credited with),
// t2 (2.5 s, 3.0). Starts 10 s after kT0: times count from its own first trial.
StudyTrials Fast() {
  return {MakeStudy("fast", 2, "MINIMIZE"),
          {Timed(0, "SUCCEEDED", 10, 11, 4.0), Timed(1, "STOPPED", 10, 11.5, 0.5),
           Timed(2, "SUCCEEDED", 11, 12.5, 3.0)}};
}

TEST(DistributionTest, QuartilesInterpolateBetweenOrderStatistics) {
  auto d = DistributionOf({4, 1, 3, 2});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->count, 4);
  EXPECT_DOUBLE_EQ(d->min, 1);
  EXPECT_DOUBLE_EQ(d->q1, 1.75);  // Position 0.75 between 1 and 2.
  EXPECT_DOUBLE_EQ(d->median, 2.5);
  EXPECT_DOUBLE_EQ(d->q3, 3.25);
  EXPECT_DOUBLE_EQ(d->max, 4);
  EXPECT_DOUBLE_EQ(d->mean, 2.5);

  auto five = DistributionOf({10, 0, 30, 20, 40});
  EXPECT_DOUBLE_EQ(five->q1, 10);
  EXPECT_DOUBLE_EQ(five->median, 20);
  EXPECT_DOUBLE_EQ(five->q3, 30);

  auto one = DistributionOf({7});
  EXPECT_DOUBLE_EQ(one->q1, 7);
  EXPECT_DOUBLE_EQ(one->q3, 7);
  EXPECT_FALSE(DistributionOf({}).has_value());
}

TEST(CompareStudiesTest, CountsBestAndDistribution) {
  auto c = CompareStudies({Slow(), Fast()}, std::nullopt);
  ASSERT_TRUE(c.ok()) << c.status();
  const StudySummary& slow = c->studies[0];
  EXPECT_EQ(slow.name, "slow");
  EXPECT_EQ(slow.total, 6);
  EXPECT_EQ(slow.succeeded, 4);
  EXPECT_EQ(slow.reused, 1);
  EXPECT_EQ(slow.failed, 1);
  EXPECT_EQ(slow.unfinished, 1);
  EXPECT_EQ(slow.best_value, 2.0);
  EXPECT_EQ(slow.best_trial, 3);  // t4 ties it later: the first keeps it.
  ASSERT_EQ(slow.best_parameters.size(), 1u);
  EXPECT_EQ(slow.best_parameters[0].value().double_value(), 3);
  ASSERT_TRUE(slow.objective.has_value());
  EXPECT_EQ(slow.objective->count, 4);  // {2, 2, 5, 8}
  EXPECT_DOUBLE_EQ(slow.objective->median, 3.5);
  EXPECT_DOUBLE_EQ(slow.objective->mean, 4.25);
  EXPECT_EQ(slow.seconds_to_best, 6.0);
  EXPECT_EQ(slow.wall_seconds, 6.5);

  const StudySummary& fast = c->studies[1];
  EXPECT_EQ(fast.stopped, 1);
  EXPECT_EQ(fast.best_value, 3.0);  // Not the stopped trial's 0.5.
  EXPECT_EQ(fast.best_trial, 2);
  EXPECT_EQ(fast.seconds_to_best, 2.5);
  EXPECT_EQ(fast.wall_seconds, 2.5);
}

TEST(CompareStudiesTest, DefaultTargetIsTheWorstBestSoEveryStudyReachesIt) {
  auto c = CompareStudies({Slow(), Fast()}, std::nullopt);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->target_given);
  EXPECT_EQ(c->target, 3.0);  // Bests 2.0 and 3.0; minimising, so the worse is 3.0.
  // slow reaches <= 3 with t3, the fourth trial to end (the failed one counts), 6 s in.
  EXPECT_EQ(c->studies[0].trials_to_target, 4);
  EXPECT_EQ(c->studies[0].seconds_to_target, 6.0);
  // fast reaches it with t2, the third to end (the stopped one counts), 2.5 s after its first start.
  EXPECT_EQ(c->studies[1].trials_to_target, 3);
  EXPECT_EQ(c->studies[1].seconds_to_target, 2.5);
}

TEST(CompareStudiesTest, AGivenTargetMayNotBeReached) {
  auto c = CompareStudies({Slow(), Fast()}, 4.5);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->target_given);
  // slow: t1 (5.0) no, t0 (8.0) no, the failed t2, then t3 (2.0): the fourth, 6 s in.
  EXPECT_EQ(c->studies[0].trials_to_target, 4);
  EXPECT_EQ(c->studies[0].seconds_to_target, 6.0);
  EXPECT_EQ(c->studies[1].trials_to_target, 1);  // t0's 4.0.
  EXPECT_EQ(c->studies[1].seconds_to_target, 1.0);

  auto never = CompareStudies({Slow(), Fast()}, 1.0);
  ASSERT_TRUE(never.ok());
  EXPECT_FALSE(never->studies[0].trials_to_target.has_value());
  EXPECT_FALSE(never->studies[0].seconds_to_target.has_value());
  const nlohmann::ordered_json json = ComparisonJson(*never);
  EXPECT_EQ(json["studies"][0]["target"]["reached"], false);
  EXPECT_TRUE(json["studies"][0]["target"]["trials"].is_null());
  EXPECT_EQ(json["target"]["value"], 1.0);
  EXPECT_EQ(json["target"]["given"], true);
}

TEST(CompareStudiesTest, MaximisingReachesFromBelow) {
  StudyTrials a = {MakeStudy("a", 1, "MAXIMIZE"),
                   {Timed(0, "SUCCEEDED", 0, 1, 0.5), Timed(1, "SUCCEEDED", 1, 2, 0.9)}};
  StudyTrials b = {MakeStudy("b", 2, "MAXIMIZE"), {Timed(0, "SUCCEEDED", 0, 4, 0.7)}};
  auto c = CompareStudies({a, b}, std::nullopt);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->target, 0.7);  // The worse of 0.9 and 0.7.
  EXPECT_EQ(c->studies[0].best_value, 0.9);
  EXPECT_EQ(c->studies[0].trials_to_target, 2);
  EXPECT_EQ(c->studies[1].trials_to_target, 1);
  EXPECT_EQ(c->studies[1].seconds_to_target, 4.0);
}

TEST(CompareStudiesTest, DifferentObjectivesAreRefused) {
  StudyTrials loss = {MakeStudy("by-loss", 3, "MINIMIZE", "dev_loss"), {}};
  StudyTrials accuracy = {MakeStudy("by-accuracy", 4, "MAXIMIZE", "dev_accuracy"), {}};
  auto c = CompareStudies({loss, accuracy}, std::nullopt);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(),
              HasSubstr("'by-loss' minimizes dev_loss but 'by-accuracy' maximizes dev_accuracy"));
  // The same metric in the other direction is no better.
  StudyTrials up = {MakeStudy("up", 5, "MAXIMIZE", "dev_loss"), {}};
  EXPECT_EQ(CompareStudies({loss, up}, std::nullopt).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CompareStudies({}, std::nullopt).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CompareStudiesTest, AStudyWithoutResultsHasNoBestAndNoTarget) {
  StudyTrials empty = {MakeStudy("empty", 6, "MINIMIZE"), {Timed(0, "FAILED", 0, 1, -1)}};
  auto c = CompareStudies({empty, Fast()}, std::nullopt);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->target, 3.0);  // From the study that has a best value.
  EXPECT_FALSE(c->studies[0].best_value.has_value());
  EXPECT_FALSE(c->studies[0].objective.has_value());
  EXPECT_FALSE(c->studies[0].trials_to_target.has_value());
  const nlohmann::ordered_json json = ComparisonJson(*c);
  EXPECT_TRUE(json["studies"][0]["best"].is_null());
  EXPECT_TRUE(json["studies"][0]["objective_distribution"].is_null());
  EXPECT_EQ(json["studies"][1]["best"]["trial"], 2);
  EXPECT_TRUE(json["studies"][1]["objective_distribution"]["median"].is_number_float());
}

TEST(ComparisonTableTest, OneRowPerQuantityOneColumnPerStudy) {
  auto c = CompareStudies({Slow(), Fast()}, 4.5);
  ASSERT_TRUE(c.ok()) << c.status();
  const Table table = ComparisonTable(*c);
  EXPECT_THAT(table.header, ElementsAre("study", "slow", "fast"));
  auto row = [&](const std::string& label) -> std::vector<Value> {
    for (const auto& r : table.rows) {
      if (r[0] == Value(label)) return r;
    }
    ADD_FAILURE() << "no row " << label;
    return {};
  };
  EXPECT_THAT(row("objective"),
              ElementsAre(Value("objective"), Value("minimize value"), Value("minimize value")));
  EXPECT_THAT(row("best value"), ElementsAre(Value("best value"), Value(2.0), Value(3.0)));
  EXPECT_THAT(row("best parameters"), ElementsAre(Value("best parameters"), Value("x=3"), Value("x=2")));
  EXPECT_THAT(row("value median"), ElementsAre(Value("value median"), Value(3.5), Value(3.5)));
  EXPECT_THAT(row("target"), ElementsAre(Value("target"), Value("value <= 4.5"), Value("value <= 4.5")));
  EXPECT_THAT(row("trials to target"),
              ElementsAre(Value("trials to target"), Value(int64_t{4}), Value(int64_t{1})));
  const std::string text = RenderText(table);
  EXPECT_THAT(text, HasSubstr("wall seconds"));
  auto by_default = CompareStudies({Slow(), Fast()}, std::nullopt);
  EXPECT_THAT(RenderText(ComparisonTable(*by_default)), HasSubstr("target (worst best)  value <= 3  "));
  auto never = CompareStudies({Slow(), Fast()}, 0.1);
  EXPECT_THAT(RenderText(ComparisonTable(*never)), HasSubstr("not reached"));
}

}  // namespace
}  // namespace hyperlab::lab
