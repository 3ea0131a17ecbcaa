// Bayesian optimisation of several objectives by random scalarisation (ParEGO-style; Knowles 2006).
//
// For each suggestion, a direction w in the positive orthant is drawn from (seed, trial index), so a
// restarted coordinator draws the same ones: point `index` of a scrambled Halton sequence mapped through
// the half-normal quantile, so that directions are uniform on the unit sphere's positive part and
// successive ones spread evenly (then scaled to sum to 1). Every succeeded trial's objective vector
// (TrialView::objectives) is normalised per objective (larger is worse, maximised objectives flipped) from
// the best value seen to the worst on the current feasible Pareto front (0 at the ideal, 1 at the front's
// nadir; the worst value seen when the front has fewer than two points) and scalarised by the augmented
// Chebyshev function with inverse weights
//   s(f) = max_k f_k / w_k + 0.05 * sum_k f_k / w_k,
// whose minimiser on the front lies along w (the direction of Golovin and Zhang's hypervolume
// scalarisation), so that uniform directions place points evenly on a curved front; its minimisers over
// all directions are the Pareto front. Measured (docs/search.md): DTLZ2's median hypervolume at 50 / 100
// trials 0.4168 / 0.5626 with simplex-uniform random weights on max_k w_k f_k, 0.4774 / 0.6061 now. The
// single-objective strategy inside (the GP of gp_strategy.h, minimising) then suggests the point for that
// scalarisation. A succeeded trial without a full vector (a metric missing) is a failure to the model,
// imputed below the worst. An infeasible trial (kFailed with constraint values: TrialView::constraint_values)
// is scalarised like a succeeded one when its vector is full: the inner GP keeps it in its objective model
// and models the outcome constraints separately (probability of feasibility, gp_strategy.h), the best
// feasible scalarised value being its incumbent. The warm-start prior, which has no vectors, is not used.
//
// Thread safety: immutable after construction, like every Strategy.
#ifndef HYPERLAB_SEARCHER_SCALARISING_STRATEGY_H_
#define HYPERLAB_SEARCHER_SCALARISING_STRATEGY_H_

#include <memory>
#include <vector>

#include "searcher/strategy.h"

namespace hyperlab::searcher {

class ScalarisingStrategy : public Strategy {
 public:
  // `inner` minimises TrialView::objective; `goals` has one entry per objective (at least 2).
  ScalarisingStrategy(std::unique_ptr<Strategy> inner, std::vector<Goal> goals, uint64_t seed);

  absl::StatusOr<std::vector<Assignment>> Suggest(absl::Span<const TrialView> history, int count,
                                                  std::string& state) const override;
  std::optional<int64_t> Capacity() const override { return inner_->Capacity(); }

  // The weights of the suggestion that becomes trial `index`: positive, summing to 1 (a direction uniform on
  // the unit sphere's positive part, quasi-random in `index`). Exposed for tests.
  std::vector<double> Weights(int64_t index) const;

  // `history` with each view's `objective` set to its scalarisation under `weights` (unset without a full,
  // finite vector). Exposed for tests.
  std::vector<TrialView> Scalarise(absl::Span<const TrialView> history,
                                   const std::vector<double>& weights) const;

 private:
  std::unique_ptr<Strategy> inner_;
  std::vector<Goal> goals_;
  uint64_t seed_;
};

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_SCALARISING_STRATEGY_H_
