#include "searcher/cmaes_strategy.h"

#include <cmath>
#include <functional>

#include "gtest/gtest.h"

namespace hyperlab::searcher {
namespace {

using Outcome = TrialView::Outcome;

SearchSpace Box(int d, double lo, double hi) {
  SearchSpace s;
  for (int j = 0; j < d; ++j) s.parameters.push_back({.name = "x" + std::to_string(j), .min = lo, .max = hi});
  return s;
}

double Sphere(const Assignment& a, double centre) {
  double s = 0;
  for (const Value& v : a) s += std::pow(std::get<double>(v) - centre, 2);
  return s;
}

// Runs `trials` sequential trials of f; returns the history.
std::vector<TrialView> RunTrials(const Strategy& strategy, int trials,
                                 const std::function<double(const Assignment&)>& f) {
  std::vector<TrialView> history;
  std::string state;
  for (int t = 0; t < trials; ++t) {
    Assignment a = strategy.Suggest(history, 1, state)->front();
    const double y = f(a);
    history.push_back(
        {.index = t, .assignment = std::move(a), .outcome = Outcome::kSucceeded, .objective = y});
  }
  return history;
}

double Best(const std::vector<TrialView>& history) {
  double best = INFINITY;
  for (const TrialView& t : history) best = std::min(best, *t.objective);
  return best;
}

TEST(CmaEsStrategyTest, ConvergesOnAnOffCentreSphere) {
  // Minimum at 3 on [-5, 10]^4 (0.53 of each range); random search's best of 400 is about 1 away.
  const CmaEsStrategy cma(Box(4, -5, 10), {.kind = AlgorithmConfig::Kind::kCmaEs, .seed = 1});
  EXPECT_EQ(cma.lambda(), 8);
  const std::vector<TrialView> history =
      RunTrials(cma, 400, [](const Assignment& a) { return Sphere(a, 3); });
  EXPECT_LT(Best(history), 1e-4);
  const CmaEsStrategy::Distribution d = cma.Replay(history);
  EXPECT_EQ(d.generations, 50);
  for (int j = 0; j < 4; ++j) EXPECT_NEAR(d.mean(j), 8.0 / 15, 0.01);
}

TEST(CmaEsStrategyTest, MaximisesWhenAskedTo) {
  const CmaEsStrategy cma(Box(3, 0, 1),
                          {.kind = AlgorithmConfig::Kind::kCmaEs, .seed = 2, .goal = Goal::kMaximize});
  const std::vector<TrialView> history =
      RunTrials(cma, 200, [](const Assignment& a) { return -Sphere(a, 0.2); });
  double best = -INFINITY;
  for (const TrialView& t : history) best = std::max(best, *t.objective);
  EXPECT_GT(best, -1e-3);
}

TEST(CmaEsStrategyTest, ABatchEqualsOneAtATimeAndARestartChangesNothing) {
  const AlgorithmConfig config{.kind = AlgorithmConfig::Kind::kCmaEs, .seed = 9};
  const CmaEsStrategy cma(Box(5, -1, 1), config);
  std::vector<TrialView> history = RunTrials(cma, 37, [](const Assignment& a) { return Sphere(a, 0.3); });
  std::string state;
  const std::vector<Assignment> batch = *cma.Suggest(history, 4, state);
  std::vector<TrialView> growing = history;
  for (int i = 0; i < 4; ++i) {
    // A fresh strategy each time (a restarted coordinator), the earlier suggestions pending.
    const Assignment one = CmaEsStrategy(Box(5, -1, 1), config).Suggest(growing, 1, state)->front();
    EXPECT_EQ(one, batch[i]) << i;
    growing.push_back({.index = static_cast<int64_t>(growing.size()), .assignment = one});
  }
  EXPECT_EQ(state, "");
}

TEST(CmaEsStrategyTest, RestartsWithALargerPopulationOnAPlateau) {
  const CmaEsStrategy cma(Box(2, 0, 1), {.kind = AlgorithmConfig::Kind::kCmaEs, .seed = 4});
  const std::vector<TrialView> history = RunTrials(cma, 60, [](const Assignment&) { return 1.0; });
  const CmaEsStrategy::Distribution d = cma.Replay(history);
  // lambda 6: generation 1 is flat -> restart with 12; generation 2 (trials 6..17) flat -> 24; 18..41 -> 48.
  EXPECT_EQ(d.restarts, 3);
  EXPECT_EQ(d.generations, 3);
}

TEST(CmaEsStrategyTest, FailedAndPendingTrialsAndMixedSpaces) {
  SearchSpace s = Box(2, 0, 1);
  s.parameters.push_back(
      {.name = "n", .kind = ParameterKind::kInteger, .scale = Scale::kLog, .min = 1, .max = 512});
  s.parameters.push_back({.name = "c", .kind = ParameterKind::kCategorical, .categories = {"a", "b", "c"}});
  const CmaEsStrategy cma(s, {.kind = AlgorithmConfig::Kind::kCmaEs, .seed = 3});
  // The best: x = 0.7, n = 64, c = "b"; every third trial fails.
  std::vector<TrialView> history;
  std::string state;
  double best = INFINITY;
  for (int t = 0; t < 300; ++t) {
    Assignment a = cma.Suggest(history, 1, state)->front();
    const double y = std::pow(std::get<double>(a[0]) - 0.7, 2) + std::pow(std::get<double>(a[1]) - 0.7, 2) +
                     std::pow(std::log2(static_cast<double>(std::get<int64_t>(a[2]))) - 6, 2) +
                     (std::get<std::string>(a[3]) == "b" ? 0 : 1);
    const bool fail = t % 3 == 2;
    if (!fail) best = std::min(best, y);
    history.push_back({.index = t,
                       .assignment = std::move(a),
                       .outcome = fail ? Outcome::kFailed : Outcome::kSucceeded,
                       .objective = fail ? std::nullopt : std::optional(y)});
  }
  EXPECT_LT(best, 0.05);  // A wrong category costs 1, n a factor 2 away 1, x 0.16 away 0.05.
  // Pending trials are not part of any generation: adding some changes nothing of the distribution.
  std::vector<TrialView> with_pending = history;
  with_pending.push_back({.index = 300, .assignment = history[0].assignment});
  EXPECT_EQ(cma.Replay(with_pending).mean, cma.Replay(history).mean);
}

}  // namespace
}  // namespace hyperlab::searcher
