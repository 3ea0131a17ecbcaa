#include "searcher/gp_strategy.h"

#include <cmath>
#include <numbers>
#include <set>

#include "gtest/gtest.h"
#include "searcher/strategy.h"

namespace hyperlab::searcher {
namespace {

using Outcome = TrialView::Outcome;

double Branin(double x1, double x2) {
  constexpr double kPi = std::numbers::pi;
  const double u = x2 - 5.1 / (4 * kPi * kPi) * x1 * x1 + 5 / kPi * x1 - 6;
  return u * u + 10 * (1 - 1 / (8 * kPi)) * std::cos(x1) + 10;
}

SearchSpace BraninSpace() {
  SearchSpace s;
  s.parameters.push_back({.name = "x1", .min = -5, .max = 10});
  s.parameters.push_back({.name = "x2", .min = 0, .max = 15});
  return s;
}

double BraninOf(const Assignment& a) { return Branin(std::get<double>(a[0]), std::get<double>(a[1])); }

AlgorithmConfig Bayesian(uint64_t seed, Goal goal = Goal::kMinimize) {
  return {.kind = AlgorithmConfig::Kind::kBayesian, .seed = seed, .goal = goal};
}

// Runs `trials` sequential trials of `f`, returning the history.
template <typename F>
std::vector<TrialView> RunStudy(const Strategy& strategy, int trials, F f) {
  std::vector<TrialView> history;
  std::string state;
  for (int t = 0; t < trials; ++t) {
    absl::StatusOr<std::vector<Assignment>> next = strategy.Suggest(history, 1, state);
    EXPECT_TRUE(next.ok()) << next.status();
    if (!next.ok() || next->empty()) break;
    TrialView view{.index = t, .assignment = next->front()};
    f(view);
    history.push_back(std::move(view));
  }
  return history;
}

TEST(GpStrategyTest, MakeStrategyBuildsItAndValidatesItsSettings) {
  EXPECT_TRUE(MakeStrategy(BraninSpace(), Bayesian(1)).ok());
  AlgorithmConfig bad = Bayesian(1);
  bad.initial_trials = -1;
  EXPECT_EQ(MakeStrategy(BraninSpace(), bad).status().code(), absl::StatusCode::kInvalidArgument);
  bad = Bayesian(1);
  bad.ucb_beta = -2;
  EXPECT_EQ(MakeStrategy(BraninSpace(), bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(GpStrategyTest, FindsBraninsMinimumFarBetterThanItsInitialDesign) {
  const GpStrategy gp(BraninSpace(), Bayesian(3));
  const std::vector<TrialView> history = RunStudy(gp, 30, [](TrialView& v) {
    v.outcome = Outcome::kSucceeded;
    v.objective = BraninOf(v.assignment);
  });
  double initial_best = 1e300, best = 1e300;
  for (const TrialView& v : history) {
    if (v.index < gp.initial_trials()) initial_best = std::min(initial_best, *v.objective);
    best = std::min(best, *v.objective);
  }
  EXPECT_LT(best - 0.397887, 0.05) << "initial design best " << initial_best << ", best " << best;
}

TEST(GpStrategyTest, MaximisesWhenTheGoalSaysSo) {
  const GpStrategy gp(BraninSpace(), Bayesian(4, Goal::kMaximize));
  const std::vector<TrialView> history = RunStudy(gp, 30, [](TrialView& v) {
    v.outcome = Outcome::kSucceeded;
    v.objective = -BraninOf(v.assignment);
  });
  double best = -1e300;
  for (const TrialView& v : history) best = std::max(best, *v.objective);
  EXPECT_GT(best, -0.397887 - 0.05);
}

TEST(GpStrategyTest, SameSeedHistoryAndStateGiveTheSameSuggestionsOtherSeedsDiffer) {
  const GpStrategy a(BraninSpace(), Bayesian(5)), b(BraninSpace(), Bayesian(5)),
      c(BraninSpace(), Bayesian(6));
  const std::vector<TrialView> history = RunStudy(a, 12, [](TrialView& v) {
    v.outcome = Outcome::kSucceeded;
    v.objective = BraninOf(v.assignment);
  });
  std::string sa, sb, sc;
  auto ra = a.Suggest(history, 3, sa), rb = b.Suggest(history, 3, sb), rc = c.Suggest(history, 3, sc);
  ASSERT_TRUE(ra.ok() && rb.ok() && rc.ok());
  EXPECT_EQ(*ra, *rb);
  EXPECT_EQ(sa, sb);
  EXPECT_FALSE(sa.empty());
  EXPECT_NE(*ra, *rc);
}

// A study with 4 slots, a "restart" before every Suggest (a fresh strategy object given the history and the
// journaled state) suggests exactly what an uninterrupted one does, and journals the same state.
TEST(GpStrategyTest, RestartAtAnyPointContinuesIdentically) {
  const AlgorithmConfig config = Bayesian(7);
  const GpStrategy uninterrupted(BraninSpace(), config);
  std::vector<TrialView> history;
  std::string state;
  size_t done = 0;
  while (history.size() < 36) {
    const int count = history.empty() ? 4 : 1;
    std::string journaled = state;
    auto a = uninterrupted.Suggest(history, count, state);
    auto b = GpStrategy(BraninSpace(), config).Suggest(history, count, journaled);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(*a, *b) << "at trial " << history.size();
    ASSERT_EQ(state, journaled) << "at trial " << history.size();
    for (const Assignment& x : *a)
      history.push_back({.index = static_cast<int64_t>(history.size()), .assignment = x});
    history[done].outcome = Outcome::kSucceeded;
    history[done].objective = BraninOf(history[done].assignment);
    ++done;
  }
}

TEST(GpStrategyTest, EightPendingTrialsNeverShareAPoint) {
  // A coarse space (integers and a categorical: 5 * 4 * 2 = 40 points) makes collisions likely if pending
  // trials were ignored.
  SearchSpace s;
  s.parameters.push_back({.name = "a", .kind = ParameterKind::kInteger, .min = 0, .max = 4});
  s.parameters.push_back({.name = "b", .kind = ParameterKind::kDiscrete, .numbers = {1, 2, 4, 8}});
  s.parameters.push_back({.name = "c", .kind = ParameterKind::kCategorical, .categories = {"x", "y"}});
  const GpStrategy gp(s, Bayesian(8));
  EXPECT_EQ(gp.Capacity(), 40);
  auto objective = [](const Assignment& a) {
    const double da = std::get<int64_t>(a[0]) - 3.0, db = std::log2(std::get<double>(a[1])) - 1;
    return da * da + db * db + (std::get<std::string>(a[2]) == "y" ? 0.0 : 2.0);
  };
  std::vector<TrialView> history;
  std::string state;
  auto add = [&](int count) {
    auto next = gp.Suggest(history, count, state);
    ASSERT_TRUE(next.ok());
    for (const Assignment& x : *next)
      history.push_back({.index = static_cast<int64_t>(history.size()), .assignment = x});
  };
  add(8);
  for (size_t done = 0; done < 24; ++done) {
    std::set<Assignment> running;
    int n = 0;
    for (const TrialView& v : history) {
      if (v.outcome != Outcome::kPending) continue;
      running.insert(v.assignment);
      ++n;
    }
    ASSERT_EQ(static_cast<int>(running.size()), n) << "after " << done << " completions";
    history[done].outcome = Outcome::kSucceeded;
    history[done].objective = objective(history[done].assignment);
    add(1);
  }
  // Never a repeat of any earlier trial either, and the optimum (3, 2, "y") has been found.
  std::set<Assignment> all;
  for (const TrialView& v : history) EXPECT_TRUE(all.insert(v.assignment).second);
  EXPECT_TRUE(all.count(Assignment{int64_t{3}, 2.0, std::string("y")}));
}

TEST(GpStrategyTest, ExhaustsASmallDiscreteSpaceWithoutRepeats) {
  SearchSpace s;
  s.parameters.push_back({.name = "k", .kind = ParameterKind::kInteger, .min = 1, .max = 3});
  s.parameters.push_back({.name = "c", .kind = ParameterKind::kCategorical, .categories = {"p", "q"}});
  const GpStrategy gp(s, Bayesian(9));
  std::vector<TrialView> history = RunStudy(gp, 6, [](TrialView& v) {
    v.outcome = Outcome::kSucceeded;
    v.objective = static_cast<double>(std::get<int64_t>(v.assignment[0]));
  });
  ASSERT_EQ(history.size(), 6u);
  std::set<Assignment> distinct;
  for (const TrialView& v : history) distinct.insert(v.assignment);
  EXPECT_EQ(distinct.size(), 6u);
  std::string state;
  auto more = gp.Suggest(history, 2, state);
  ASSERT_TRUE(more.ok());
  EXPECT_TRUE(more->empty());
}

TEST(GpStrategyTest, MixedSpaceSuggestionsAreFeasibleAndCategoriesAreLearned) {
  SearchSpace s;
  s.parameters.push_back({.name = "lr", .scale = Scale::kLog, .min = 1e-4, .max = 1e-1});
  s.parameters.push_back({.name = "layers", .kind = ParameterKind::kInteger, .min = 1, .max = 6});
  s.parameters.push_back({.name = "batch", .kind = ParameterKind::kDiscrete, .numbers = {32, 64, 128}});
  s.parameters.push_back(
      {.name = "opt", .kind = ParameterKind::kCategorical, .categories = {"sgd", "adam", "rms"}});
  const GpStrategy gp(s, Bayesian(10));
  const std::vector<TrialView> history = RunStudy(gp, 30, [](TrialView& v) {
    const double lr = std::get<double>(v.assignment[0]);
    const double layers = static_cast<double>(std::get<int64_t>(v.assignment[1]));
    const double batch = std::get<double>(v.assignment[2]);
    const std::string& opt = std::get<std::string>(v.assignment[3]);
    v.outcome = Outcome::kSucceeded;
    v.objective = std::pow(std::log10(lr) + 2.5, 2) + 0.1 * std::pow(layers - 3, 2) +
                  (batch == 64 ? 0 : 0.3) + (opt == "adam" ? 0 : 1.5);
  });
  int adam_late = 0;
  for (const TrialView& v : history) {
    const double lr = std::get<double>(v.assignment[0]);
    EXPECT_GE(lr, 1e-4);
    EXPECT_LE(lr, 1e-1);
    const int64_t layers = std::get<int64_t>(v.assignment[1]);
    EXPECT_GE(layers, 1);
    EXPECT_LE(layers, 6);
    const double batch = std::get<double>(v.assignment[2]);
    EXPECT_TRUE(batch == 32 || batch == 64 || batch == 128);
    if (v.index >= 20) adam_late += std::get<std::string>(v.assignment[3]) == "adam";
  }
  EXPECT_GE(adam_late, 6) << adam_late;  // Of the last 10.
}

TEST(GpStrategyTest, FailedTrialsSteerSuggestionsAway) {
  // Every trial with x1 > 0 (half the space) fails; the minimum of the rest is at the boundary x1 = 0.
  const GpStrategy gp(BraninSpace(), Bayesian(11));
  const std::vector<TrialView> history = RunStudy(gp, 30, [](TrialView& v) {
    const double x1 = std::get<double>(v.assignment[0]);
    if (x1 > 0) {
      v.outcome = Outcome::kFailed;
    } else {
      v.outcome = Outcome::kSucceeded;
      v.objective = BraninOf(v.assignment);
    }
  });
  int failed_late = 0;
  for (const TrialView& v : history) failed_late += v.index >= 15 && v.outcome == Outcome::kFailed;
  EXPECT_LE(failed_late, 6)
      << failed_late;  // Of 15; random search would fail about 10 of 15 (x1 > 0 is 2/3 of [-5, 10]).
}

}  // namespace
}  // namespace hyperlab::searcher
