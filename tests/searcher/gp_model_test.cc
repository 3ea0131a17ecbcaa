#include "searcher/gp_model.h"

#include <cmath>

#include "Eigen/Cholesky"
#include "gtest/gtest.h"
#include "searcher/gp_fit.h"
#include "searcher/halton.h"

namespace hyperlab::searcher {
namespace {

Eigen::MatrixXd Points(int n, int d, uint64_t seed) {
  Halton halton(d, seed);
  Eigen::MatrixXd x(n, d);
  for (int i = 0; i < n; ++i) {
    const std::vector<double> u = halton.Point(i);
    for (int j = 0; j < d; ++j) x(i, j) = u[j];
  }
  return x;
}

Eigen::VectorXd Smooth(const Eigen::MatrixXd& x) {
  Eigen::VectorXd y(x.rows());
  for (Eigen::Index i = 0; i < x.rows(); ++i) y(i) = std::sin(6 * x(i, 0)) + x(i, 1) * x(i, 1);
  return y;
}

GpHyperparameters Hyper(int d) {
  GpHyperparameters h;
  h.log_lengthscales = Eigen::VectorXd::Constant(d, std::log(0.3));
  h.log_signal_variance = 0.2;
  h.log_noise_variance = std::log(1e-4);
  return h;
}

TEST(GpModelTest, InterpolatesItsObservationsAndIsUncertainFarAway) {
  const MaternKernel kernel({false, false});
  const Eigen::MatrixXd x = Points(20, 2, 1);
  const Eigen::VectorXd y = Smooth(x);
  absl::StatusOr<GpModel> gp = GpModel::Create(kernel, x, y, Hyper(2));
  ASSERT_TRUE(gp.ok()) << gp.status();
  Eigen::VectorXd mean, variance;
  gp->Predict(x, &mean, &variance);
  EXPECT_LT((mean - y).lpNorm<Eigen::Infinity>(), 1e-2);
  EXPECT_LT(variance.maxCoeff(), 1e-3);
  Eigen::MatrixXd far(1, 2);
  far << 5.0, 5.0;
  gp->Predict(far, &mean, &variance);
  EXPECT_NEAR(variance(0), std::exp(0.2), 1e-6);  // The prior variance.
  EXPECT_NEAR(mean(0), 0, 1e-6);                  // The prior mean.
}

TEST(GpModelTest, IncrementalObservationsEqualARefit) {
  const MaternKernel kernel({false, true});  // Second coordinate categorical.
  Eigen::MatrixXd x = Points(15, 2, 2);
  for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, 1) = std::floor(x(i, 1) * 3);
  const Eigen::VectorXd y = Smooth(x);
  absl::StatusOr<GpModel> incremental = GpModel::Create(kernel, x.topRows(10), y.head(10), Hyper(2));
  ASSERT_TRUE(incremental.ok());
  for (int i = 10; i < 15; ++i) incremental->AddObservation(x.row(i).transpose(), y(i));
  absl::StatusOr<GpModel> full = GpModel::Create(kernel, x, y, Hyper(2));
  ASSERT_TRUE(full.ok());
  const Eigen::MatrixXd probe = Points(30, 2, 9);
  Eigen::VectorXd m1, v1, m2, v2;
  incremental->Predict(probe, &m1, &v1);
  full->Predict(probe, &m2, &v2);
  EXPECT_LT((m1 - m2).lpNorm<Eigen::Infinity>(), 1e-8);
  EXPECT_LT((v1 - v2).lpNorm<Eigen::Infinity>(), 1e-8);
}

TEST(GpModelTest, DuplicatePointsWithTinyNoiseStillFactorise) {
  const MaternKernel kernel({false});
  Eigen::MatrixXd x(4, 1);
  x << 0.5, 0.5, 0.5, 0.2;
  Eigen::VectorXd y(4);
  y << 1, 1.1, 0.9, 0;
  GpHyperparameters h = Hyper(1);
  h.log_noise_variance = std::log(1e-12);
  absl::StatusOr<GpModel> gp = GpModel::Create(kernel, x, y, h);
  ASSERT_TRUE(gp.ok()) << gp.status();
  Eigen::VectorXd mean, variance;
  gp->Predict(x.topRows(1), &mean, &variance);
  EXPECT_NEAR(mean(0), 1.0, 0.05);
}

// The analytic gradient of NegativeLogPosterior at `theta` equals central finite differences.
void ExpectGradientMatchesFiniteDifferences(const MaternKernel& kernel, const Eigen::MatrixXd& x,
                                            const Eigen::VectorXd& y, const Eigen::VectorXd& theta) {
  Eigen::VectorXd gradient;
  NegativeLogPosterior(kernel, x, y, theta, &gradient);
  ASSERT_EQ(gradient.size(), theta.size());
  for (int i = 0; i < theta.size(); ++i) {
    Eigen::VectorXd plus = theta, minus = theta;
    plus(i) += 1e-5;
    minus(i) -= 1e-5;
    const double numeric = (NegativeLogPosterior(kernel, x, y, plus, nullptr) -
                            NegativeLogPosterior(kernel, x, y, minus, nullptr)) /
                           2e-5;
    EXPECT_NEAR(gradient(i), numeric, 1e-4 * (1 + std::abs(numeric))) << "theta " << i;
  }
}

TEST(GpFitTest, GradientMatchesFiniteDifferences) {
  const MaternKernel kernel({false, false, true});
  Eigen::MatrixXd x = Points(25, 3, 3);
  for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, 2) = std::floor(x(i, 2) * 2);
  Eigen::VectorXd y = Smooth(x) + x.col(2);
  y = (y.array() - y.mean()).matrix();
  Eigen::VectorXd theta(5);
  theta << std::log(0.4), std::log(0.8), std::log(1.5), 0.3, std::log(1e-2);
  ExpectGradientMatchesFiniteDifferences(kernel, x, y, theta);
}

TEST(GpFitTest, GradientWithAProjectionMatchesFiniteDifferences) {
  const MaternKernel kernel({false, true, false});
  Eigen::MatrixXd x = Points(25, 3, 5);
  for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, 1) = std::floor(x(i, 1) * 3);
  Eigen::VectorXd y = Smooth(x) + x.col(1);
  y = (y.array() - y.mean()).matrix();
  Eigen::VectorXd theta(8);  // 3 lengthscales, signal, noise, 3 projection weights (one categorical).
  theta << std::log(0.6), std::log(0.8), std::log(1.2), 0.1, std::log(1e-2), 1.5, 0.7, -2.0;
  ExpectGradientMatchesFiniteDifferences(kernel, x, y, theta);
}

// y varies fast along (1, 1, 0, 0) / sqrt(2) and slowly along everything else: the projection finds that
// direction and fits better than ARD alone. On a function of one coordinate ARD is enough: no projection.
TEST(GpFitTest, LearnsAnObliqueDirectionAndOnlyWhenThereIsOne) {
  const MaternKernel kernel({false, false, false, false});
  const Eigen::MatrixXd x = Points(60, 4, 6);
  const auto standardise = [](Eigen::VectorXd y) {
    y = (y.array() - y.mean()).matrix();
    return Eigen::VectorXd(y / std::sqrt(y.squaredNorm() / static_cast<double>(y.size())));
  };
  Eigen::VectorXd oblique(60), aligned(60);
  for (int i = 0; i < 60; ++i) {
    const double s = (x(i, 0) + x(i, 1)) / std::sqrt(2.0);
    oblique(i) = std::sin(9 * s) + 0.3 * x(i, 2);
    aligned(i) = std::sin(9 * x(i, 0)) + 0.3 * x(i, 2);
  }
  oblique = standardise(oblique);
  aligned = standardise(aligned);

  const GpHyperparameters plain = FitHyperparameters(kernel, x, oblique, nullptr, 1);
  const std::optional<GpHyperparameters> fit = FitProjection(kernel, x, oblique, plain, nullptr);
  ASSERT_TRUE(fit.has_value());
  ASSERT_EQ(fit->projection.size(), 4);
  Eigen::Vector4d truth(1, 1, 0, 0);
  truth.normalize();
  EXPECT_GT(std::abs(fit->projection.normalized().dot(truth)), 0.95) << fit->projection.transpose();
  EXPECT_LT(NegativeLogPosterior(kernel, x, oblique, fit->Pack(), nullptr),
            NegativeLogPosterior(kernel, x, oblique, plain.Pack(), nullptr) - ProjectionMargin(4, 60));
  // The round trip through Pack keeps the projection.
  EXPECT_EQ(GpHyperparameters::Unpack(fit->Pack(), 4).projection, fit->projection);

  const GpHyperparameters plain_aligned = FitHyperparameters(kernel, x, aligned, nullptr, 1);
  EXPECT_FALSE(FitProjection(kernel, x, aligned, plain_aligned, nullptr).has_value());
}

TEST(GpFitTest, LearnsThatAnIrrelevantCoordinateIsIrrelevant) {
  const MaternKernel kernel({false, false});
  const Eigen::MatrixXd x = Points(40, 2, 4);
  Eigen::VectorXd y(40);
  for (int i = 0; i < 40; ++i) y(i) = std::sin(6 * x(i, 0));  // Depends on x0 only.
  y = ((y.array() - y.mean()) / std::sqrt((y.array() - y.mean()).square().mean())).matrix();
  const GpHyperparameters fit = FitHyperparameters(kernel, x, y, nullptr, 1);
  EXPECT_GT(fit.log_lengthscales(1), fit.log_lengthscales(0) + 1.0);
  // A warm start from the fit stays there.
  const GpHyperparameters again = FitHyperparameters(kernel, x, y, &fit, 1);
  EXPECT_NEAR(again.log_lengthscales(0), fit.log_lengthscales(0), 0.05);
}

}  // namespace
}  // namespace hyperlab::searcher
