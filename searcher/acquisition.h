// Acquisition functions: how much a candidate is worth evaluating, from the posterior mean and variance.
//
// Why log expected improvement: plain EI underflows to exactly 0 far from the incumbent (z below about -38),
// so whole regions tie and the optimiser gets no signal; LogEI (Ament et al., 2023) computes log(EI) without
// forming EI, accurate for any z. UCB (mean - beta * sd, for minimisation, negated so that higher is better)
// is the optimistic alternative; with beta large it is pure exploration.
// Targets are minimised: improvement is best - f(x).
//
// Under noise (augmented EI, Huang et al. 2006): where the model's remaining uncertainty about f(x) is small
// against the observation noise, another trial there mostly measures noise, yet plain EI keeps its value
// near the best posterior mean, so the search piles trials into one small region and the answer becomes
// its luckiest draw. Augmented EI multiplies EI by 1 - noise_sd / sqrt(variance + noise_variance): about 1
// where the model knows little, down to variance / (2 noise_variance) where it knows f(x) better than one
// observation would tell.
//
// Outcome constraints: the probability of feasibility (Gardner et al., 2014; Gelbart et al., 2014) of a
// candidate is P(lower <= c(x) <= upper) under an independent GP posterior of each constraint metric c; the
// constrained acquisition is EI(x) * prod_k PoF_k(x), computed as log EI + sum_k log PoF_k, so that a
// clearly infeasible region scores a finite, very negative value instead of an underflowed 0.
//
// Example:
//   Eigen::VectorXd score = LogExpectedImprovement(mean, variance, /*best=*/y.minCoeff());
//   score += LogProbabilityOfFeasibility(c_mean, c_variance, /*lower=*/-INFINITY, /*upper=*/0.5);
//
// Thread safety: pure functions; safe to call concurrently.
#ifndef HYPERLAB_SEARCHER_ACQUISITION_H_
#define HYPERLAB_SEARCHER_ACQUISITION_H_

#include <vector>

#include "Eigen/Core"

namespace hyperlab::searcher {

enum class AcquisitionKind { kLogEi, kUcb };

// log(h(z)) where h(z) = z Phi(z) + phi(z), so that EI = sd * h((best - mean) / sd). Finite for every z.
double LogH(double z);

// log EI at each candidate, for minimisation below `best`.
Eigen::VectorXd LogExpectedImprovement(const Eigen::VectorXd& mean, const Eigen::VectorXd& variance,
                                       double best);

// log(1 - sqrt(noise_variance) / sqrt(variance + noise_variance)) at each candidate: augmented EI's
// discount, computed as log(variance) - log(r) - log(r + noise_sd) with r = sqrt(variance + noise_variance),
// so that it is accurate when variance << noise_variance. 0 when noise_variance is 0; finite for a zero
// variance (floored at 1e-300).
Eigen::VectorXd LogNoiseDiscount(const Eigen::VectorXd& variance, double noise_variance);

// log((exp(values[0]) + ... + exp(values[K-1])) / K) at each candidate (every vector the same size): the
// log of the mean EI when each vector is one model's log EI. Computed from the largest, so that logs far
// below -745 do not underflow; -infinity where every one is. Needs K >= 1.
Eigen::VectorXd LogMeanExp(const std::vector<Eigen::VectorXd>& values);

// log Phi(z), the standard normal CDF: accurate far into the lower tail (no underflow to -inf before
// z = -1e154 or so).
double LogNormalCdf(double z);

// log P(lower <= c <= upper) for c ~ Normal(mean, variance), at each candidate; `lower` may be -infinity and
// `upper` +infinity (one-sided bounds). A zero variance gives 0 or a very negative value (not -inf).
Eigen::VectorXd LogProbabilityOfFeasibility(const Eigen::VectorXd& mean, const Eigen::VectorXd& variance,
                                            double lower, double upper);

// -(mean - beta * sd): higher is better.
Eigen::VectorXd UpperConfidenceBound(const Eigen::VectorXd& mean, const Eigen::VectorXd& variance,
                                     double beta);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_ACQUISITION_H_
