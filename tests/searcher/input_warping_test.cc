// Input warping (searcher/input_warping.h, gp_fit.h FitWarp): the maps, the choice by the fit, the model
// that applies it, and its place in the saved state.
#include "searcher/input_warping.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "searcher/gp_fit.h"
#include "searcher/gp_model.h"
#include "searcher/gp_state.h"
#include "searcher/matern_kernel.h"

namespace hyperlab::searcher {
namespace {

TEST(InputWarpingTest, EveryOptionMapsTheUnitIntervalOntoItselfIncreasingAndFourIsTheIdentity) {
  for (int option = 0; option < kWarpOptions; ++option) {
    EXPECT_EQ(WarpCoordinate(option, 0), 0) << option;
    EXPECT_NEAR(WarpCoordinate(option, 1), 1, 1e-15) << option;
    EXPECT_EQ(WarpCoordinate(option, -0.5), 0) << option;  // Clamped.
    EXPECT_NEAR(WarpCoordinate(option, 1.5), 1, 1e-15) << option;
    double last = 0;
    for (int i = 1; i <= 100; ++i) {
      const double w = WarpCoordinate(option, i / 100.0);
      EXPECT_GT(w, last) << option << " at " << i;
      last = w;
    }
  }
  for (double u : {0.0, 0.1, 0.37, 0.9, 1.0}) EXPECT_EQ(WarpCoordinate(kIdentityWarp, u), u);
  // a = 1/2, b = 1: the square root, which stretches the low end.
  EXPECT_NEAR(WarpCoordinate(1, 0.25), 0.5, 1e-15);
  EXPECT_TRUE(IsIdentityWarp({}));
  EXPECT_TRUE(IsIdentityWarp({kIdentityWarp, kIdentityWarp}));
  EXPECT_FALSE(IsIdentityWarp({kIdentityWarp, 0}));
}

TEST(InputWarpingTest, ApplyWarpChangesOnlyTheWarpedColumns) {
  Eigen::MatrixXd x(3, 2);
  x << 0.25, 0.5, 0.81, 0.1, 0.0, 1.0;
  EXPECT_EQ(ApplyWarp({}, x), x);
  const Eigen::MatrixXd w = ApplyWarp({1, kIdentityWarp}, x);
  EXPECT_EQ(w.col(1), x.col(1));
  EXPECT_NEAR(w(0, 0), 0.5, 1e-15);
  EXPECT_NEAR(w(1, 0), 0.9, 1e-15);
}

// 1-D samples of `f` at 40 evenly spread points, standardised.
void Sample(double (*f)(double), Eigen::MatrixXd* x, Eigen::VectorXd* y) {
  const int n = 40;
  x->resize(n, 1);
  y->resize(n);
  for (int i = 0; i < n; ++i) {
    (*x)(i, 0) = (i + 0.5) / n;
    (*y)(i) = f((*x)(i, 0));
  }
  *y = (y->array() - y->mean()).matrix();
  *y /= std::sqrt(y->squaredNorm() / n);
}

TEST(InputWarpingTest, TheFitWarpsANonStationaryFunctionAndLeavesAStationaryOneAlone) {
  const MaternKernel kernel({false});
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  // Fast oscillation at the low end, flat above 0.4: as C on svm_digits, where the loss moves by the sample
  // at small C and not at all above it.
  Sample([](double u) { return u < 0.4 ? std::sin(40 * u) : std::sin(16.0); }, &x, &y);
  const GpHyperparameters plain = FitHyperparameters(kernel, x, y, nullptr, 1);
  const GpHyperparameters warped = FitWarp(kernel, x, y, plain, 1);
  ASSERT_EQ(warped.warp.size(), 1u);
  EXPECT_NE(warped.warp[0], kIdentityWarp);
  // It stretches the low end: the warped distance between the first two points is larger.
  EXPECT_GT(WarpCoordinate(warped.warp[0], x(1, 0)) - WarpCoordinate(warped.warp[0], x(0, 0)),
            x(1, 0) - x(0, 0));
  EXPECT_LT(NegativeLogPosterior(kernel, ApplyWarp(warped.warp, x), y, warped.Pack(), nullptr),
            NegativeLogPosterior(kernel, x, y, plain.Pack(), nullptr) - ProjectionMargin(2, 40));

  // The same frequency everywhere: no warp is worth its parameters.
  Sample([](double u) { return std::sin(12 * u); }, &x, &y);
  const GpHyperparameters stationary = FitHyperparameters(kernel, x, y, nullptr, 1);
  EXPECT_TRUE(FitWarp(kernel, x, y, stationary, 1).warp.empty());
  // And too few points: none either.
  EXPECT_TRUE(
      FitWarp(kernel, x.topRows(kMinWarpObservations - 1), y.head(kMinWarpObservations - 1), stationary, 1)
          .warp.empty());
}

TEST(InputWarpingTest, TheModelWarpsWhatItIsGivenAndWhatItIsAsked) {
  const MaternKernel kernel({false, false});
  Eigen::MatrixXd x(4, 2);
  x << 0.1, 0.2, 0.4, 0.9, 0.7, 0.5, 0.95, 0.05;
  const Eigen::VectorXd y = Eigen::Vector4d(0.3, -1.0, 0.8, -0.1);
  GpHyperparameters hyper;
  hyper.log_lengthscales = Eigen::Vector2d(std::log(0.3), std::log(0.6));
  hyper.log_noise_variance = std::log(1e-4);
  GpHyperparameters warped = hyper;
  warped.warp = {1, 8};
  const std::vector<uint8_t> warp = warped.warp;
  GpModel inside = *GpModel::Create(kernel, x, y, warped);
  GpModel outside = *GpModel::Create(kernel, ApplyWarp(warp, x), y, hyper);
  Eigen::MatrixXd query(2, 2);
  query << 0.3, 0.3, 0.8, 0.6;
  Eigen::VectorXd m1, v1, m2, v2;
  inside.Predict(query, &m1, &v1);
  outside.Predict(ApplyWarp(warp, query), &m2, &v2);
  EXPECT_NEAR((m1 - m2).norm(), 0, 1e-12);
  EXPECT_NEAR((v1 - v2).norm(), 0, 1e-12);
  // A believed observation is warped too.
  inside.AddObservation(query.row(0).transpose(), 0.5);
  outside.AddObservation(ApplyWarp(warp, query.row(0)).transpose(), 0.5);
  inside.Predict(query, &m1, &v1);
  outside.Predict(ApplyWarp(warp, query), &m2, &v2);
  EXPECT_NEAR((m1 - m2).norm(), 0, 1e-12);
}

TEST(InputWarpingTest, TheStateKeepsTheWarpAndReadsStatesWithoutOne) {
  const GpState state{.fit_observations = 12, .theta = Eigen::Vector4d(0.1, -0.2, 0.0, -6.9), .warp = {1, 4}};
  const std::string text = EncodeGpState(state);
  EXPECT_NE(text.find(" warp=14"), std::string::npos) << text;
  const std::optional<GpState> back = DecodeGpState(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->warp, state.warp);
  EXPECT_EQ(back->theta, state.theta);
  // An identity warp is not written: such a state is byte for byte what the strategy wrote before warping.
  const std::string plain = EncodeGpState({.fit_observations = 12, .theta = state.theta, .warp = {4, 4}});
  EXPECT_EQ(plain, EncodeGpState({.fit_observations = 12, .theta = state.theta}));
  EXPECT_TRUE(DecodeGpState(plain)->warp.empty());
  EXPECT_FALSE(DecodeGpState(plain + " warp=19").has_value());  // 9 is no option.
  EXPECT_FALSE(DecodeGpState(plain + " warp=").has_value());
}

}  // namespace
}  // namespace hyperlab::searcher
