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
//   log noise variance ~ Normal(log 1e-3, 3) bounded to [1e-6, 1].
//
// Example:
//   GpHyperparameters h = FitHyperparameters(kernel, x, y, /*warm_start=*/nullptr, /*seed=*/1);
//
// Thread safety: pure functions; safe to call concurrently.
#ifndef HYPERLAB_SEARCHER_GP_FIT_H_
#define HYPERLAB_SEARCHER_GP_FIT_H_

#include <cstdint>

#include "Eigen/Core"
#include "searcher/gp_model.h"
#include "searcher/matern_kernel.h"

namespace hyperlab::searcher {

// The negative log posterior (up to a constant) of `theta` (GpHyperparameters::Pack order), and its
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

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_GP_FIT_H_
