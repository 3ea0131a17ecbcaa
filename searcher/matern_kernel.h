// The Matérn-5/2 kernel with one lengthscale per parameter (ARD), over the encoded search space.
//
// Why Matérn-5/2: twice differentiable sample paths, the standard choice for hyperparameter surfaces
// (smoother kernels such as the squared exponential are overconfident far from data). Each parameter is one
// coordinate of the encoding (parameter_encoding.h): numeric parameters contribute ((a - b) / l)^2 to the
// squared distance; a categorical parameter contributes [a != b] / l^2, a Hamming-style term with its own
// lengthscale, so categories are unordered and each categorical parameter learns how much it matters.
//
//   k(a, b) = s2 * (1 + sqrt(5) r + 5 r^2 / 3) * exp(-sqrt(5) r),   r^2 = sum_j dist_j(a, b)^2 / l_j^2
//                                                                      [+ ((a - b) . v)^2 with a projection].
//
// Example:
//   MaternKernel kernel(/*categorical=*/{false, true});
//   Eigen::MatrixXd K = kernel.Cross(A, B, inverse_lengthscales, /*signal_variance=*/1.0);
//
// Thread safety: immutable; all methods are const and safe to call concurrently.
#ifndef HYPERLAB_SEARCHER_MATERN_KERNEL_H_
#define HYPERLAB_SEARCHER_MATERN_KERNEL_H_

#include <vector>

#include "Eigen/Core"

namespace hyperlab::searcher {

class MaternKernel {
 public:
  // categorical[j]: coordinate j holds a category index, compared by equality only.
  explicit MaternKernel(std::vector<bool> categorical);

  int dimensions() const { return static_cast<int>(categorical_.size()); }
  bool categorical(int j) const { return categorical_[j]; }

  // Squared scaled distances r^2 between the rows of `a` (n x d) and of `b` (m x d): n x m. With a
  // `projection` v (d weights; empty for none), r^2 gains ((a - b) . v)^2 over the numeric coordinates:
  // one more direction, oblique to the coordinates, with its own scale (|v| is its inverse lengthscale).
  Eigen::MatrixXd SquaredDistances(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                                   const Eigen::VectorXd& inverse_lengthscales,
                                   const Eigen::VectorXd& projection = Eigen::VectorXd()) const;

  // The kernel matrix k(a_i, b_j): n x m.
  Eigen::MatrixXd Cross(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                        const Eigen::VectorXd& inverse_lengthscales, double signal_variance,
                        const Eigen::VectorXd& projection = Eigen::VectorXd()) const;

  // k as a function of r^2, elementwise; and g(r^2) = s2 * 5/3 * (1 + sqrt(5) r) exp(-sqrt(5) r), for which
  // dk/d(log l_j) = g * dist_j^2 / l_j^2 (used for the marginal-likelihood gradient).
  static Eigen::MatrixXd FromSquaredDistances(const Eigen::MatrixXd& r2, double signal_variance);
  static Eigen::MatrixXd LengthscaleFactor(const Eigen::MatrixXd& r2, double signal_variance);

 private:
  std::vector<bool> categorical_;
  std::vector<int> numeric_;     // Indices of the numeric coordinates.
  std::vector<int> categories_;  // Indices of the categorical coordinates.
};

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_MATERN_KERNEL_H_
