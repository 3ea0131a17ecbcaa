// Parameter resolution (ParameterEncoding::Resolution) and the set of points a suggestion keeps away from
// (PointSet::ContainsNear).
#include "searcher/point_set.h"

#include <cmath>

#include "gtest/gtest.h"
#include "searcher/parameter_encoding.h"

namespace hyperlab::searcher {
namespace {

Parameter Double(double min, double max, Scale scale = Scale::kLinear) {
  return {.name = "x", .kind = ParameterKind::kDouble, .scale = scale, .min = min, .max = max};
}

TEST(ResolutionTest, IsAFractionOfTheRangeForDoublesAndEqualityForTheRest) {
  SearchSpace s;
  s.parameters.push_back(Double(-5, 10));
  s.parameters.push_back(Double(1e-4, 0.3, Scale::kLog));
  s.parameters.push_back({.name = "k", .kind = ParameterKind::kInteger, .min = 1, .max = 100});
  s.parameters.push_back({.name = "b", .kind = ParameterKind::kDiscrete, .numbers = {32, 64}});
  s.parameters.push_back({.name = "c", .kind = ParameterKind::kCategorical, .categories = {"p", "q"}});
  const ParameterEncoding encoding(s);
  EXPECT_DOUBLE_EQ(encoding.Resolution(0), 1e-3);  // kDoubleResolution, as documented.
  EXPECT_DOUBLE_EQ(encoding.Resolution(1), 1e-3);
  for (int j = 2; j < 5; ++j) EXPECT_EQ(encoding.Resolution(j), 0) << j;
  EXPECT_EQ(encoding.Resolutions().size(), 5u);
}

TEST(ResolutionTest, NeverFinerThanTheFingerprintsTwelveDigitsAndOneForASingleValue) {
  SearchSpace s;
  // A range of 1e-6 at magnitude 1000: 12 significant digits tell apart steps of about 1e-8, 1e-2 of it.
  s.parameters.push_back(Double(1000, 1000 + 1e-6));
  // Log scale: the fingerprint rounds ln(value), about 4.6 here, over a log range of 1e-8.
  s.parameters.push_back(Double(100, 100 * std::exp(1e-8), Scale::kLog));
  // Narrower than the fingerprint can resolve at all: one value, resolution the whole range.
  s.parameters.push_back(Double(1000, 1000 + 1e-12));
  s.parameters.push_back(Double(3, 3));
  const ParameterEncoding encoding(s);
  EXPECT_NEAR(encoding.Resolution(0), 1e-11 * 1000 / 1e-6, 1e-6);
  EXPECT_NEAR(encoding.Resolution(1), 1e-11 * std::log(100.0) / 1e-8, 1e-6);
  EXPECT_EQ(encoding.Resolution(2), 1.0);
  EXPECT_EQ(encoding.Resolution(3), 1.0);
  // A range of 1e-6 at magnitude 1: 1e-11 / 1e-6 = 1e-5 is finer than the fraction, which applies.
  SearchSpace wide;
  wide.parameters.push_back(Double(1, 1 + 1e-6));
  EXPECT_DOUBLE_EQ(ParameterEncoding(wide).Resolution(0), kDoubleResolution);
}

TEST(PointSetTest, NearMeansEqualOrCloserThanTheResolutionOnEveryCoordinate) {
  // A double (resolution 0.01), an integer-like coordinate and a categorical one (equality).
  PointSet set({0.01, 0, 0});
  set.Insert(Eigen::Vector3d(0.5, 0.25, 1));
  EXPECT_TRUE(set.ContainsNear(Eigen::Vector3d(0.5, 0.25, 1)));
  EXPECT_TRUE(set.ContainsNear(Eigen::Vector3d(0.509, 0.25, 1)));
  EXPECT_TRUE(set.ContainsNear(Eigen::Vector3d(0.4901, 0.25, 1)));
  EXPECT_FALSE(set.ContainsNear(Eigen::Vector3d(0.511, 0.25, 1)));  // The double is a resolution away.
  EXPECT_FALSE(set.ContainsNear(Eigen::Vector3d(0.489, 0.25, 1)));
  EXPECT_FALSE(set.ContainsNear(Eigen::Vector3d(0.5, 0.5, 1)));        // Another integer.
  EXPECT_FALSE(set.ContainsNear(Eigen::Vector3d(0.5, 0.25, 0)));       // Another category.
  EXPECT_FALSE(set.ContainsNear(Eigen::Vector3d(0.5, 0.2500001, 1)));  // Discrete: any difference counts.
  EXPECT_TRUE(set.ContainsNear(Eigen::Vector3d(0.5, 0.25, 1) * -1 * -1));
  EXPECT_EQ(set.size(), 1u);
}

TEST(PointSetTest, FindsNeighboursAcrossCellBoundariesAndOnEveryContinuousCoordinate) {
  PointSet set({1e-3, 1e-3});
  // Either side of the boundary between cells 4 and 5 of the first coordinate.
  set.Insert(Eigen::Vector2d(0.0049999, 0.7));
  EXPECT_TRUE(set.ContainsNear(Eigen::Vector2d(0.0050001, 0.7)));
  EXPECT_TRUE(set.ContainsNear(Eigen::Vector2d(0.0059, 0.7005)));
  EXPECT_FALSE(set.ContainsNear(Eigen::Vector2d(0.0050001, 0.7011)));  // Far on the second coordinate.
  EXPECT_FALSE(set.ContainsNear(Eigen::Vector2d(0.0061, 0.7)));
  // -0.0 and 0.0 are one value.
  set.Insert(Eigen::Vector2d(0.0, 0.0));
  EXPECT_TRUE(set.ContainsNear(Eigen::Vector2d(-0.0, 0.0)));
  EXPECT_TRUE(set.ContainsNear(Eigen::Vector2d(-0.0009, 0.0009)));
}

TEST(PointSetTest, AgreesWithAPairwiseCheckOnManyPoints) {
  PointSet set({2e-3, 0, 5e-3});
  std::vector<Eigen::Vector3d> members;
  uint64_t s = 12345;
  auto next = [&s] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  };
  for (int i = 0; i < 500; ++i) {
    members.emplace_back(next(), std::floor(next() * 3), next());
    set.Insert(members.back());
  }
  int near = 0;
  for (int q = 0; q < 20000; ++q) {
    const Eigen::Vector3d x(next(), std::floor(next() * 3), next());
    bool expected = false;
    for (const Eigen::Vector3d& m : members) {
      expected = expected || (std::abs(m(0) - x(0)) < 2e-3 && m(1) == x(1) && std::abs(m(2) - x(2)) < 5e-3);
    }
    ASSERT_EQ(set.ContainsNear(x), expected) << x.transpose();
    near += expected;
  }
  EXPECT_GT(near, 0);  // The check saw both answers.
}

}  // namespace
}  // namespace hyperlab::searcher
