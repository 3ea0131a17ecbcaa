// A Gaussian-process posterior: Matérn-5/2 kernel (optionally with a learned oblique direction), zero mean
// (outputs are standardised), Gaussian noise.
//
// Why this shape: the strategy fits hyperparameters rarely (gp_fit.h) and builds a posterior on every
// Suggest, then adds pending trials and the batch's own picks as fantasy observations one at a time. So the
// posterior is a Cholesky factor that grows by one row per added point (O(n^2), not O(n^3)), and predictions
// are batched over many candidates (one triangular solve with many right-hand sides).
// The Cholesky factorisation retries with growing jitter on the diagonal when the matrix is not numerically
// positive definite (duplicate points with tiny noise), and fails only when even a large jitter fails.
//
// Example:
//   ASSIGN_OR_RETURN(GpModel gp, GpModel::Create(kernel, x, y, hyper));
//   gp.Predict(candidates, &mean, &variance);
//   gp.AddObservation(candidates.row(best), mean(best));  // Kriging believer.
//
// Thread safety: const methods may be called concurrently; AddObservation needs exclusive access.
#ifndef HYPERLAB_SEARCHER_GP_MODEL_H_
#define HYPERLAB_SEARCHER_GP_MODEL_H_

#include <cstdint>
#include <vector>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "searcher/matern_kernel.h"

namespace hyperlab::searcher {

// Kernel and noise hyperparameters, in log space (the space they are fitted in).
struct GpHyperparameters {
  Eigen::VectorXd log_lengthscales;  // One per coordinate.
  double log_signal_variance = 0;
  double log_noise_variance = -9;
  // Empty, or one weight per coordinate: a learned direction v along which the function varies faster
  // than the lengthscales say (a valley oblique to every parameter). The squared distance gains
  // ((a - b) . v)^2 (matern_kernel.h). Zero on categorical coordinates. Fitted by gp_fit.h.
  Eigen::VectorXd projection;
  // Empty, or one input_warping.h option per coordinate: the model sees each point with coordinate j
  // warped by warp[j] (training points and predicted points alike). Not in Pack(): saved beside theta.
  std::vector<uint8_t> warp;

  // As one vector: lengthscales, signal, noise, then the projection when there is one (d + 2 or 2d + 2
  // entries); and back, for `dimensions` coordinates.
  Eigen::VectorXd Pack() const;
  static GpHyperparameters Unpack(const Eigen::VectorXd& theta, int dimensions);
  Eigen::VectorXd InverseLengthscales() const { return (-log_lengthscales.array()).exp().matrix(); }
};

class GpModel {
 public:
  // The posterior given the rows of `x` (n x d, encoded) and their standardised outputs `y`; with a
  // `hyper.warp`, points are warped inside (callers always pass and query encoded points).
  // INTERNAL when the kernel matrix cannot be factorised even with jitter (non-finite inputs).
  static absl::StatusOr<GpModel> Create(const MaternKernel& kernel, Eigen::MatrixXd x, Eigen::VectorXd y,
                                        const GpHyperparameters& hyper);

  // Posterior mean and variance (of the latent function, without noise) at each row of `xc`.
  void Predict(const Eigen::MatrixXd& xc, Eigen::VectorXd* mean, Eigen::VectorXd* variance) const;

  // Conditions on one more observation by extending the Cholesky factor by one row: O(n^2).
  void AddObservation(const Eigen::VectorXd& x, double y);

  int size() const { return static_cast<int>(y_.size()); }
  const GpHyperparameters& hyperparameters() const { return hyper_; }

 private:
  GpModel(const MaternKernel& kernel, GpHyperparameters hyper)
      : kernel_(kernel), hyper_(std::move(hyper)), inverse_lengthscales_(hyper_.InverseLengthscales()) {}
  void SolveAlpha();

  MaternKernel kernel_;  // A copy: the model outlives the caller's kernel.
  GpHyperparameters hyper_;
  Eigen::VectorXd inverse_lengthscales_;
  double diagonal_ = 0;  // Signal + noise + jitter: the diagonal of the kernel matrix.
  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;
  Eigen::MatrixXd chol_;   // Lower triangle: K + diagonal terms = L L^T.
  Eigen::VectorXd alpha_;  // (K + noise I)^-1 y.
};

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_GP_MODEL_H_
