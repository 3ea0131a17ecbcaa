#include "searcher/acquisition.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace hyperlab::searcher {
namespace {
constexpr double kLogSqrt2Pi = 0.91893853320467274178;
constexpr double kSqrtHalfPi = 1.25331413731550025121;
// log PoF never goes below this: a finite floor keeps regions ordered by how infeasible the model is sure
// they are without -inf (which the optimiser reads as excluded).
constexpr double kLogFloor = -1e6;
constexpr double kMinVariance = 1e-18;
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

Eigen::VectorXd LogNoiseDiscount(const Eigen::VectorXd& variance, double noise_variance) {
  Eigen::VectorXd out(variance.size());
  const double noise_sd = std::sqrt(std::max(noise_variance, 0.0));
  for (Eigen::Index i = 0; i < variance.size(); ++i) {
    const double v = std::max(variance(i), 1e-300), r = std::sqrt(v + noise_sd * noise_sd);
    out(i) = noise_sd == 0 ? 0 : std::log(v) - std::log(r) - std::log(r + noise_sd);
  }
  return out;
}

Eigen::VectorXd LogMeanExp(const std::vector<Eigen::VectorXd>& values) {
  Eigen::VectorXd out(values.front().size());
  for (Eigen::Index i = 0; i < out.size(); ++i) {
    double top = -std::numeric_limits<double>::infinity();
    for (const Eigen::VectorXd& v : values) top = std::max(top, v(i));
    if (!std::isfinite(top)) {
      out(i) = top;
      continue;
    }
    double sum = 0;
    for (const Eigen::VectorXd& v : values) sum += std::exp(v(i) - top);
    out(i) = top + std::log(sum / static_cast<double>(values.size()));
  }
  return out;
}

double LogNormalCdf(double z) {
  if (z > -5) return std::log(0.5 * std::erfc(-z / std::sqrt(2.0)));
  // Phi(z) = phi(t) R(t), t = -z, with R the Mills ratio (as in LogH).
  const double t = -z;
  const double log_phi = -0.5 * t * t - kLogSqrt2Pi;
  if (t < 25) return log_phi + std::log(std::erfc(t / std::sqrt(2.0)) * std::exp(0.5 * t * t) * kSqrtHalfPi);
  // R(t) = (1/t) (1 - 1/t^2 + 3/t^4 - 15/t^6 + ...).
  const double u = 1 / (t * t);
  return log_phi - std::log(t) + std::log(1 - u * (1 - u * (3 - 15 * u)));
}

namespace {

// log(Phi(b) - Phi(a)) for a < b, without cancellation in either tail.
double LogNormalInterval(double a, double b) {
  if (!(a < b)) return kLogFloor;
  if (b <= 0) {  // Both in the lower tail: Phi(b) (1 - Phi(a) / Phi(b)).
    const double lb = LogNormalCdf(b);
    return lb + std::log1p(-std::exp(LogNormalCdf(a) - lb));
  }
  if (a >= 0) {  // Both in the upper tail: by symmetry, Phi(-a) - Phi(-b).
    const double la = LogNormalCdf(-a);
    return la + std::log1p(-std::exp(LogNormalCdf(-b) - la));
  }
  // Straddling 0: 1 - Phi(a) - Phi(-b), each term at most 1/2.
  return std::log1p(-(std::exp(LogNormalCdf(a)) + std::exp(LogNormalCdf(-b))));
}

}  // namespace

Eigen::VectorXd LogProbabilityOfFeasibility(const Eigen::VectorXd& mean, const Eigen::VectorXd& variance,
                                            double lower, double upper) {
  Eigen::VectorXd out(mean.size());
  for (Eigen::Index i = 0; i < mean.size(); ++i) {
    const double sd = std::sqrt(std::max(variance(i), kMinVariance));
    const double a = std::isfinite(lower) ? (lower - mean(i)) / sd : -INFINITY;
    const double b = std::isfinite(upper) ? (upper - mean(i)) / sd : INFINITY;
    double v = LogNormalInterval(a, b);
    if (!std::isfinite(v)) v = kLogFloor;  // Underflow or an empty interval: as infeasible as it gets.
    out(i) = std::max(v, kLogFloor);
  }
  return out;
}

Eigen::VectorXd UpperConfidenceBound(const Eigen::VectorXd& mean, const Eigen::VectorXd& variance,
                                     double beta) {
  return -(mean.array() - beta * variance.array().sqrt()).matrix();
}

}  // namespace hyperlab::searcher
