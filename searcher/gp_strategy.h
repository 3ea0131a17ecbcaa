// Gaussian-process Bayesian optimisation (`algorithm: {bayesian: {seed: S}}`).
//
// What it does on each Suggest, as a pure function of (space, config, history, saved state):
//   1. Until `initial_trials` have been created (and while fewer than two observations exist), trial t gets
//      point t of a scrambled Halton sequence: a space-filling initial design, scaled with the dimension;
//      trial 0 is the centre of every numeric range instead (InitialPoint).
//   2. Otherwise it encodes every trial into the unit cube (parameter_encoding.h). Observations are the
//      succeeded trials' objectives and the stopped trials' last measured values (pessimistic: see
//      docs/search.md, "Stopped trials"). It warps them (output_warping.h: robust to outliers, failures
//      imputed below the worst), refits the Matérn-5/2 ARD hyperparameters by MAP (gp_fit.h) when enough
//      new results have arrived since the last fit (warm started from it), with one learned oblique
//      direction when that fits the data better (gp_fit.h, FitProjection), and builds the posterior
//      (gp_model.h) on at most kDataCap observations.
//   3. Pending trials enter the posterior as fantasies at their predicted mean (kriging believer), and so
//      does each point of the batch once chosen, by extending the Cholesky factor one row at a time. So
//      parallel workers are spread out.
//   4. Each point maximises log expected improvement (or UCB, when `ucb_beta` > 0) over feasible points
//      (acquisition_optimizer.h) that are not near any trial of the history or the batch: a suggestion
//      differs from each of them by at least its parameter's resolution on at least one parameter
//      (ParameterEncoding::Resolution, point_set.h). The search is inside a trust region around the best
//      observation (trust_region.h: a box whose side, replayed from the history, grows after successes and
//      shrinks after failures; scaled per coordinate by the fitted lengthscales), plus points on each
//      coordinate line through it over the whole range. "Best" is the best by posterior mean among the 32
//      best observed, which under noise is not the luckiest draw; EI is measured from that mean too.
//      With a declared noisy objective (AlgorithmConfig::noisy) and at most kFitCap observations, the
//      acquisition is the log of the mean EI under three models: the fit, and the fit with every
//      lengthscale doubled and halved (the lengthscale hedge). Under noise the marginal likelihood hardly
//      tells a short lengthscale with little noise from a long one with more, and MAP commits to one;
//      averaging EI over both keeps either explanation in view, a cheap stand-in for integrating the
//      hyperparameters out (Snoek et al. 2012). The hedges are derived from the saved fit: nothing more
//      is saved. Beyond kFitCap the fit is well determined and the hedges would triple the cost.
//      Undeclared, the hedge is used too when the objective looks quantised and noisy: 30% of its values tie
//      exactly with another (quantised_objective.h: an accuracy over a finite validation set) and the fitted
//      noise variance is above 30% of the signal's (on hgb_breast_cancer, 30 seeds, the median loss at 100
//      trials fell from 16 to 15 misclassified cases of 569; docs/search.md).
// The recommended result (Recommend): with a noisy objective (AlgorithmConfig::noisy), the best observed
// value is the luckiest draw, not the best point. Among the kPlugInCandidates best succeeded trials, the
// recommendation is the one the model is surest is low: the lowest posterior mean plus kRecommendSds
// posterior standard deviations (an isolated lucky draw has a wide posterior; a point in a region of good
// results, a narrow one). Without the declaration the result is the best observed: on a noiseless rugged
// function the fitted noise is model misfit, and trusting the model there returned worse points
// (docs/search.md, "A noisy objective's recommended trial").
// Outcome constraints (AlgorithmConfig::constraints; TrialView::constraint_values): an infeasible trial's
// objective stays in the objective model (it is a real observation); a GP of the same kind is fitted to
// each constraint's metric over the completed trials (standardised, refitted on the same rule, its fit
// saved beside the objective's), and the acquisition becomes log EI + sum_k log P(min_k <= c_k(x) <=
// max_k) (acquisition.h), EI measured from the best FEASIBLE observation. Until a feasible trial exists,
// the acquisition is the probability of feasibility alone, searched around the completed trials nearest to
// feasible. The trust region is centred on the best feasible observation and replays only feasible values.
// Pending trials and the batch's picks are fantasies in the constraint models too.
// The saved state (gp_state.h) is the last fit and the number of observations it saw; with it, a restarted
// coordinator suggests exactly what an uninterrupted one would. With constraints, the state is one such line
// for the objective followed by one per constraint (without, it is the objective's line alone, as before
// constraints existed). Maximisation is minimisation of -objective.
//
// Example:
//   GpStrategy gp(space, {.kind = AlgorithmConfig::Kind::kBayesian, .seed = 7});
//   std::string state;
//   ASSIGN_OR_RETURN(std::vector<Assignment> next, gp.Suggest(history, /*count=*/4, state));
//
// Thread safety: immutable; Suggest is safe to call concurrently with distinct `state` strings.
#ifndef HYPERLAB_SEARCHER_GP_STRATEGY_H_
#define HYPERLAB_SEARCHER_GP_STRATEGY_H_

#include "searcher/parameter_encoding.h"
#include "searcher/strategy.h"

namespace hyperlab::searcher {

class PointSet;  // point_set.h

class GpStrategy : public Strategy {
 public:
  // Observations the posterior holds at most; beyond, the best half plus an even spread of the rest.
  static constexpr int kDataCap = 384;
  // Observations the hyperparameters are fitted on at most (chosen the same way).
  static constexpr int kFitCap = 256;

  GpStrategy(SearchSpace space, const AlgorithmConfig& config);

  absl::StatusOr<std::vector<Assignment>> Suggest(absl::Span<const TrialView> history, int count,
                                                  std::string& state) const override;
  // With AlgorithmConfig::noisy, once the initial design is done: the trial the model is surest is low
  // (above). Else nullopt: the best observed trial is the result. Uses the saved fit (fits one, on a copy,
  // only when `state` has none).
  std::optional<int64_t> Recommend(absl::Span<const TrialView> history,
                                   const std::string& state) const override;
  // Posterior standard deviations added to the mean when recommending a trial under noise.
  static constexpr double kRecommendSds = 2;

  // Finite (the number of distinct points) only when no parameter is a double.
  std::optional<int64_t> Capacity() const override { return capacity_; }

  // The number of quasi-random trials before the model is used.
  int initial_trials() const { return initial_trials_; }

 private:
  Assignment InitialPoint(int64_t index) const;
  // Step 1 (and the fallback of step 4): the initial design's point for trial `index`, encoded, or a later
  // one of the sequence when that is near a member of `seen`; nullopt when a small discrete space is used up.
  std::optional<Eigen::VectorXd> UnseenInitialPoint(int64_t index, const PointSet& seen) const;

  SearchSpace space_;
  AlgorithmConfig config_;
  ParameterEncoding encoding_;
  int initial_trials_;
  std::optional<int64_t> capacity_;
};

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_GP_STRATEGY_H_
