// Output warping: objectives (lower is better) to standardised model targets, robust to outliers, with
// failed trials imputed below the worst.
//
// Why: a GP assumes roughly Gaussian outputs. Hyperparameter objectives have heavy tails (a diverged run's
// loss of 1e6 beside good runs at 0.3), which would flatten the model where it matters. Following Vizier's
// half-rank warping, values better than the median are kept as they are, and values worse than the median
// are replaced by Gaussian quantiles of their rank, scaled by the spread of the good half: ordering is kept,
// but no outlier lies more than about three good-half deviations above the median. Then the values are
// centred and scaled to unit variance. Failed and infeasible trials get the worst warped value plus half the
// warped range, so the model learns to avoid their region without one failure dominating the fit.
//
// Example:
//   std::vector<double> targets = WarpObjectives({0.3, 0.5, 1e6}, /*failed=*/1);  // 4 values.
//
// Thread safety: pure functions; safe to call concurrently.
#ifndef HYPERLAB_SEARCHER_OUTPUT_WARPING_H_
#define HYPERLAB_SEARCHER_OUTPUT_WARPING_H_

#include <vector>

namespace hyperlab::searcher {

// The warped, standardised targets of `objectives` (minimisation sense), followed by `failed` imputed
// values. With no objectives, every failed trial gets 0.
std::vector<double> WarpObjectives(const std::vector<double>& objectives, int failed);

// The standard normal quantile function (Acklam's rational approximation, relative error below 1.2e-9).
double InverseNormalCdf(double p);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_OUTPUT_WARPING_H_
