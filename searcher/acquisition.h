// Acquisition functions: how much a candidate is worth evaluating, from the posterior mean and variance.
//
// Why log expected improvement: plain EI underflows to exactly 0 far from the incumbent (z below about -38),
// so whole regions tie and the optimiser gets no signal; LogEI (Ament et al., 2023) computes log(EI) without
// forming EI, accurate for any z. UCB (mean - beta * sd, for minimisation, negated so that higher is better)
// is the optimistic alternative; with beta large it is pure exploration.
// Targets are minimised: improvement is best - f(x).
//
// Example:
//   Eigen::VectorXd score = LogExpectedImprovement(mean, variance, /*best=*/y.minCoeff());
//
// Thread safety: pure functions; safe to call concurrently.
#ifndef HYPERLAB_SEARCHER_ACQUISITION_H_
#define HYPERLAB_SEARCHER_ACQUISITION_H_

#include "Eigen/Core"

namespace hyperlab::searcher {

enum class AcquisitionKind { kLogEi, kUcb };

// log(h(z)) where h(z) = z Phi(z) + phi(z), so that EI = sd * h((best - mean) / sd). Finite for every z.
double LogH(double z);

// log EI at each candidate, for minimisation below `best`.
Eigen::VectorXd LogExpectedImprovement(const Eigen::VectorXd& mean, const Eigen::VectorXd& variance,
                                       double best);

// -(mean - beta * sd): higher is better.
Eigen::VectorXd UpperConfidenceBound(const Eigen::VectorXd& mean, const Eigen::VectorXd& variance,
                                     double beta);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_ACQUISITION_H_
