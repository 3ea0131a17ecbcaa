#include "searcher/trust_region.h"

#include <cmath>

#include "gtest/gtest.h"

namespace hyperlab::searcher {
namespace {

TEST(TrustRegionTest, StartsAt0_8AndIgnoresTheInitialDesign) {
  // Five initial values, the last the best: no success or failure counted yet.
  EXPECT_EQ(ReplayTrustRegion({5, 4, 3, 2, 1}, 5, 2).length, 0.8);
  EXPECT_EQ(ReplayTrustRegion({}, 5, 2).length, 0.8);
}

TEST(TrustRegionTest, ThreeSuccessesDoubleAndMaxFourOrDFailuresHalve) {
  // After 2 initial values: three improvements double it.
  EXPECT_EQ(ReplayTrustRegion({9, 8, 7, 6, 5}, 2, 2).length, 1.6);
  // At most 1.6.
  EXPECT_EQ(ReplayTrustRegion({9, 8, 7, 6, 5, 4, 3, 2}, 2, 2).length, 1.6);
  // In 2-D four failures in a row halve it; in 6-D it takes six.
  EXPECT_EQ(ReplayTrustRegion({1, 1, 2, 2, 2, 2}, 2, 2).length, 0.4);
  EXPECT_EQ(ReplayTrustRegion({1, 1, 2, 2, 2, 2}, 2, 6).length, 0.8);
  EXPECT_EQ(ReplayTrustRegion({1, 1, 2, 2, 2, 2, 2, 2}, 2, 6).length, 0.4);
  // A success resets the failure count: 3 failures, a success, 3 failures change nothing in 2-D.
  EXPECT_EQ(ReplayTrustRegion({5, 5, 6, 6, 6, 4, 6, 6, 6}, 2, 2).length, 0.8);
  // An improvement smaller than 1e-3 of the best is a failure.
  EXPECT_EQ(ReplayTrustRegion({100, 100, 99.95, 99.91, 99.9, 99.89}, 2, 2).length, 0.4);
  // Non-finite values are skipped.
  EXPECT_EQ(ReplayTrustRegion({9, 8, NAN, 7, INFINITY, 6, 5}, 2, 2).length, 1.6);
}

TEST(TrustRegionTest, RestartsAtItsInitialLengthBelowTheMinimum) {
  // 0.8 halves 7 times to 0.00625 < 1/128 after 28 failures (2-D): back to 0.8.
  std::vector<double> values = {1, 1};
  for (int i = 0; i < 27; ++i) values.push_back(2);
  const TrustRegionLength before = ReplayTrustRegion(values, 2, 2);
  EXPECT_DOUBLE_EQ(before.length, 0.8 / 64);
  EXPECT_EQ(before.restarts, 0);
  values.push_back(2);
  const TrustRegionLength after = ReplayTrustRegion(values, 2, 2);
  EXPECT_EQ(after.length, 0.8);
  EXPECT_EQ(after.restarts, 1);
}

TEST(TrustRegionTest, BoxScalesWithLengthscalesAndStaysInTheCube) {
  Eigen::VectorXd lower, upper;
  // Lengthscales 0.5 and 2 (geometric mean 1): sides 0.5 * L and 2 * L; the categorical coordinate is free.
  TrustRegionBox(Eigen::Vector3d(0.5, 0.9, 1.0), Eigen::Vector3d(0.5, 2, 7), {false, false, true}, 0.4,
                 &lower, &upper);
  EXPECT_NEAR(lower(0), 0.4, 1e-12);
  EXPECT_NEAR(upper(0), 0.6, 1e-12);
  EXPECT_NEAR(lower(1), 0.5, 1e-12);
  EXPECT_EQ(upper(1), 1.0);  // 0.9 + 0.4 clipped.
  EXPECT_EQ(lower(2), 0.0);
  EXPECT_EQ(upper(2), 1.0);
}

}  // namespace
}  // namespace hyperlab::searcher
