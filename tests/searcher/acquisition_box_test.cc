// The acquisition optimiser's trust-region box (acquisition_optimizer.h, trust_region.h).
#include <algorithm>
#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "searcher/acquisition_optimizer.h"
#include "searcher/halton.h"

namespace hyperlab::searcher {
namespace {

TEST(AcquisitionBoxTest, WithTheIncumbentInsideTheResultStaysInTheBox) {
  // A 3-D model whose best observation is at the cube's far corner region; the box is elsewhere.
  SearchSpace space;
  for (const char* name : {"a", "b"}) space.parameters.push_back({.name = name, .min = 0, .max = 1});
  space.parameters.push_back({.name = "n", .kind = ParameterKind::kInteger, .min = 0, .max = 10});
  const ParameterEncoding encoding(space);
  Halton halton(3, 5);
  Eigen::MatrixXd x(12, 3);
  Eigen::VectorXd y(12);
  for (int i = 0; i < 12; ++i) {
    const std::vector<double> u = halton.Point(i);
    for (int j = 0; j < 3; ++j) x(i, j) = encoding.Snap(j, u[j]);
    y(i) = -(x(i, 0) + x(i, 1) + x(i, 2));  // Best towards (1, 1, 1).
  }
  GpHyperparameters hyper;
  hyper.log_lengthscales = Eigen::VectorXd::Constant(3, std::log(0.4));
  hyper.log_signal_variance = 0;
  hyper.log_noise_variance = std::log(1e-4);
  const MaternKernel kernel(encoding.CategoricalMask());
  const GpModel gp = *GpModel::Create(kernel, x, y, hyper);
  PointSet seen(encoding.Resolutions());
  Eigen::Index best;
  y.minCoeff(&best);
  AcquisitionOptimizerOptions options;
  options.line_points = 0;  // Line candidates leave the box on purpose (the test below).
  options.box_lower = Eigen::Vector3d(0.1, 0.2, 0.3);
  options.box_upper = Eigen::Vector3d(0.3, 0.25, 0.5);
  // The incumbent searched around: the box's centre, as the Bayesian strategy's best observation is.
  const Eigen::RowVector3d centre(0.2, 0.225, 0.4);
  for (uint64_t stream = 0; stream < 5; ++stream) {
    const AcquisitionResult r = OptimizeAcquisition(gp, encoding, centre, y(best), seen, 1, stream, options);
    ASSERT_FALSE(r.excluded);
    EXPECT_GE(r.x(0), 0.1);
    EXPECT_LE(r.x(0), 0.3);
    EXPECT_GE(r.x(1), 0.2);
    EXPECT_LE(r.x(1), 0.25);
    // The integer coordinate snaps to 3, 4 or 5 (encoded 0.3, 0.4, 0.5): inside the box too.
    EXPECT_GE(r.x(2), 0.3 - 1e-12);
    EXPECT_LE(r.x(2), 0.5 + 1e-12);
    EXPECT_DOUBLE_EQ(r.x(2) * 10, std::round(r.x(2) * 10));
    // The increasing trend: the best point of the box is at its upper corner.
    EXPECT_NEAR(r.x(0), 0.3, 0.02);
    EXPECT_NEAR(r.x(1), 0.25, 0.01);
  }
  // With line candidates, a result may leave the box, but in one coordinate only.
  options.line_points = AcquisitionOptimizerOptions().line_points;
  for (uint64_t stream = 0; stream < 5; ++stream) {
    const AcquisitionResult r = OptimizeAcquisition(gp, encoding, centre, y(best), seen, 1, stream, options);
    int outside = 0;
    for (int j = 0; j < 3; ++j) {
      outside += r.x(j) < options.box_lower(j) - 1e-12 || r.x(j) > options.box_upper(j) + 1e-12;
    }
    EXPECT_LE(outside, 1) << "stream " << stream;
  }
  // Without a box the optimiser leaves that region.
  const AcquisitionResult free = OptimizeAcquisition(gp, encoding, x.row(best), y(best), seen, 1, 0, {});
  EXPECT_GT(free.x(0) + free.x(1), 0.6);
}

// A separable surface: b is best at 0.3; a has a basin at 0.3 and a deeper one at 0.9. The deeper basin was
// observed only with b away from 0.3, so the best observation is (0.3, 0.3), the box's centre, and the
// model's best guess, (0.9, 0.3), lies outside the box along a alone.
class TwoBasinsTest : public testing::Test {
 protected:
  TwoBasinsTest() : encoding_(Space()) {
    const auto f = [](double a, double b) {
      return (b - 0.3) * (b - 0.3) + std::min((a - 0.3) * (a - 0.3), (a - 0.9) * (a - 0.9) - 0.03);
    };
    std::vector<Eigen::Vector2d> points;
    for (double a : {0.1, 0.3, 0.5, 0.7, 0.9}) {
      for (double b : {0.1, 0.3, 0.5, 0.7, 0.9}) {
        if (!(a == 0.9 && b == 0.3)) points.emplace_back(a, b);
      }
    }
    x_.resize(static_cast<Eigen::Index>(points.size()), 2);
    y_.resize(x_.rows());
    for (Eigen::Index i = 0; i < x_.rows(); ++i) {
      x_.row(i) = points[i].transpose();
      y_(i) = f(points[i](0), points[i](1));
    }
    y_.minCoeff(&best_);
    options_.box_lower = Eigen::Vector2d(0.2, 0.2);
    options_.box_upper = Eigen::Vector2d(0.4, 0.4);
  }

  static SearchSpace Space() {
    SearchSpace space;
    for (const char* name : {"a", "b"}) space.parameters.push_back({.name = name, .min = 0, .max = 1});
    return space;
  }

  // The optimiser's result for `stream` on a model with this noise variance (signal variance 0.1).
  AcquisitionResult Optimize(double noise_variance, uint64_t stream) const {
    GpHyperparameters hyper;
    hyper.log_lengthscales = Eigen::VectorXd::Constant(2, std::log(0.3));
    hyper.log_signal_variance = std::log(0.1);
    hyper.log_noise_variance = std::log(noise_variance);
    const GpModel gp = *GpModel::Create(MaternKernel(encoding_.CategoricalMask()), x_, y_, hyper);
    PointSet seen(encoding_.Resolutions());
    for (Eigen::Index i = 0; i < x_.rows(); ++i) seen.Insert(x_.row(i).transpose());
    return OptimizeAcquisition(gp, encoding_, x_.row(best_), y_(best_), seen, 1, stream, options_);
  }

  ParameterEncoding encoding_;
  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;
  Eigen::Index best_ = 0;
  AcquisitionOptimizerOptions options_;
};

TEST_F(TwoBasinsTest, LineCandidatesReachABetterBasinOfOneParameterOutsideTheBox) {
  ASSERT_EQ(x_.row(best_), Eigen::RowVector2d(0.3, 0.3));
  for (uint64_t stream = 0; stream < 5; ++stream) {
    const AcquisitionResult lines = Optimize(1e-6, stream);
    EXPECT_GT(lines.x(0), 0.7) << "stream " << stream;
    EXPECT_NEAR(lines.x(1), 0.3, 0.1) << "stream " << stream;
  }
  // Without them the result stays in the box.
  options_.line_points = 0;
  EXPECT_LE(Optimize(1e-6, 0).x(0), 0.4);
}

TEST_F(TwoBasinsTest, UnderNoiseTheLineCandidatesAreLeftOut) {
  // A noise variance of 0.1 of the signal's (above lines_max_noise): the result stays in the box, as
  // without lines. At 0.02 of the signal's (below) the lines still find the deeper basin.
  for (uint64_t stream = 0; stream < 5; ++stream) {
    EXPECT_LE(Optimize(0.01, stream).x(0), 0.4) << "stream " << stream;
    EXPECT_GT(Optimize(0.002, stream).x(0), 0.7) << "stream " << stream;
  }
}

// Augmented EI under noise (acquisition.h): with 24 noisy trials piled up around x = 0.3 and a few spread
// over the rest, plain EI picks a point at the pile's edge, where the model's mean is lowest; augmented EI
// picks a point the model knows less about, where one more trial tells it more than one more noisy draw.
TEST(AcquisitionBoxTest, UnderNoiseAugmentedEiLeavesThePileThatPlainEiAddsTo) {
  SearchSpace space;
  space.parameters.push_back({.name = "x", .min = 0, .max = 1});
  const ParameterEncoding encoding(space);
  std::vector<double> xs, ys;
  for (int i = 0; i < 24; ++i) {
    xs.push_back(0.25 + 0.1 * i / 23.0);
    ys.push_back(0.6 * (i % 2 == 0 ? 1 : -1) * (i % 3 == 0 ? 0.5 : 1));  // Noise around f = 0.
  }
  for (double x : {0.0, 0.55, 0.75, 1.0}) {
    xs.push_back(x);
    ys.push_back(4 * (x - 0.3) * (x - 0.3));
  }
  Eigen::MatrixXd x(static_cast<Eigen::Index>(xs.size()), 1);
  Eigen::VectorXd y(static_cast<Eigen::Index>(ys.size()));
  PointSet seen(encoding.Resolutions());
  for (size_t i = 0; i < xs.size(); ++i) {
    x(static_cast<Eigen::Index>(i), 0) = xs[i];
    y(static_cast<Eigen::Index>(i)) = ys[i];
    seen.Insert(Eigen::VectorXd::Constant(1, xs[i]));
  }
  GpHyperparameters hyper;
  hyper.log_lengthscales = Eigen::VectorXd::Constant(1, std::log(0.2));
  hyper.log_signal_variance = 0;
  hyper.log_noise_variance = std::log(0.25);  // A quarter of the signal's: above augmented_min_noise.
  const GpModel gp = *GpModel::Create(MaternKernel(encoding.CategoricalMask()), x, y, hyper);
  const Eigen::RowVectorXd incumbent = Eigen::RowVectorXd::Constant(1, 0.3);
  AcquisitionOptimizerOptions options;
  const AcquisitionResult plain = OptimizeAcquisition(gp, encoding, incumbent, 0, seen, 1, 0, options);
  options.augmented = true;
  const AcquisitionResult augmented = OptimizeAcquisition(gp, encoding, incumbent, 0, seen, 1, 0, options);
  ASSERT_FALSE(plain.excluded || augmented.excluded);
  EXPECT_GT(plain.x(0), 0.2);
  EXPECT_LT(plain.x(0), 0.45) << "plain EI stays at the pile";
  Eigen::VectorXd mean, variance_plain, variance_augmented;
  gp.Predict(plain.x.transpose(), &mean, &variance_plain);
  gp.Predict(augmented.x.transpose(), &mean, &variance_augmented);
  EXPECT_GT(variance_augmented(0), 1.25 * variance_plain(0))
      << "augmented EI goes where the model knows less";
  // A noiseless model is not discounted: the same choice either way.
  hyper.log_noise_variance = std::log(1e-6);
  const GpModel clean = *GpModel::Create(MaternKernel(encoding.CategoricalMask()), x, y, hyper);
  EXPECT_EQ(OptimizeAcquisition(clean, encoding, incumbent, 0, seen, 1, 0, options).x,
            OptimizeAcquisition(clean, encoding, incumbent, 0, seen, 1, 0, AcquisitionOptimizerOptions()).x);
}

}  // namespace
}  // namespace hyperlab::searcher
