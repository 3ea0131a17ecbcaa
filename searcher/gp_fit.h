// Fitting the Gaussian-process hyperparameters: maximum a posteriori under weak priors.
//
// Why MAP and not plain maximum likelihood: with a handful of points the likelihood is flat or degenerate
// (lengthscales run off to their bounds, noise swallows the signal); weak log-normal priors keep the fit
// sensible and cost nothing once data speak. The objective is the negative log marginal likelihood plus the
// negative log prior, with its analytic gradient, minimised in log space by bounded BFGS
// (bounded_bfgs.h) from a few starts: the previous fit (warm start), the prior's centre, and quasi-random
// points around it. Starts are deterministic, so the same data and warm start give the same fit.
//
// Priors (outputs standardised, inputs in the unit cube):
//   log lengthscale ~ Normal(0.5 log(d), 1.5) bounded to [0.01, 50]  (longer in more dimensions);
//   log signal variance ~ Normal(0, 1.5) bounded to [0.05, 20];
//   log noise variance ~ Normal(log 1e-3, 3) bounded to [1e-6, 1];
//   projection weights (when fitted) ~ Normal(0, 4) each, bounded to [-30, 30].
//
// The learned oblique direction (GpHyperparameters::projection). Why: ARD lengthscales say how fast the
// function varies along each parameter. A function that varies fastest along a direction mixing several
// parameters (a narrow valley oblique to the axes, as in Zakharov's function, or two parameters that
// matter through their sum) looks rough along every parameter: every lengthscale comes out short and the
// model cannot follow the valley. FitProjection adds one direction v, fitted jointly with the other
// hyperparameters by MAP, started from the dominant direction of the plain model's mean gradient over the
// data (ActiveDirection: the active subspace) and from the previous fit. The projected model is kept only
// when its log posterior beats the plain one's by ProjectionMargin: it has d more parameters.
//
// Example:
//   GpHyperparameters h = FitHyperparameters(kernel, x, y, /*warm_start=*/nullptr, /*seed=*/1);
//
// Thread safety: pure functions; safe to call concurrently.
#ifndef HYPERLAB_SEARCHER_GP_FIT_H_
#define HYPERLAB_SEARCHER_GP_FIT_H_

#include <cstdint>
#include <optional>

#include "Eigen/Core"
#include "searcher/gp_model.h"
#include "searcher/matern_kernel.h"

namespace hyperlab::searcher {

// How much better (in nats of log posterior) the projected model must fit to be used: BIC's penalty for
// `weights` more parameters on `observations` points, 0.5 weights ln(observations). So a projection is
// kept where it explains much more than ARD alone (an oblique valley), not where it fits noise or the
// small asymmetries of a separable function.
double ProjectionMargin(int weights, int observations);

// The negative log posterior (up to a constant) of `theta` (GpHyperparameters::Pack order, with or
// without a projection), and its
// gradient when `gradient` is not null. +infinity when the kernel matrix cannot be factorised.
double NegativeLogPosterior(const MaternKernel& kernel, const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                            const Eigen::VectorXd& theta, Eigen::VectorXd* gradient);

// The prior's centre for `dimensions` coordinates: where fitting starts without a warm start.
GpHyperparameters DefaultHyperparameters(int dimensions);

// The MAP hyperparameters for the rows of `x` and their standardised outputs `y`. `warm_start`, when not
// null, is the previous fit; then fewer restarts are used.
GpHyperparameters FitHyperparameters(const MaternKernel& kernel, const Eigen::MatrixXd& x,
                                     const Eigen::VectorXd& y, const GpHyperparameters* warm_start,
                                     uint64_t seed);

// The unit direction (zero on categorical coordinates) that dominates the gradient of the posterior mean
// of `hyper` (without a projection) over the rows of `x`: the top eigenvector of sum_i grad grad^T, its
// largest entry positive. Empty when the model cannot be built or is flat.
Eigen::VectorXd ActiveDirection(const MaternKernel& kernel, const Eigen::MatrixXd& x,
                                const Eigen::VectorXd& y, const GpHyperparameters& hyper);

// `plain` (a fit without a projection) with a fitted projection, when that fits better by
// ProjectionMargin; nullopt otherwise, and with fewer than two numeric coordinates. `warm_start`, when
// not null and holding a projection, is a second start (the previous fit).
std::optional<GpHyperparameters> FitProjection(const MaternKernel& kernel, const Eigen::MatrixXd& x,
                                               const Eigen::VectorXd& y, const GpHyperparameters& plain,
                                               const GpHyperparameters* warm_start);

// Input warping (input_warping.h): `plain` (a fit on the raw rows of `x`, without projection or warp)
// refitted on inputs warped per coordinate, when that beats it by ProjectionMargin(2 per warped coordinate);
// else `plain`. Needs kMinWarpObservations rows. The warp is chosen greedily, coordinate by coordinate, with
// `plain`'s other hyperparameters held, then the hyperparameters are refitted from `plain` (`seed` as for
// FitHyperparameters).
GpHyperparameters FitWarp(const MaternKernel& kernel, const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                          const GpHyperparameters& plain, uint64_t seed);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_GP_FIT_H_
