#include "searcher/trust_region.h"

#include <algorithm>
#include <cmath>

namespace hyperlab::searcher {
namespace {

constexpr double kInitial = 0.8, kMin = 1.0 / 128, kMax = 1.6;
constexpr int kSuccesses = 3;
constexpr double kRelativeImprovement = 1e-3;

}  // namespace

TrustRegionLength ReplayTrustRegion(const std::vector<double>& values, int initial, int dimensions) {
  TrustRegionLength out;
  const int failures_to_shrink = std::max(4, dimensions);
  double best = INFINITY;
  int successes = 0, failures = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!std::isfinite(v)) continue;
    const bool success = v < best - kRelativeImprovement * std::abs(best);
    best = std::min(best, v);
    if (static_cast<int>(i) < initial) continue;
    if (success) {
      ++successes;
      failures = 0;
    } else {
      ++failures;
      successes = 0;
    }
    if (successes >= kSuccesses) {
      out.length = std::min(kMax, 2 * out.length);
      successes = 0;
    } else if (failures >= failures_to_shrink) {
      out.length /= 2;
      failures = 0;
    }
    if (out.length < kMin) {
      out.length = kInitial;
      ++out.restarts;
    }
  }
  return out;
}

void TrustRegionBox(const Eigen::VectorXd& centre, const Eigen::VectorXd& lengthscales,
                    const std::vector<bool>& free, double length, Eigen::VectorXd* lower,
                    Eigen::VectorXd* upper) {
  const Eigen::Index d = centre.size();
  double log_sum = 0;
  int counted = 0;
  for (Eigen::Index j = 0; j < d; ++j) {
    if (free[j]) continue;
    log_sum += std::log(lengthscales(j));
    ++counted;
  }
  const double geometric_mean = counted > 0 ? std::exp(log_sum / counted) : 1;
  lower->setZero(d);
  upper->setOnes(d);
  for (Eigen::Index j = 0; j < d; ++j) {
    if (free[j]) continue;
    const double half = 0.5 * length * std::clamp(lengthscales(j) / geometric_mean, 0.1, 10.0);
    (*lower)(j) = std::clamp(centre(j) - half, 0.0, 1.0);
    (*upper)(j) = std::clamp(centre(j) + half, 0.0, 1.0);
  }
}

}  // namespace hyperlab::searcher
