// Maximising the acquisition over the feasible points of the search space.
//
// Why this way: the acquisition surface is multimodal and the space mixes continuous, integer, discrete and
// categorical coordinates, so gradients alone do not suffice. The optimiser scores a batch of quasi-random
// candidates (Halton) plus candidates sampled around the best observed points (where the optimum usually
// is, as BoTorch's "sample around best" does) and along each coordinate line through the best one (one
// parameter changed at a time, over its whole range), then refines the best few by a batched stochastic
// local search: each round perturbs a few coordinates of each start with a Gaussian step (snapped to feasible
// values, categories resampled), keeps improvements, and grows or shrinks the step size (1/5th-rule style)
// down to 1e-5 of the range. Every point scored is feasible: the search is over feasible values, not rounded
// afterwards. Points near a member of `excluded` (point_set.h: every trial so far and this batch's picks,
// at the parameters' resolution) are never returned while any other candidate is left. Scoring is batched:
// one triangular solve per round for all starts. Deterministic for a given (seed, stream).
//
// Example:
//   AcquisitionOptimizerOptions options;
//   AcquisitionResult r = OptimizeAcquisition(gp, encoding, incumbents, best, excluded, seed, stream,
//   options);
//
// Thread safety: a pure function of its arguments; safe to call concurrently on distinct or const models.
#ifndef HYPERLAB_SEARCHER_ACQUISITION_OPTIMIZER_H_
#define HYPERLAB_SEARCHER_ACQUISITION_OPTIMIZER_H_

#include <cmath>
#include <cstdint>
#include <vector>

#include "Eigen/Core"
#include "searcher/acquisition.h"
#include "searcher/gp_model.h"
#include "searcher/parameter_encoding.h"
#include "searcher/point_set.h"

namespace hyperlab::searcher {

// One outcome constraint's model: the posterior of its metric (in the units the bounds are given in) and
// the bounds (-infinity / +infinity when one-sided).
struct FeasibilityModel {
  const GpModel* gp = nullptr;  // Not owned; outlives the optimisation.
  double lower = -INFINITY, upper = INFINITY;
};

struct AcquisitionOptimizerOptions {
  AcquisitionKind kind = AcquisitionKind::kLogEi;
  double ucb_beta = 2.0;    // For kUcb.
  int quasi_random = 1000;  // Halton candidates.
  int per_incumbent = 40;   // Candidates around each incumbent (half near, half nearer).
  // Candidates on each coordinate line through the best incumbent, spread over the coordinate's whole
  // range, outside the trust region too: they find a better basin of one parameter while the others stay
  // where they are good, which is how separable and nearly separable landscapes are solved (Styblinski-Tang,
  // Schwefel, Rastrigin in docs/search.md). Local search moves coordinates within the region only (a
  // perturbed line coordinate is clamped back into it), so a far basin is refined once it holds the best.
  int line_points = 4;
  // No line candidates when the model's noise variance is above this fraction of its signal variance. Under
  // noise their far points cost more than they find: on Branin with noise (docs/search.md, "Line candidates
  // under noise") the median regret at 100 trials over 30 seeds was 0.34 with them and 0.21 without, while
  // the noiseless separable problems they are for fit a noise below 1e-3 of the signal.
  double lines_max_noise = 0.05;
  // Augmented EI (acquisition.h), for log EI only: when `augmented` (the study declared its objective noisy)
  // and the model's noise variance is above `augmented_min_noise` of its signal variance. Not automatic: on
  // noiseless rugged functions the model also fits a noise above 5% of the signal, and there augmented EI
  // was worse (rastrigin4 @50 from 9.4 to 19.6, eggholder, bukin6, michalewicz5, schwefel4; docs/search.md,
  // "Results (2026-12-05)"), as the automatic gate for the recommended trial had been. Declared, it took the
  // median regret at 100 trials of branin_noisy from 0.165 to 0.090 and of six_hump_camel_noisy from 0.059
  // to 0.016.
  bool augmented = false;
  double augmented_min_noise = 0.05;
  int starts = 5;          // Local searches.
  int rounds = 15;         // Local-search rounds.
  int perturbations = 24;  // Points per start per round.
  // A trust region: when both are set (size d), the quasi-random candidates' non-categorical coordinates
  // lie in [box_lower, box_upper] (encoded space), and every perturbation moves a coordinate only within it
  // (clamped); the coordinates a perturbation leaves alone keep their value, so candidates around an
  // incumbent outside the box (not the best, which is the box's centre) may lie partly outside it, and a
  // line candidate (line_points) lies outside it in the one coordinate it moves. A soft region, as
  // benchmarked (docs/search.md). Empty = the whole cube.
  Eigen::VectorXd box_lower, box_upper;
  // Outcome constraints (acquisition.h): when not empty, sum_k log PoF_k(x) is added to the acquisition
  // (log EI: the product EI * PoF; UCB: a barrier in the same units). When `feasible_incumbent` is false (no
  // feasible observation yet), the acquisition is the log probability of feasibility alone.
  std::vector<FeasibilityModel> constraints;
  bool feasible_incumbent = true;
  // More models of the objective, for log EI only: the acquisition is then the log of the mean of EI under
  // `gp` and each of these (LogMeanExp, acquisition.h), each measured from `best`: a declared noisy
  // objective's lengthscale hedge (gp_strategy.h). Augmented EI's discount and the line candidates' noise
  // check stay `gp`'s. Not owned; they outlive the optimisation.
  std::vector<const GpModel*> hedges;
};

struct AcquisitionResult {
  Eigen::VectorXd x;      // Feasible, encoded.
  double value = 0;       // Acquisition at x.
  bool excluded = false;  // True only when every scored point was excluded.
};

// `incumbents`: rows are the best observed points, best first. `best`: the incumbent target (for EI).
AcquisitionResult OptimizeAcquisition(const GpModel& gp, const ParameterEncoding& encoding,
                                      const Eigen::MatrixXd& incumbents, double best,
                                      const PointSet& excluded, uint64_t seed, uint64_t stream,
                                      const AcquisitionOptimizerOptions& options);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_ACQUISITION_OPTIMIZER_H_
