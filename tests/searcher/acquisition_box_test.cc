// The acquisition optimiser's trust-region box (acquisition_optimizer.h, trust_region.h).
#include <cmath>

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
  // Without a box the optimiser leaves that region.
  const AcquisitionResult free = OptimizeAcquisition(gp, encoding, x.row(best), y(best), seen, 1, 0, {});
  EXPECT_GT(free.x(0) + free.x(1), 0.6);
}

}  // namespace
}  // namespace hyperlab::searcher
