#include "searcher/gp_fit.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "Eigen/Cholesky"
#include "Eigen/Eigenvalues"
#include "searcher/bounded_bfgs.h"
#include "searcher/halton.h"
#include "searcher/input_warping.h"

namespace hyperlab::searcher {
namespace {

constexpr double kLengthscaleSd = 1.0;
constexpr double kSignalSd = 1.5;
constexpr double kNoiseMean = -6.907755278982137;  // log(1e-3)
constexpr double kNoiseSd = 3.0;

double LengthscaleMean(int dimensions) { return std::log(0.5); }

constexpr double kProjectionSd = 4.0;     // Prior sd of each projection weight.
constexpr double kProjectionStart = 3.0;  // Initial |v| along the active direction (lengthscale 1/3).

// Bounds of theta: d + 2 entries, or 2d + 2 with a projection (weights in [-30, 30], 0 when categorical).
void Bounds(const MaternKernel& kernel, bool projection, Eigen::VectorXd* lower, Eigen::VectorXd* upper) {
  const int d = kernel.dimensions();
  const int size = projection ? 2 * d + 2 : d + 2;
  lower->resize(size);
  upper->resize(size);
  lower->head(d).setConstant(std::log(0.01));
  upper->head(d).setConstant(std::log(50.0));
  (*lower)(d) = std::log(0.05);
  (*upper)(d) = std::log(20.0);
  (*lower)(d + 1) = std::log(1e-6);
  (*upper)(d + 1) = std::log(1.0);
  for (int j = 0; projection && j < d; ++j) {
    const double bound = kernel.categorical(j) ? 0.0 : 30.0;
    (*lower)(d + 2 + j) = -bound;
    (*upper)(d + 2 + j) = bound;
  }
}

// The kernel matrix of the rows of `x` under `h`, noise and a tiny jitter on its diagonal, with its squared
// distances and its Cholesky factorisation (ok = false when that failed).
struct Factorised {
  Eigen::MatrixXd r2, k;
  Eigen::LLT<Eigen::MatrixXd> llt;
  bool ok = false;
};

Factorised Factorise(const MaternKernel& kernel, const Eigen::MatrixXd& x, const GpHyperparameters& h) {
  const double signal = std::exp(h.log_signal_variance), noise = std::exp(h.log_noise_variance);
  Factorised f;
  f.r2 = kernel.SquaredDistances(x, x, h.InverseLengthscales(), h.projection);
  f.k = MaternKernel::FromSquaredDistances(f.r2, signal);
  f.k.diagonal().array() += noise + 1e-9 * signal;
  f.llt.compute(f.k);
  f.ok = f.llt.info() == Eigen::Success;
  return f;
}

// Minimises the negative log posterior from each start; the best end point and its value.
std::pair<Eigen::VectorXd, double> MinimizeFromStarts(const MaternKernel& kernel, const Eigen::MatrixXd& x,
                                                      const Eigen::VectorXd& y,
                                                      std::vector<Eigen::VectorXd> starts) {
  Eigen::VectorXd lower, upper;
  Bounds(kernel, starts.front().size() == 2 * kernel.dimensions() + 2, &lower, &upper);
  const DifferentiableFunction objective = [&](const Eigen::VectorXd& theta, Eigen::VectorXd* gradient) {
    return NegativeLogPosterior(kernel, x, y, theta, gradient);
  };
  BoundedBfgsOptions options;
  Eigen::VectorXd best = starts.front();
  double best_value = std::numeric_limits<double>::infinity();
  for (Eigen::VectorXd& theta : starts) {
    const double value = MinimizeBounded(objective, lower, upper, options, theta);
    if (value < best_value) {
      best_value = value;
      best = theta;
    }
  }
  return {best, best_value};
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
  const GpHyperparameters h = GpHyperparameters::Unpack(theta, d);
  const Eigen::VectorXd inverse = h.InverseLengthscales();
  const double signal = std::exp(h.log_signal_variance), noise = std::exp(h.log_noise_variance);
  Factorised f = Factorise(kernel, x, h);
  if (!f.ok) return std::numeric_limits<double>::infinity();
  const Eigen::MatrixXd& r2 = f.r2;
  Eigen::MatrixXd& k = f.k;
  const Eigen::LLT<Eigen::MatrixXd>& llt = f.llt;
  const Eigen::VectorXd alpha = llt.solve(y);
  double value = 0.5 * y.dot(alpha) + llt.matrixLLT().diagonal().array().log().sum();
  // Priors.
  const double mean_l = LengthscaleMean(d);
  value += 0.5 * ((h.log_lengthscales.array() - mean_l) / kLengthscaleSd).square().sum();
  value += 0.5 * std::pow(h.log_signal_variance / kSignalSd, 2);
  value += 0.5 * std::pow((h.log_noise_variance - kNoiseMean) / kNoiseSd, 2);
  value += 0.5 * h.projection.squaredNorm() / (kProjectionSd * kProjectionSd);
  if (gradient == nullptr) return value;

  // d(value)/d(theta_i) = -0.5 tr(W dK/dtheta_i), W = alpha alpha^T - K^-1.
  Eigen::MatrixXd w = llt.solve(Eigen::MatrixXd::Identity(n, n));
  w = alpha * alpha.transpose() - w;
  gradient->resize(theta.size());
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
  if (h.projection.size() > 0) {
    // dK_rc/dv_j = -g_rc p_rc (x_rj - x_cj), p_rc = (x_r - x_c) . v; F = g o W is symmetric and F o p
    // antisymmetric, so the gradient is x^T (F o p) 1.
    Eigen::MatrixXd numeric = x;
    for (int j = 0; j < d; ++j) {
      if (kernel.categorical(j)) numeric.col(j).setZero();  // No direction there (matern_kernel.h).
    }
    const Eigen::VectorXd p = numeric * h.projection;
    const Eigen::MatrixXd fp = factor.cwiseProduct(p.replicate(1, n) - p.transpose().replicate(n, 1));
    gradient->tail(d) =
        numeric.transpose() * fp.rowwise().sum() + h.projection / (kProjectionSd * kProjectionSd);
  }
  return value;
}

GpHyperparameters FitHyperparameters(const MaternKernel& kernel, const Eigen::MatrixXd& x,
                                     const Eigen::VectorXd& y, const GpHyperparameters* warm_start,
                                     uint64_t seed) {
  const int d = kernel.dimensions();
  std::vector<Eigen::VectorXd> starts;
  if (warm_start != nullptr && warm_start->log_lengthscales.size() == d) {
    GpHyperparameters plain = *warm_start;
    plain.projection.resize(0);
    starts.push_back(plain.Pack());
  }
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
  return GpHyperparameters::Unpack(MinimizeFromStarts(kernel, x, y, std::move(starts)).first, d);
}

double ProjectionMargin(int weights, int observations) {
  return 0.5 * weights * std::log(std::max(observations, 1));
}

Eigen::VectorXd ActiveDirection(const MaternKernel& kernel, const Eigen::MatrixXd& x,
                                const Eigen::VectorXd& y, const GpHyperparameters& hyper) {
  const int d = kernel.dimensions();
  const Eigen::Index n = x.rows();
  if (hyper.projection.size() > 0) return Eigen::VectorXd();
  const Factorised f = Factorise(kernel, x, hyper);
  if (!f.ok) return Eigen::VectorXd();
  // The mean is sum_m alpha_m k(x, x_m), and dk/dx_j = -g(r^2) (x_j - x_mj) / l_j^2.
  const Eigen::VectorXd inverse = hyper.InverseLengthscales();
  const Eigen::VectorXd alpha = f.llt.solve(y);
  const Eigen::MatrixXd g = MaternKernel::LengthscaleFactor(f.r2, std::exp(hyper.log_signal_variance));
  const Eigen::ArrayXd inverse2 = inverse.array().square();
  Eigen::MatrixXd outer = Eigen::MatrixXd::Zero(d, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    Eigen::VectorXd gradient = Eigen::VectorXd::Zero(d);
    for (Eigen::Index m = 0; m < n; ++m) {
      gradient -= alpha(m) * g(i, m) * ((x.row(i) - x.row(m)).transpose().array() * inverse2).matrix();
    }
    for (int j = 0; j < d; ++j) {
      if (kernel.categorical(j)) gradient(j) = 0;
    }
    outer += gradient * gradient.transpose();
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(outer);
  if (eigen.info() != Eigen::Success || !(eigen.eigenvalues()(d - 1) > 0)) return Eigen::VectorXd();
  Eigen::VectorXd direction = eigen.eigenvectors().col(d - 1);
  Eigen::Index largest;
  direction.cwiseAbs().maxCoeff(&largest);
  if (direction(largest) < 0) direction = -direction;  // A fixed sign: the same data give the same start.
  return direction;
}

std::optional<GpHyperparameters> FitProjection(const MaternKernel& kernel, const Eigen::MatrixXd& x,
                                               const Eigen::VectorXd& y, const GpHyperparameters& plain,
                                               const GpHyperparameters* warm_start) {
  const int d = kernel.dimensions();
  int numeric = 0;
  for (int j = 0; j < d; ++j) numeric += kernel.categorical(j) ? 0 : 1;
  if (numeric < 2 || plain.projection.size() > 0) return std::nullopt;
  std::vector<Eigen::VectorXd> starts;
  const Eigen::VectorXd direction = ActiveDirection(kernel, x, y, plain);
  if (direction.size() == d) {
    GpHyperparameters start = plain;
    start.projection = kProjectionStart * direction;
    starts.push_back(start.Pack());
  }
  if (warm_start != nullptr && warm_start->projection.size() == d &&
      warm_start->log_lengthscales.size() == d) {
    starts.push_back(warm_start->Pack());
  }
  if (starts.empty()) return std::nullopt;
  const auto [theta, value] = MinimizeFromStarts(kernel, x, y, std::move(starts));
  const double plain_value = NegativeLogPosterior(kernel, x, y, plain.Pack(), nullptr);
  const double margin = ProjectionMargin(numeric, static_cast<int>(x.rows()));
  if (!(value < plain_value - margin)) return std::nullopt;
  return GpHyperparameters::Unpack(theta, d);
}

GpHyperparameters FitWarp(const MaternKernel& kernel, const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                          const GpHyperparameters& plain, uint64_t seed) {
  const int d = kernel.dimensions(), n = static_cast<int>(x.rows());
  if (n < kMinWarpObservations || plain.projection.size() > 0 || !plain.warp.empty()) return plain;
  // Greedy, coordinate by coordinate, with the plain fit's hyperparameters held: cheap (no refit per
  // option), and a warp that helps at all usually helps already before the lengthscales follow it.
  const Eigen::VectorXd theta = plain.Pack();
  const double plain_value = NegativeLogPosterior(kernel, x, y, theta, nullptr);
  double best = plain_value;
  std::vector<uint8_t> warp(static_cast<size_t>(d), kIdentityWarp);
  for (int j = 0; j < d; ++j) {
    if (kernel.categorical(j)) continue;
    uint8_t chosen = kIdentityWarp;
    for (int option = 0; option < kWarpOptions; ++option) {
      if (option == kIdentityWarp) continue;
      warp[j] = static_cast<uint8_t>(option);
      const double value = NegativeLogPosterior(kernel, ApplyWarp(warp, x), y, theta, nullptr);
      if (value < best) {
        best = value;
        chosen = static_cast<uint8_t>(option);
      }
    }
    warp[j] = chosen;
  }
  const int warped =
      static_cast<int>(std::count_if(warp.begin(), warp.end(), [](uint8_t w) { return w != kIdentityWarp; }));
  if (warped == 0) return plain;
  const Eigen::MatrixXd warped_x = ApplyWarp(warp, x);
  GpHyperparameters fitted = FitHyperparameters(kernel, warped_x, y, &plain, seed);
  const double value = NegativeLogPosterior(kernel, warped_x, y, fitted.Pack(), nullptr);
  if (!(value < plain_value - ProjectionMargin(2 * warped, n))) return plain;
  fitted.warp = std::move(warp);
  return fitted;
}

}  // namespace hyperlab::searcher
