#include "searcher/gp_model.h"

#include <cmath>
#include <utility>

#include "Eigen/Cholesky"
#include "absl/status/status.h"
#include "searcher/input_warping.h"

namespace hyperlab::searcher {

Eigen::VectorXd GpHyperparameters::Pack() const {
  const Eigen::Index d = log_lengthscales.size();
  Eigen::VectorXd theta(d + 2 + projection.size());
  theta.head(d) = log_lengthscales;
  theta(d) = log_signal_variance;
  theta(d + 1) = log_noise_variance;
  theta.tail(projection.size()) = projection;
  return theta;
}

GpHyperparameters GpHyperparameters::Unpack(const Eigen::VectorXd& theta, int dimensions) {
  const Eigen::Index d = dimensions;
  GpHyperparameters h;
  h.log_lengthscales = theta.head(d);
  h.log_signal_variance = theta(d);
  h.log_noise_variance = theta(d + 1);
  if (theta.size() == 2 * d + 2) h.projection = theta.tail(d);
  return h;
}

absl::StatusOr<GpModel> GpModel::Create(const MaternKernel& kernel, Eigen::MatrixXd x, Eigen::VectorXd y,
                                        const GpHyperparameters& hyper) {
  GpModel model(kernel, hyper);
  if (!hyper.warp.empty()) x = ApplyWarp(hyper.warp, std::move(x));
  const double signal = std::exp(hyper.log_signal_variance), noise = std::exp(hyper.log_noise_variance);
  Eigen::MatrixXd k = kernel.Cross(x, x, model.inverse_lengthscales_, signal, model.hyper_.projection);
  // Jitter retries: relative to the signal variance, from none up to 1e-2.
  for (double jitter : {0.0, 1e-8, 1e-6, 1e-4, 1e-2}) {
    const double diagonal = signal + noise + jitter * signal;
    k.diagonal().setConstant(diagonal);
    Eigen::LLT<Eigen::MatrixXd> llt(k);
    if (llt.info() != Eigen::Success) continue;
    model.diagonal_ = diagonal;
    model.chol_ = llt.matrixL();
    model.x_ = std::move(x);
    model.y_ = std::move(y);
    model.SolveAlpha();
    return model;
  }
  return absl::InternalError("gaussian process: kernel matrix is not positive definite even with jitter");
}

void GpModel::SolveAlpha() {
  const Eigen::Index n = y_.size();
  alpha_ = chol_.topLeftCorner(n, n).triangularView<Eigen::Lower>().solve(y_);
  chol_.topLeftCorner(n, n).triangularView<Eigen::Lower>().transpose().solveInPlace(alpha_);
}

void GpModel::Predict(const Eigen::MatrixXd& xc, Eigen::VectorXd* mean, Eigen::VectorXd* variance) const {
  const double signal = std::exp(hyper_.log_signal_variance);
  Eigen::MatrixXd kc =
      hyper_.warp.empty()
          ? kernel_.Cross(x_, xc, inverse_lengthscales_, signal, hyper_.projection)  // n x m
          : kernel_.Cross(x_, ApplyWarp(hyper_.warp, xc), inverse_lengthscales_, signal, hyper_.projection);
  *mean = kc.transpose() * alpha_;
  chol_.triangularView<Eigen::Lower>().solveInPlace(kc);
  *variance = (signal - kc.colwise().squaredNorm().transpose().array()).cwiseMax(1e-12 * signal).matrix();
}

void GpModel::AddObservation(const Eigen::VectorXd& x, double y) {
  const Eigen::Index n = y_.size();
  const double signal = std::exp(hyper_.log_signal_variance);
  const Eigen::MatrixXd row = ApplyWarp(hyper_.warp, x.transpose());
  Eigen::VectorXd k = kernel_.Cross(x_, row, inverse_lengthscales_, signal, hyper_.projection).col(0);
  chol_.triangularView<Eigen::Lower>().solveInPlace(k);
  // The new diagonal entry; floored so that a point equal to an existing one keeps the factor valid.
  const double d2 = std::max(diagonal_ - k.squaredNorm(), 1e-6 * diagonal_);
  chol_.conservativeResize(n + 1, n + 1);
  chol_.row(n).head(n) = k.transpose();
  chol_.col(n).setZero();
  chol_(n, n) = std::sqrt(d2);
  x_.conservativeResize(n + 1, Eigen::NoChange);
  x_.row(n) = row.row(0);
  y_.conservativeResize(n + 1);
  y_(n) = y;
  SolveAlpha();
}

}  // namespace hyperlab::searcher
