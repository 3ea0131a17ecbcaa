#include "searcher/acquisition.h"

#include <cmath>

namespace hyperlab::searcher {
namespace {
constexpr double kLogSqrt2Pi = 0.91893853320467274178;
constexpr double kSqrtHalfPi = 1.25331413731550025121;
}  // namespace

double LogH(double z) {
  if (z > -1) {
    // No cancellation here: z Phi(z) + phi(z) with Phi from erfc.
    const double phi = std::exp(-0.5 * z * z - kLogSqrt2Pi);
    const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
    return std::log(z * cdf + phi);
  }
  // h(z) = phi(z) (1 - t R(t)), t = -z, R(t) = Phi(-t) / phi(t) the Mills ratio.
  const double t = -z;
  const double log_phi = -0.5 * t * t - kLogSqrt2Pi;
  double tail;
  if (t < 25) {
    const double mills = std::erfc(t / std::sqrt(2.0)) * std::exp(0.5 * t * t) * kSqrtHalfPi;
    tail = 1 - t * mills;
  } else {
    // Asymptotic series of 1 - t R(t) = 1/t^2 - 3/t^4 + 15/t^6 - 105/t^8 + ...
    const double u = 1 / (t * t);
    tail = u * (1 - u * (3 - u * (15 - 105 * u)));
  }
  return log_phi + std::log(tail);
}

Eigen::VectorXd LogExpectedImprovement(const Eigen::VectorXd& mean, const Eigen::VectorXd& variance,
                                       double best) {
  Eigen::VectorXd out(mean.size());
  for (Eigen::Index i = 0; i < mean.size(); ++i) {
    const double sd = std::sqrt(variance(i));
    out(i) = std::log(sd) + LogH((best - mean(i)) / sd);
  }
  return out;
}

Eigen::VectorXd UpperConfidenceBound(const Eigen::VectorXd& mean, const Eigen::VectorXd& variance,
                                     double beta) {
  return -(mean.array() - beta * variance.array().sqrt()).matrix();
}

}  // namespace hyperlab::searcher
