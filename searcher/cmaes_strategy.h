// CMA-ES (`algorithm: {cmaes: {seed: S}}`): the covariance matrix adaptation evolution strategy with
// restarts of growing population (IPOP), for budgets beyond a Gaussian process's reach and for rugged
// landscapes where a smooth model misleads.
//
// How it stays a pure function of the history (no saved state): the search distribution is recomputed on
// every Suggest by replaying the history. Parameters map onto [0, 1] with equal shares per value
// (unit_mapping.h); the finished trials (succeeded, failed, stopped), in creation order, form consecutive
// generations of lambda; each full generation updates mean, step size, evolution paths and covariance
// with the standard rules (Hansen, "The CMA Evolution Strategy: A Tutorial", 2016), ranking failed trials
// and stopped ones without a value last, and using each trial's actual point, so trials that were created
// from an older distribution (asynchronous workers) still count. Pending trials wait for their result.
// Trial t is drawn from the current distribution with a standard normal vector keyed by (seed, t), clipped
// to the cube. When the step size collapses (sigma * sqrt(largest eigenvalue) < 1e-5, i.e. converged) or a
// generation's values are all equal (a plateau), it restarts from a quasi-random mean with lambda doubled.
// Deterministic; a restarted coordinator suggests exactly what an uninterrupted one would. Maximisation
// is minimisation of -objective. Cost: O(n d + g d^3) per Suggest for n trials in g generations.
//
// Example:
//   CmaEsStrategy cma(space, {.kind = AlgorithmConfig::Kind::kCmaEs, .seed = 7});
//   std::string state;
//   ASSIGN_OR_RETURN(std::vector<Assignment> next, cma.Suggest(history, /*count=*/8, state));
//
// Thread safety: immutable; Suggest is safe to call concurrently.
#ifndef HYPERLAB_SEARCHER_CMAES_STRATEGY_H_
#define HYPERLAB_SEARCHER_CMAES_STRATEGY_H_

#include "Eigen/Core"
#include "searcher/strategy.h"

namespace hyperlab::searcher {

class CmaEsStrategy : public Strategy {
 public:
  static constexpr double kInitialSigma = 0.25;  // Of the unit cube.

  CmaEsStrategy(SearchSpace space, const AlgorithmConfig& config);

  absl::StatusOr<std::vector<Assignment>> Suggest(absl::Span<const TrialView> history, int count,
                                                  std::string& state) const override;
  std::optional<int64_t> Capacity() const override { return std::nullopt; }

  // The population size of the first run: 4 + floor(3 ln d).
  int lambda() const { return lambda_; }

  // The distribution after replaying `history`, for tests: mean (unit cube), step size, restarts so far.
  struct Distribution {
    Eigen::VectorXd mean;
    double sigma = 0;
    int restarts = 0;
    int generations = 0;
  };
  Distribution Replay(absl::Span<const TrialView> history) const;

 private:
  struct Search;  // The full state of the replay (cmaes_strategy.cc).
  Search Run(absl::Span<const TrialView> history) const;
  Assignment Sample(const Search& search, int64_t index) const;

  SearchSpace space_;
  AlgorithmConfig config_;
  int lambda_;
};

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_CMAES_STRATEGY_H_
