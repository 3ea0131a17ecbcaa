// The acquisition optimiser's hedges (acquisition_optimizer.h, `hedges`): the acquisition is the log of the
// mean EI over the model and the hedges.
#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "searcher/acquisition.h"
#include "searcher/acquisition_optimizer.h"
#include "searcher/halton.h"

namespace hyperlab::searcher {
namespace {

class AcquisitionHedgeTest : public testing::Test {
 protected:
  AcquisitionHedgeTest() : encoding_(Space()), kernel_(encoding_.CategoricalMask()), seen_(Resolutions()) {
    Halton halton(2, 3);
    x_.resize(14, 2);
    y_.resize(14);
    for (int i = 0; i < 14; ++i) {
      const std::vector<double> u = halton.Point(i);
      x_.row(i) << u[0], u[1];
      // Two basins: a narrow one at (0.25, 0.25), a wide one at (0.75, 0.7).
      const double narrow = 40 * ((u[0] - 0.25) * (u[0] - 0.25) + (u[1] - 0.25) * (u[1] - 0.25));
      const double wide = 4 * ((u[0] - 0.75) * (u[0] - 0.75) + (u[1] - 0.7) * (u[1] - 0.7));
      y_(i) = std::min(narrow - 0.2, wide);
    }
    y_.minCoeff(&best_);
  }

  static SearchSpace Space() {
    SearchSpace space;
    for (const char* name : {"a", "b"}) space.parameters.push_back({.name = name, .min = 0, .max = 1});
    return space;
  }
  std::vector<double> Resolutions() const { return encoding_.Resolutions(); }

  GpModel Model(double lengthscale) const {
    GpHyperparameters hyper;
    hyper.log_lengthscales = Eigen::VectorXd::Constant(2, std::log(lengthscale));
    hyper.log_noise_variance = std::log(1e-3);
    return *GpModel::Create(kernel_, x_, y_, hyper);
  }

  AcquisitionResult Optimize(const GpModel& gp, const std::vector<const GpModel*>& hedges,
                             uint64_t stream) const {
    AcquisitionOptimizerOptions options;
    options.hedges = hedges;
    return OptimizeAcquisition(gp, encoding_, x_.row(best_), y_(best_), seen_, 1, stream, options);
  }

  ParameterEncoding encoding_;
  MaternKernel kernel_;
  PointSet seen_;
  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;
  Eigen::Index best_ = 0;
};

TEST_F(AcquisitionHedgeTest, HedgesEqualToTheModelChangeNothing) {
  const GpModel gp = Model(0.2);
  for (uint64_t stream = 0; stream < 4; ++stream) {
    const AcquisitionResult plain = Optimize(gp, {}, stream);
    const AcquisitionResult hedged = Optimize(gp, {&gp, &gp}, stream);
    EXPECT_EQ(hedged.x, plain.x) << "stream " << stream;
    EXPECT_EQ(hedged.value, plain.value) << "stream " << stream;
  }
}

TEST_F(AcquisitionHedgeTest, TheValueIsTheLogOfTheMeanEiOverTheModels) {
  const GpModel gp = Model(0.2), longer = Model(0.4), shorter = Model(0.1);
  int moved = 0;
  for (uint64_t stream = 0; stream < 4; ++stream) {
    const AcquisitionResult r = Optimize(gp, {&longer, &shorter}, stream);
    ASSERT_FALSE(r.excluded);
    std::vector<Eigen::VectorXd> log_ei;
    for (const GpModel* m : {&gp, &longer, &shorter}) {
      Eigen::VectorXd mean, variance;
      m->Predict(r.x.transpose(), &mean, &variance);
      log_ei.push_back(LogExpectedImprovement(mean, variance, y_(best_)));
    }
    EXPECT_NEAR(r.value, LogMeanExp(log_ei)(0), 1e-9) << "stream " << stream;
    // Not the plain model's own value there.
    EXPECT_GT(std::abs(r.value - log_ei[0](0)), 1e-6) << "stream " << stream;
    moved += (r.x - Optimize(gp, {}, stream).x).norm() > 1e-3;
  }
  EXPECT_GT(moved, 0) << "the hedges never changed the chosen point";
}

}  // namespace
}  // namespace hyperlab::searcher
