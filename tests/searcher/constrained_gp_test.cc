// Outcome constraints in the Bayesian strategy (searcher/gp_strategy.h, acquisition.h): the probability of
// feasibility is accurate in both tails and ~0 where a fitted constraint model is sure the metric breaks its
// bound; on a problem whose constraint excludes the unconstrained optimum, the strategy's suggestions are
// mostly feasible after the initial design and its best feasible value beats both the old treatment of
// infeasible trials (a failure, imputed at worst) and random search; it stays deterministic and resumable.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <numbers>
#include <vector>

#include "gtest/gtest.h"
#include "searcher/acquisition.h"
#include "searcher/gp_fit.h"
#include "searcher/gp_model.h"
#include "searcher/gp_strategy.h"
#include "searcher/matern_kernel.h"
#include "searcher/scalarising_strategy.h"
#include "searcher/strategy.h"

namespace hyperlab::searcher {
namespace {

using Outcome = TrialView::Outcome;

double Phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

TEST(ProbabilityOfFeasibilityTest, MatchesTheNormalIntervalAndStaysFiniteInTheTails) {
  const Eigen::VectorXd mean = (Eigen::VectorXd(4) << 0.0, 1.0, -2.0, 0.5).finished();
  const Eigen::VectorXd variance = (Eigen::VectorXd(4) << 1.0, 0.25, 4.0, 0.01).finished();
  const Eigen::VectorXd two_sided = LogProbabilityOfFeasibility(mean, variance, -1.0, 0.8);
  const Eigen::VectorXd upper_only = LogProbabilityOfFeasibility(mean, variance, -INFINITY, 0.8);
  const Eigen::VectorXd lower_only = LogProbabilityOfFeasibility(mean, variance, -1.0, INFINITY);
  for (int i = 0; i < 4; ++i) {
    const double sd = std::sqrt(variance(i));
    const double a = (-1.0 - mean(i)) / sd, b = (0.8 - mean(i)) / sd;
    EXPECT_NEAR(std::exp(two_sided(i)), Phi(b) - Phi(a), 1e-12) << i;
    EXPECT_NEAR(std::exp(upper_only(i)), Phi(b), 1e-12) << i;
    EXPECT_NEAR(std::exp(lower_only(i)), 1 - Phi(a), 1e-12) << i;
  }
  // 40 and 400 standard deviations into the infeasible side: finite, ordered, log Phi(-z) ~ -z^2/2.
  const Eigen::VectorXd far = LogProbabilityOfFeasibility((Eigen::VectorXd(2) << 40.0, 400.0).finished(),
                                                          Eigen::VectorXd::Ones(2), -INFINITY, 0.0);
  EXPECT_TRUE(std::isfinite(far(0)) && std::isfinite(far(1)));
  EXPECT_NEAR(far(0),
              -800 - std::log(40.0) - 0.5 * std::log(2 * std::numbers::pi) +
                  std::log1p(-1.0 / 1600 + 3.0 / 1600 / 1600),
              1e-7);  // The series stops at 3 / t^4: 15 / t^6 = 4e-9.
  EXPECT_LT(far(1), far(0));
  EXPECT_NEAR(LogNormalCdf(-10), std::log(Phi(-10)), 1e-9);
  EXPECT_NEAR(LogNormalCdf(3), std::log(Phi(3)), 1e-12);
}

// A constraint model fitted on c(x) = x0 (max 0.3) over the unit square: PoF ~1 well inside the feasible
// side, ~0 well inside the infeasible side.
TEST(ProbabilityOfFeasibilityTest, IsAboutZeroInAClearlyInfeasibleRegionOfAFittedModel) {
  const MaternKernel kernel(std::vector<bool>(2, false));
  Eigen::MatrixXd x(25, 2);
  Eigen::VectorXd y(25);
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j) {
      x.row(i * 5 + j) << i / 4.0, j / 4.0;
      y(i * 5 + j) = i / 4.0;
    }
  }
  const double mean = y.mean(), sd = std::sqrt((y.array() - mean).square().mean());
  const Eigen::VectorXd standardised = ((y.array() - mean) / sd).matrix();
  const GpHyperparameters hyper = FitHyperparameters(kernel, x, standardised, nullptr, 1);
  absl::StatusOr<GpModel> gp = GpModel::Create(kernel, x, standardised, hyper);
  ASSERT_TRUE(gp.ok()) << gp.status();
  Eigen::MatrixXd at(2, 2);
  at << 0.9, 0.4, 0.05, 0.6;
  Eigen::VectorXd m, v;
  gp->Predict(at, &m, &v);
  const Eigen::VectorXd log_pof = LogProbabilityOfFeasibility(m, v, -INFINITY, (0.3 - mean) / sd);
  EXPECT_LT(std::exp(log_pof(0)), 1e-6);
  EXPECT_GT(std::exp(log_pof(1)), 0.99);
}

// A 2-D problem with one constraint c(x) <= max whose feasible set excludes the unconstrained minimum.
struct Problem {
  double lo, hi;  // Both coordinates.
  double (*f)(double, double);
  double (*c)(double, double);
  double max;
  double optimum;  // The constrained minimum.
};

// Gardner et al. (2014), problem 2: minimise sin(x) + y subject to sin(x) sin(y) <= -0.95 on [0, 6]^2.
// The unconstrained minimum (x = 3 pi / 2, y = 0) is infeasible; the feasible set is two small islands
// (about 2% of the square), the constrained minimum -1 + asin(0.95) = 0.2532 at (3 pi / 2, 1.2532), on the
// boundary.
const Problem kGardner{0,
                       6,
                       [](double x, double y) { return std::sin(x) + y; },
                       [](double x, double y) { return std::sin(x) * std::sin(y); },
                       -0.95,
                       0.2532};
// A half-square: minimise the distance to (0.9, 0.9) squared subject to x + y <= 0.8 on [0, 1]^2; the
// constrained minimum 0.5 at (0.4, 0.4), on the boundary (off the centre of the square, which is the
// strategy's first trial).
const Problem kHalfSquare{0,
                          1,
                          [](double x, double y) { return (x - 0.9) * (x - 0.9) + (y - 0.9) * (y - 0.9); },
                          [](double x, double y) { return x + y; },
                          0.8,
                          0.5};

SearchSpace SpaceOf(const Problem& p) {
  SearchSpace s;
  s.parameters.push_back({.name = "x", .kind = ParameterKind::kDouble, .min = p.lo, .max = p.hi});
  s.parameters.push_back({.name = "y", .kind = ParameterKind::kDouble, .min = p.lo, .max = p.hi});
  return s;
}

AlgorithmConfig ConstrainedBayesian(const Problem& p, uint64_t seed) {
  AlgorithmConfig c{.kind = AlgorithmConfig::Kind::kBayesian, .seed = seed};
  c.constraints = {{.max = p.max}};
  return c;
}

double X(const TrialView& v) { return std::get<double>(v.assignment[0]); }
double Y(const TrialView& v) { return std::get<double>(v.assignment[1]); }
bool Feasible(const Problem& p, const TrialView& v) { return p.c(X(v), Y(v)) <= p.max; }

// What the coordinator hands the strategy for one evaluated trial: feasible -> kSucceeded; infeasible ->
// kFailed, with its constraint value and objective when `with_constraints` (PoF), or a bare failure (the
// behaviour before constraints were modelled).
void Evaluate(const Problem& p, TrialView& v, bool with_constraints) {
  const bool feasible = Feasible(p, v);
  v.outcome = feasible ? Outcome::kSucceeded : Outcome::kFailed;
  if (with_constraints) {
    v.constraint_values = {p.c(X(v), Y(v))};
    v.objective = p.f(X(v), Y(v));
  } else if (feasible) {
    v.objective = p.f(X(v), Y(v));
  }
}

double BestFeasible(const Problem& p, const std::vector<TrialView>& history) {
  double best = std::numeric_limits<double>::infinity();
  for (const TrialView& v : history) {
    if (Feasible(p, v)) best = std::min(best, p.f(X(v), Y(v)));
  }
  return best;
}

std::vector<TrialView> RunProblem(const Problem& p, const Strategy& strategy, int trials,
                                  bool with_constraints) {
  std::vector<TrialView> history;
  std::string state;
  for (int t = 0; t < trials; ++t) {
    absl::StatusOr<std::vector<Assignment>> next = strategy.Suggest(history, 1, state);
    EXPECT_TRUE(next.ok()) << next.status();
    if (!next.ok() || next->empty()) break;
    TrialView view{.index = t, .assignment = next->front()};
    Evaluate(p, view, with_constraints);
    history.push_back(std::move(view));
  }
  return history;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct Comparison {
  double feasible_share = 0;                // Of the PoF strategy's suggestions after its initial design.
  double pof = 0, imputed = 0, random = 0;  // Median best feasible values (infinity: none feasible).
  std::string summary;
};

// 5 seeds, `trials` each: the strategy with PoF, the same without constraints (infeasible = failed, as
// before) and random search.
Comparison Compare(const Problem& p, int trials) {
  std::vector<double> pof, imputed, random;
  int after_design = 0, feasible_after_design = 0;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    const GpStrategy with(SpaceOf(p), ConstrainedBayesian(p, seed));
    const std::vector<TrialView> h = RunProblem(p, with, trials, /*with_constraints=*/true);
    EXPECT_EQ(h.size(), static_cast<size_t>(trials));
    for (size_t t = with.initial_trials(); t < h.size(); ++t) {
      ++after_design;
      feasible_after_design += Feasible(p, h[t]) ? 1 : 0;
    }
    pof.push_back(BestFeasible(p, h));
    const GpStrategy without(SpaceOf(p), {.kind = AlgorithmConfig::Kind::kBayesian, .seed = seed});
    imputed.push_back(BestFeasible(p, RunProblem(p, without, trials, /*with_constraints=*/false)));
    absl::StatusOr<std::unique_ptr<Strategy>> r =
        MakeStrategy(SpaceOf(p), {.kind = AlgorithmConfig::Kind::kRandom, .seed = seed});
    EXPECT_TRUE(r.ok());
    random.push_back(BestFeasible(p, RunProblem(p, **r, trials, /*with_constraints=*/false)));
  }
  Comparison out{.feasible_share = static_cast<double>(feasible_after_design) / after_design,
                 .pof = Median(pof),
                 .imputed = Median(imputed),
                 .random = Median(random)};
  out.summary = "feasible share after the design " + std::to_string(out.feasible_share) +
                "; median best: pof " + std::to_string(out.pof) + ", imputed " + std::to_string(out.imputed) +
                ", random " + std::to_string(out.random);
  return out;
}

TEST(ConstrainedGpStrategyTest, OnAHalfSquareMostSuggestionsAreFeasibleAndTheBestBeatsImputationAndRandom) {
  const Comparison c = Compare(kHalfSquare, 30);
  std::cout << c.summary << "\n";
  EXPECT_GT(c.feasible_share, 0.6) << c.summary;
  EXPECT_LT(c.pof, c.imputed) << c.summary;
  EXPECT_LT(c.pof, c.random) << c.summary;
  EXPECT_LT(c.pof, kHalfSquare.optimum + 0.01) << c.summary;
}

// The islands are about 2% of the square: random search rarely lands on one, the failure imputation
// learns nothing from the 98% it misses.
TEST(ConstrainedGpStrategyTest, OnGardnersIslandsItFindsTheConstrainedMinimumWhereImputationAndRandomFail) {
  const Comparison c = Compare(kGardner, 40);
  std::cout << c.summary << "\n";
  EXPECT_GT(c.feasible_share, 0.15) << c.summary;  // Random search: about 0.02.
  EXPECT_LT(c.pof, c.imputed) << c.summary;
  EXPECT_LT(c.pof, c.random) << c.summary;
  EXPECT_LT(c.pof, kGardner.optimum + 0.05) << c.summary;
}

TEST(ConstrainedGpStrategyTest, BeforeAnyFeasibleTrialItSearchesForFeasibility) {
  // Only infeasible results so far, all far from the islands: the next suggestions (PoF alone) move
  // towards them: the constraint value at one of them is lower than at every trial.
  const GpStrategy gp(SpaceOf(kGardner), ConstrainedBayesian(kGardner, 3));
  std::vector<TrialView> history;
  int t = 0;
  for (double x : {0.5, 2.0, 3.0}) {
    for (double y : {0.5, 3.0, 5.5}) {
      TrialView v{.index = t++, .assignment = {x, y}};
      Evaluate(kGardner, v, true);
      ASSERT_EQ(v.outcome, Outcome::kFailed);
      history.push_back(v);
    }
  }
  std::string state;
  absl::StatusOr<std::vector<Assignment>> next = gp.Suggest(history, 3, state);
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_EQ(next->size(), 3u);
  double lowest_seen = INFINITY;
  for (const TrialView& v : history) lowest_seen = std::min(lowest_seen, v.constraint_values[0]);
  double lowest_suggested = INFINITY;
  for (const Assignment& a : *next) {
    lowest_suggested = std::min(lowest_suggested, kGardner.c(std::get<double>(a[0]), std::get<double>(a[1])));
  }
  EXPECT_LT(lowest_suggested, lowest_seen);
}

// 4 slots, a fresh strategy object before every Suggest, given the history and the journaled state:
// the same suggestions and the same state as an uninterrupted one; the state holds a line per constraint.
TEST(ConstrainedGpStrategyTest, RestartAtAnyPointContinuesIdentically) {
  AlgorithmConfig config = ConstrainedBayesian(kGardner, 7);
  config.constraints.push_back({.min = -10, .max = 10});  // A second, always satisfied one.
  const GpStrategy uninterrupted(SpaceOf(kGardner), config);
  std::vector<TrialView> history;
  std::string state;
  size_t done = 0;
  while (history.size() < 30) {
    const int count = history.empty() ? 4 : 1;
    std::string journaled = state;
    auto a = uninterrupted.Suggest(history, count, state);
    auto b = GpStrategy(SpaceOf(kGardner), config).Suggest(history, count, journaled);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(*a, *b) << "at trial " << history.size();
    ASSERT_EQ(state, journaled) << "at trial " << history.size();
    for (const Assignment& x : *a)
      history.push_back({.index = static_cast<int64_t>(history.size()), .assignment = x});
    Evaluate(kGardner, history[done], true);
    history[done].constraint_values.push_back(std::get<double>(history[done].assignment[0]));
    ++done;
  }
  EXPECT_EQ(std::count(state.begin(), state.end(), '\n'), 2) << state;
}

TEST(ConstrainedGpStrategyTest, WithoutConstraintsTheStateIsTheObjectivesAlone) {
  const GpStrategy gp(SpaceOf(kGardner), {.kind = AlgorithmConfig::Kind::kBayesian, .seed = 2});
  std::vector<TrialView> h = RunProblem(kGardner, gp, 12, /*with_constraints=*/false);
  for (TrialView& v : h) {  // All succeeded: the model is fitted.
    v.outcome = Outcome::kSucceeded;
    v.objective = std::sin(std::get<double>(v.assignment[0])) + std::get<double>(v.assignment[1]);
  }
  std::string state;
  ASSERT_TRUE(gp.Suggest(h, 1, state).ok());
  EXPECT_EQ(state.find('\n'), std::string::npos) << state;
  EXPECT_EQ(state.rfind("gp1 ", 0), 0u) << state;
}

TEST(ConstrainedScalarisingTest, AnInfeasibleTrialWithAFullVectorIsScalarisedAFailedOneIsNot) {
  SearchSpace s;
  s.parameters.push_back({.name = "x", .kind = ParameterKind::kDouble, .min = 0, .max = 1});
  const ScalarisingStrategy strategy(
      std::make_unique<GpStrategy>(s, AlgorithmConfig{.kind = AlgorithmConfig::Kind::kBayesian}),
      {Goal::kMinimize, Goal::kMinimize}, 1);
  std::vector<TrialView> h(3);
  h[0] = {.index = 0, .assignment = {0.1}, .outcome = Outcome::kSucceeded, .objectives = {0.0, 1.0}};
  h[1] = {.index = 1,
          .assignment = {0.5},
          .outcome = Outcome::kFailed,
          .objectives = {1.0, 0.0},
          .constraint_values = {3.0}};
  h[2] = {.index = 2, .assignment = {0.9}, .outcome = Outcome::kFailed, .objectives = {0.5, 0.5}};
  const std::vector<TrialView> out = strategy.Scalarise(h, {0.5, 0.5});
  EXPECT_TRUE(out[0].objective.has_value());
  ASSERT_TRUE(out[1].objective.has_value());
  EXPECT_NEAR(*out[1].objective, 2 + 0.05 * 2, 1e-12);  // max f/w + 0.05 sum f/w, f = (1, 0).
  EXPECT_FALSE(out[2].objective.has_value());
}

}  // namespace
}  // namespace hyperlab::searcher
