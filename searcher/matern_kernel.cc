#include "searcher/matern_kernel.h"

#include <cmath>

namespace hyperlab::searcher {
namespace {
constexpr double kSqrt5 = 2.23606797749978969641;
}  // namespace

MaternKernel::MaternKernel(std::vector<bool> categorical) : categorical_(std::move(categorical)) {
  for (int j = 0; j < static_cast<int>(categorical_.size()); ++j) {
    (categorical_[j] ? categories_ : numeric_).push_back(j);
  }
}

Eigen::MatrixXd MaternKernel::SquaredDistances(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                                               const Eigen::VectorXd& inverse_lengthscales,
                                               const Eigen::VectorXd& projection) const {
  const Eigen::Index n = a.rows(), m = b.rows();
  Eigen::MatrixXd r2 = Eigen::MatrixXd::Zero(n, m);
  if (!numeric_.empty()) {
    const Eigen::Index p = static_cast<Eigen::Index>(numeric_.size());
    Eigen::MatrixXd sa(n, p), sb(m, p);
    for (Eigen::Index k = 0; k < p; ++k) {
      const int j = numeric_[k];
      sa.col(k) = a.col(j) * inverse_lengthscales(j);
      sb.col(k) = b.col(j) * inverse_lengthscales(j);
    }
    if (p <= 3) {
      // Few coordinates: the direct differences are as fast and have no cancellation.
      for (Eigen::Index k = 0; k < p; ++k) {
        r2 += (sa.col(k).replicate(1, m) - sb.col(k).transpose().replicate(n, 1)).array().square().matrix();
      }
    } else {
      r2.noalias() = -2.0 * sa * sb.transpose();
      r2.colwise() += sa.rowwise().squaredNorm();
      r2.rowwise() += sb.rowwise().squaredNorm().transpose();
      r2 = r2.cwiseMax(0.0);
    }
  }
  for (int j : categories_) {
    const double w = inverse_lengthscales(j) * inverse_lengthscales(j);
    for (Eigen::Index c = 0; c < m; ++c) {
      const double bj = b(c, j);
      for (Eigen::Index r = 0; r < n; ++r) {
        if (a(r, j) != bj) r2(r, c) += w;
      }
    }
  }
  if (projection.size() > 0) {
    Eigen::VectorXd pa = Eigen::VectorXd::Zero(n), pb = Eigen::VectorXd::Zero(m);
    for (int j : numeric_) {  // A categorical coordinate has no direction.
      pa += projection(j) * a.col(j);
      pb += projection(j) * b.col(j);
    }
    r2 += (pa.replicate(1, m) - pb.transpose().replicate(n, 1)).array().square().matrix();
  }
  return r2;
}

Eigen::MatrixXd MaternKernel::FromSquaredDistances(const Eigen::MatrixXd& r2, double signal_variance) {
  const Eigen::ArrayXXd r = r2.array().sqrt();
  return (signal_variance * (1.0 + kSqrt5 * r + (5.0 / 3.0) * r2.array()) * (-kSqrt5 * r).exp()).matrix();
}

Eigen::MatrixXd MaternKernel::LengthscaleFactor(const Eigen::MatrixXd& r2, double signal_variance) {
  const Eigen::ArrayXXd r = r2.array().sqrt();
  return (signal_variance * (5.0 / 3.0) * (1.0 + kSqrt5 * r) * (-kSqrt5 * r).exp()).matrix();
}

Eigen::MatrixXd MaternKernel::Cross(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                                    const Eigen::VectorXd& inverse_lengthscales, double signal_variance,
                                    const Eigen::VectorXd& projection) const {
  return FromSquaredDistances(SquaredDistances(a, b, inverse_lengthscales, projection), signal_variance);
}

}  // namespace hyperlab::searcher
