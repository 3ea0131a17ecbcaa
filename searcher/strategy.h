// The pure search-strategy interface.
//
// A strategy is a function of (search space, algorithm settings, trials so far, saved state) to new
// suggestions. It holds no hidden state between calls: whatever it must remember goes into `state`, which
// the coordinator journals with the trials it creates, so a restarted coordinator suggests exactly what it
// would have suggested anyway. Deterministic for a given seed and history.
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<Strategy> s, MakeStrategy(space, config));
//   ASSIGN_OR_RETURN(std::vector<Assignment> next, s->Suggest(history, /*count=*/2, state));
//
// Thread safety: a Strategy object is immutable after construction; Suggest may be called concurrently
// with distinct `state` strings.
#ifndef HYPERLAB_SEARCHER_STRATEGY_H_
#define HYPERLAB_SEARCHER_STRATEGY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "searcher/search_space.h"

namespace hyperlab::searcher {

// What a strategy knows of one trial.
struct TrialView {
  // kStopped: ended early by an early-stopping rule; its point has been tried. Its `objective`, when set,
  // is its last measured value of the objective metric: not comparable to a completed trial's (it may
  // have improved had it run on), so it is never a study's best; the Bayesian strategy learns from it as a
  // pessimistic observation, the others ignore it.
  enum class Outcome { kPending, kSucceeded, kFailed, kStopped };
  int64_t index = 0;  // Dense per study, in creation order.
  Assignment assignment;
  Outcome outcome = Outcome::kPending;
  // The objective, when kSucceeded; the last measured value of the objective metric, when kStopped.
  std::optional<double> objective;
  // Several objectives (AlgorithmConfig::goals): every objective's value in order, when kSucceeded and all
  // were reported; else empty.
  std::vector<double> objectives;
  // Outcome constraints (AlgorithmConfig::constraints): the value of each constraint's metric, in order
  // (NaN when not reported), for a trial that completed: kSucceeded (feasible), or kFailed because it broke
  // a constraint. Empty otherwise (pending, failed, stopped, or no constraints). A kFailed trial with these
  // set is infeasible, not broken: its `objective` and `objectives` are then set as for a succeeded trial
  // when reported, and the Bayesian strategy learns from them (gp_strategy.h); the other strategies treat
  // it as a failure.
  std::vector<double> constraint_values;
};

// An outcome constraint's bounds: a trial is feasible when min <= value <= max for each constraint.
struct ConstraintBound {
  std::optional<double> min, max;
};

struct AlgorithmConfig {
  // kQuasiRandom: scrambled Halton points (quasi_random_strategy.h); kCmaEs: CMA-ES with IPOP restarts
  // (cmaes_strategy.h).
  enum class Kind { kRandom, kGrid, kBayesian, kQuasiRandom, kCmaEs };
  Kind kind = Kind::kRandom;
  uint64_t seed = 0;
  int points_per_double = 5;
  Goal goal = Goal::kMinimize;
  // kBayesian: quasi-random trials before the Gaussian process is used; 0 = automatic (one more than the
  // number of parameters, between 5 and 20).
  int initial_trials = 0;
  // kBayesian: 0 = log expected improvement (the default); > 0 = upper confidence bound with this beta
  // (mean - beta * sd), larger is more exploratory.
  double ucb_beta = 0;
  // kBayesian: optimise the acquisition inside a trust region around the best observation
  // (trust_region.h). Several objectives turn it off (strategy.cc): their weights are drawn anew for each
  // suggestion, so the best point and the region's run of successes change from one suggestion to the
  // next, and the region only narrowed the search (ZDT1 0.778 against 0.846 median hypervolume at 100
  // trials, DTLZ2 0.496 against 0.532; docs/search.md, "Several objectives: benchmark").
  bool trust_region = true;
  // kBayesian: observations from earlier studies of the same task (warm start): succeeded and failed
  // trials join the model's data and are never suggested again; `index` is ignored. The initial design
  // shrinks by the number of succeeded ones. Other kinds ignore them.
  std::vector<TrialView> prior;
  // Several objectives: their goals (2 or more; `goal` is then ignored). kBayesian scalarises them
  // (scalarising_strategy.h); kRandom and kGrid do not look at results.
  std::vector<Goal> goals;
  // Outcome constraints, in the order of TrialView::constraint_values. kBayesian models each constraint's
  // metric and weights its acquisition by the probability of feasibility (gp_strategy.h); the other kinds
  // ignore them (an infeasible trial is a failure to them).
  std::vector<ConstraintBound> constraints;
  // The objective is noisy (objective.noisy): the same point may report different values. The best
  // observed value is then the luckiest draw, so kBayesian recommends the study's result by its model
  // (GpStrategy::Recommend), and its acquisition is augmented EI (acquisition.h): it spreads trials where
  // the model is unsure instead of piling them where one more draw mostly measures noise. One objective.
  bool noisy = false;
};

class Strategy {
 public:
  virtual ~Strategy() = default;

  // Returns up to `count` new assignments; they become trials numbered history.size(), +1, ...
  // Fewer than `count` (possibly none) when the strategy is exhausted (a finished grid).
  // `state` is the strategy's saved state: read, updated, and journaled by the caller with the new trials.
  virtual absl::StatusOr<std::vector<Assignment>> Suggest(absl::Span<const TrialView> history, int count,
                                                          std::string& state) const = 0;

  // The trial the strategy recommends as the study's result (its TrialView::index, a succeeded trial of
  // `history`), or nullopt when it has no view of its own: then the result is the best observed trial.
  // A pure function of (history, state); `state` is the saved state as Suggest left it.
  virtual std::optional<int64_t> Recommend(absl::Span<const TrialView> history,
                                           const std::string& state) const {
    return std::nullopt;
  }

  // Number of distinct assignments the strategy can suggest; nullopt when unbounded.
  virtual std::optional<int64_t> Capacity() const = 0;
};

// Returns the strategy for `config`, or INVALID_ARGUMENT when the space breaks the contract of
// search_space.h (non-finite or crossed bounds, log scale with min <= 0, integer bounds that are not whole
// numbers within kMaxExactInteger, an empty value list), naming the parameter as
// "parameters[2] (name 'units'): ...", or when the settings do not suit the kind.
// Callers validate specs first (common/spec/spec_validation.h); this keeps the strategies' arithmetic safe
// for any caller.
absl::StatusOr<std::unique_ptr<Strategy>> MakeStrategy(const SearchSpace& space,
                                                       const AlgorithmConfig& config);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_STRATEGY_H_
