#include "searcher/early_stopping.h"

#include <limits>

#include "gtest/gtest.h"

namespace hyperlab::searcher {
namespace {

TrialCurve Curve(int64_t id, std::vector<CurvePoint> points, bool completed = false) {
  return {.trial = id, .points = std::move(points), .completed = completed};
}

std::vector<const TrialCurve*> Pointers(const std::vector<TrialCurve>& curves) {
  std::vector<const TrialCurve*> out;
  for (const auto& c : curves) out.push_back(&c);
  return out;
}

TEST(MedianRuleTest, StopsATrialWorseThanTheMedianOfRunningAverages) {
  // Completed trials with running averages at step 2: 1, 2, 3, 4, 5 (minimise): median 3.
  std::vector<TrialCurve> done;
  for (int i = 1; i <= 5; ++i) done.push_back(Curve(i, {{1, i + 1.0}, {2, i - 1.0}, {3, -100}}, true));
  const auto others = Pointers(done);
  const EarlyStoppingConfig config{.kind = EarlyStoppingConfig::Kind::kMedian, .min_trials = 5};
  EXPECT_TRUE(ShouldStop(config, Curve(9, {{1, 5}, {2, 3.5}}), others));   // Best 3.5 > 3.
  EXPECT_FALSE(ShouldStop(config, Curve(9, {{1, 5}, {2, 2.5}}), others));  // Best 2.5 < 3.
  // Maximising flips the comparison: best 3.5 beats the median 3.
  EXPECT_FALSE(ShouldStop({.kind = EarlyStoppingConfig::Kind::kMedian, .goal = Goal::kMaximize},
                          Curve(9, {{1, 0}, {2, 3.5}}), others));
}

TEST(MedianRuleTest, WaitsForEnoughCompletedTrialsAndTheMinimumStep) {
  std::vector<TrialCurve> done;
  for (int i = 1; i <= 4; ++i) done.push_back(Curve(i, {{1, 1.0 * i}, {2, 1.0 * i}}, true));
  done.push_back(Curve(5, {{1, 0}, {2, 0}}, /*completed=*/false));  // Running: does not count.
  const EarlyStoppingConfig five{.kind = EarlyStoppingConfig::Kind::kMedian, .min_trials = 5};
  EXPECT_FALSE(ShouldStop(five, Curve(9, {{2, 100}}), Pointers(done)));
  const EarlyStoppingConfig four{.kind = EarlyStoppingConfig::Kind::kMedian, .min_trials = 4, .min_step = 3};
  EXPECT_FALSE(ShouldStop(four, Curve(9, {{2, 100}}), Pointers(done)));
  EXPECT_TRUE(ShouldStop(four, Curve(9, {{3, 100}}), Pointers(done)));
}

TEST(AshaRuleTest, KeepsTheBestThirdAtEachRung) {
  // Rung 1 (eta 3) already holds 1, 2, 3, 4, 5: with this trial n = 6, so the best 2 go on (minimise).
  std::vector<TrialCurve> rung1;
  for (int i = 1; i <= 5; ++i) rung1.push_back(Curve(i, {{1, 1.0 * i}}));
  const EarlyStoppingConfig config{
      .kind = EarlyStoppingConfig::Kind::kAsha, .min_step = 1, .reduction_factor = 3};
  EXPECT_TRUE(ShouldStop(config, Curve(9, {{1, 2.5}}), Pointers(rung1)));
  EXPECT_FALSE(ShouldStop(config, Curve(9, {{1, 1.5}}), Pointers(rung1)));
  // Between rungs nothing is judged; at rung 3 the values recorded there compete.
  EXPECT_FALSE(ShouldStop(config, Curve(9, {{1, 1.5}, {2, 9}}), Pointers(rung1)));
  std::vector<TrialCurve> rung3 = {Curve(1, {{1, 1}, {3, 0.5}}), Curve(2, {{1, 2}, {3, 0.7}})};
  EXPECT_TRUE(ShouldStop(config, Curve(9, {{1, 1.5}, {2, 1}, {3, 0.9}}), Pointers(rung3)));
  EXPECT_FALSE(ShouldStop(config, Curve(9, {{1, 1.5}, {2, 1}, {3, 0.4}}), Pointers(rung3)));
}

// Issue 14 #5 class (sizes a trial or spec sets, computed without overflow): a step near INT64_MAX put the
// rung at 2^63, which llround could not hold (it gave INT64_MIN, so the trial was never judged). Rungs are
// doubles now: the trial at the top rung is judged like any other.
TEST(AshaRuleTest, StepsNearInt64MaxAreJudged) {
  constexpr int64_t kTop = std::numeric_limits<int64_t>::max();
  std::vector<TrialCurve> others = {Curve(1, {{kTop, 1}}), Curve(2, {{kTop, 2}})};
  const EarlyStoppingConfig config{
      .kind = EarlyStoppingConfig::Kind::kAsha, .min_step = 1, .reduction_factor = 2};
  EXPECT_TRUE(ShouldStop(config, Curve(9, {{1, 5}, {kTop, 10}}), Pointers(others)));
  EXPECT_FALSE(ShouldStop(config, Curve(9, {{1, 5}, {kTop, 0.5}}), Pointers(others)));
  const EarlyStoppingConfig huge{
      .kind = EarlyStoppingConfig::Kind::kAsha, .min_step = kTop, .reduction_factor = 1e308};
  EXPECT_FALSE(ShouldStop(huge, Curve(9, {{1, 5}, {kTop, 10}}), {})) << "the first trial at a rung goes on";
}

TEST(AshaRuleTest, TheFirstTrialAtARungAlwaysGoesOnAndTheGoalIsRespected) {
  const EarlyStoppingConfig config{.kind = EarlyStoppingConfig::Kind::kAsha,
                                   .goal = Goal::kMaximize,
                                   .min_step = 2,
                                   .reduction_factor = 2};
  EXPECT_FALSE(ShouldStop(config, Curve(1, {{2, 0.1}}), {}));
  EXPECT_FALSE(ShouldStop(config, Curve(1, {{1, 0.1}}), {}));  // Before the first rung.
  std::vector<TrialCurve> others = {Curve(2, {{2, 0.9}}), Curve(3, {{2, 0.8}}), Curve(4, {{2, 0.7}})};
  // n = 4, keep 2: 0.85 is second best (maximise) and goes on; 0.75 is third and stops.
  EXPECT_FALSE(ShouldStop(config, Curve(1, {{2, 0.85}}), Pointers(others)));
  EXPECT_TRUE(ShouldStop(config, Curve(1, {{2, 0.75}}), Pointers(others)));
}

}  // namespace
}  // namespace hyperlab::searcher
