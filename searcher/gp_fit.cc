#include "searcher/gp_fit.h"

#include <cmath>
#include <limits>
#include <vector>

#include "Eigen/Cholesky"
#include "searcher/bounded_bfgs.h"
#include "searcher/halton.h"

namespace hyperlab::searcher {
namespace {

constexpr double kLengthscaleSd = 1.0;
constexpr double kSignalSd = 1.5;
constexpr double kNoiseMean = -6.907755278982137;  // log(1e-3)
constexpr double kNoiseSd = 3.0;

double LengthscaleMean(int dimensions) { return std::log(0.5); }

void Bounds(int d, Eigen::VectorXd* lower, Eigen::VectorXd* upper) {
  lower->resize(d + 2);
  upper->resize(d + 2);
  lower->head(d).setConstant(std::log(0.01));
  upper->head(d).setConstant(std::log(50.0));
  (*lower)(d) = std::log(0.05);
  (*upper)(d) = std::log(20.0);
  (*lower)(d + 1) = std::log(1e-6);
  (*upper)(d + 1) = std::log(1.0);
}

}  // namespace

GpHyperparameters DefaultHyperparameters(int dimensions) {
  GpHyperparameters h;
  h.log_lengthscales = Eigen::VectorXd::Constant(dimensions, LengthscaleMean(dimensions));
  h.log_signal_variance = 0;
  h.log_noise_variance = std::log(1e-4);
  return h;
}

double NegativeLogPosterior(const MaternKernel& kernel, const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                            const Eigen::VectorXd& theta, Eigen::VectorXd* gradient) {
  const int d = kernel.dimensions();
  const Eigen::Index n = x.rows();
  const GpHyperparameters h = GpHyperparameters::Unpack(theta);
  const Eigen::VectorXd inverse = h.InverseLengthscales();
  const double signal = std::exp(h.log_signal_variance), noise = std::exp(h.log_noise_variance);
  const Eigen::MatrixXd r2 = kernel.SquaredDistances(x, x, inverse);
  Eigen::MatrixXd k = MaternKernel::FromSquaredDistances(r2, signal);
  k.diagonal().array() += noise + 1e-9 * signal;
  Eigen::LLT<Eigen::MatrixXd> llt(k);
  if (llt.info() != Eigen::Success) return std::numeric_limits<double>::infinity();
  const Eigen::VectorXd alpha = llt.solve(y);
  double value = 0.5 * y.dot(alpha) + llt.matrixLLT().diagonal().array().log().sum();
  // Priors.
  const double mean_l = LengthscaleMean(d);
  value += 0.5 * ((h.log_lengthscales.array() - mean_l) / kLengthscaleSd).square().sum();
  value += 0.5 * std::pow(h.log_signal_variance / kSignalSd, 2);
  value += 0.5 * std::pow((h.log_noise_variance - kNoiseMean) / kNoiseSd, 2);
  if (gradient == nullptr) return value;

  // d(value)/d(theta_i) = -0.5 tr(W dK/dtheta_i), W = alpha alpha^T - K^-1.
  Eigen::MatrixXd w = llt.solve(Eigen::MatrixXd::Identity(n, n));
  w = alpha * alpha.transpose() - w;
  gradient->resize(d + 2);
  const Eigen::MatrixXd factor = MaternKernel::LengthscaleFactor(r2, signal).cwiseProduct(w);
  for (int j = 0; j < d; ++j) {
    const double inv2 = inverse(j) * inverse(j);
    double sum = 0;
    if (kernel.categorical(j)) {
      for (Eigen::Index c = 0; c < n; ++c) {
        for (Eigen::Index r = 0; r < n; ++r) {
          if (x(r, j) != x(c, j)) sum += factor(r, c);
        }
      }
    } else {
      for (Eigen::Index c = 0; c < n; ++c) {
        const double xc = x(c, j);
        for (Eigen::Index r = 0; r < n; ++r) {
          const double diff = x(r, j) - xc;
          sum += factor(r, c) * diff * diff;
        }
      }
    }
    (*gradient)(j) = -0.5 * sum * inv2 + (h.log_lengthscales(j) - mean_l) / (kLengthscaleSd * kLengthscaleSd);
  }
  // Signal: dK/dlog s2 = K without the noise terms.
  k.diagonal().array() -= noise + 1e-9 * signal;
  (*gradient)(d) = -0.5 * k.cwiseProduct(w).sum() + h.log_signal_variance / (kSignalSd * kSignalSd);
  (*gradient)(d + 1) = -0.5 * noise * w.trace() + (h.log_noise_variance - kNoiseMean) / (kNoiseSd * kNoiseSd);
  return value;
}

GpHyperparameters FitHyperparameters(const MaternKernel& kernel, const Eigen::MatrixXd& x,
                                     const Eigen::VectorXd& y, const GpHyperparameters* warm_start,
                                     uint64_t seed) {
  const int d = kernel.dimensions();
  Eigen::VectorXd lower, upper;
  Bounds(d, &lower, &upper);
  std::vector<Eigen::VectorXd> starts;
  if (warm_start != nullptr && warm_start->log_lengthscales.size() == d) starts.push_back(warm_start->Pack());
  const Eigen::VectorXd centre = DefaultHyperparameters(d).Pack();
  starts.push_back(centre);
  if (warm_start == nullptr) {
    // Two more starts spread around the centre: quasi-random lengthscales within +-1.5 in log space.
    Halton halton(d + 2, seed);
    for (uint64_t i = 0; i < 2; ++i) {
      const std::vector<double> u = halton.Point(i);
      Eigen::VectorXd s = centre;
      for (int j = 0; j < d; ++j) s(j) += 3.0 * (u[j] - 0.5);
      s(d) += 2.0 * (u[d] - 0.5);
      starts.push_back(s);
    }
  }
  const DifferentiableFunction objective = [&](const Eigen::VectorXd& theta, Eigen::VectorXd* gradient) {
    return NegativeLogPosterior(kernel, x, y, theta, gradient);
  };
  BoundedBfgsOptions options;
  Eigen::VectorXd best = centre;
  double best_value = std::numeric_limits<double>::infinity();
  for (Eigen::VectorXd& theta : starts) {
    const double value = MinimizeBounded(objective, lower, upper, options, theta);
    if (value < best_value) {
      best_value = value;
      best = theta;
    }
  }
  return GpHyperparameters::Unpack(best);
}

}  // namespace hyperlab::searcher
