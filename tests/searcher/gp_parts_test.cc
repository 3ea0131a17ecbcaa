// The small parts of the Gaussian-process strategy: Halton points, bounded BFGS, LogEI, output warping,
// parameter encoding and the state codec.
#include <cmath>
#include <limits>
#include <set>

#include "gtest/gtest.h"
#include "searcher/acquisition.h"
#include "searcher/bounded_bfgs.h"
#include "searcher/gp_state.h"
#include "searcher/halton.h"
#include "searcher/output_warping.h"
#include "searcher/parameter_encoding.h"
#include "searcher/quantised_objective.h"

namespace hyperlab::searcher {
namespace {

TEST(HaltonTest, FillsTheCubeEvenlyAndDependsOnTheSeed) {
  Halton halton(3, 7);
  int counts[2][2][2] = {};
  for (uint64_t i = 0; i < 800; ++i) {
    const std::vector<double> u = halton.Point(i);
    for (double v : u) {
      ASSERT_GE(v, 0);
      ASSERT_LT(v, 1);
    }
    counts[u[0] < 0.5][u[1] < 0.5][u[2] < 0.5]++;
  }
  for (auto& a : counts) {
    for (auto& b : a) {
      for (int c : b) EXPECT_NEAR(c, 100, 6);  // Independent draws would give about +-10 (1 sd).
    }
  }
  EXPECT_NE(Halton(3, 7).Point(0), Halton(3, 8).Point(0));
  EXPECT_EQ(Halton(3, 7).Point(5), halton.Point(5));
}

TEST(BoundedBfgsTest, FindsTheConstrainedMinimumOfAQuadratic) {
  // f = (x0 - 2)^2 + 10 (x1 + 1)^2 + x0 x1, on [-3, 1] x [-0.5, 3]: x0 at its upper bound, x1 at its lower.
  const DifferentiableFunction f = [](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
    *g = Eigen::Vector2d(2 * (x(0) - 2) + x(1), 20 * (x(1) + 1) + x(0));
    return std::pow(x(0) - 2, 2) + 10 * std::pow(x(1) + 1, 2) + x(0) * x(1);
  };
  Eigen::VectorXd x = Eigen::Vector2d(-2, 2);
  MinimizeBounded(f, Eigen::Vector2d(-3, -0.5), Eigen::Vector2d(1, 3), {}, x);
  EXPECT_NEAR(x(0), 1, 1e-6);
  EXPECT_NEAR(x(1), -0.5, 1e-6);
  // Unconstrained Rosenbrock from the usual start.
  const DifferentiableFunction rosenbrock = [](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
    *g = Eigen::Vector2d(-2 * (1 - x(0)) - 400 * x(0) * (x(1) - x(0) * x(0)), 200 * (x(1) - x(0) * x(0)));
    return std::pow(1 - x(0), 2) + 100 * std::pow(x(1) - x(0) * x(0), 2);
  };
  x = Eigen::Vector2d(-1.2, 1);
  MinimizeBounded(
      rosenbrock, Eigen::Vector2d(-5, -5), Eigen::Vector2d(5, 5),
      {.max_iterations = 500, .max_evaluations = 2000, .gradient_tolerance = 1e-8, .value_tolerance = 0}, x);
  EXPECT_NEAR(x(0), 1, 1e-3);
  EXPECT_NEAR(x(1), 1, 1e-3);
}

TEST(AcquisitionTest, LogHMatchesTheDirectFormulaAndStaysFiniteFarAway) {
  for (double z : {-5.0, -2.0, -0.5, 0.0, 1.0, 3.0}) {
    const double direct =
        z * 0.5 * std::erfc(-z / std::sqrt(2.0)) + std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
    EXPECT_NEAR(LogH(z), std::log(direct), 1e-9) << z;
  }
  // Far below the incumbent plain EI underflows to 0; log EI keeps ordering and the asymptote
  // log h(z) ~ -z^2/2 - log(z^2) - log(sqrt(2 pi)).
  double previous = LogH(-10);
  for (double z : {-20.0, -24.9, -25.1, -40.0, -100.0}) {
    const double v = LogH(z);
    EXPECT_TRUE(std::isfinite(v));
    EXPECT_LT(v, previous);
    EXPECT_NEAR(v, -0.5 * z * z - std::log(z * z) - 0.5 * std::log(2 * M_PI), 5.0 / (z * z)) << z;
    previous = v;
  }
  // Continuous across the switch at 25.
  EXPECT_NEAR(LogH(-25 + 1e-9), LogH(-25 - 1e-9), 1e-6);
}

TEST(AcquisitionTest, LogMeanExpIsTheLogOfTheMeanEiAndDoesNotUnderflow) {
  const double inf = std::numeric_limits<double>::infinity();
  Eigen::VectorXd a(4), b(4), c(4);
  a << -1, 0.5, -2000, -inf;
  b << -3, 0.5, -2001, -inf;
  c << -2, 0.5, -inf, -inf;
  const Eigen::VectorXd out = LogMeanExp({a, b, c});
  EXPECT_NEAR(out(0), std::log((std::exp(-1) + std::exp(-3) + std::exp(-2)) / 3), 1e-12);
  EXPECT_DOUBLE_EQ(out(1), 0.5) << "the mean of equal values";
  // exp(-2000) is 0 in double; the result is the exact log, 1 below -2000 by log(3 / (1 + e^-1)).
  EXPECT_NEAR(out(2), -2000 + std::log((1 + std::exp(-1)) / 3), 1e-9);
  EXPECT_EQ(out(3), -inf) << "every model says no improvement";
  // One vector: itself.
  EXPECT_EQ(LogMeanExp({a}), a);
}

TEST(QuantisedObjectiveTest, TiedFractionCountsEveryValueThatTiesWithAnother) {
  EXPECT_EQ(TiedFraction({}), 0);
  EXPECT_EQ(TiedFraction({0.5}), 0);
  EXPECT_EQ(TiedFraction({0.1, 0.2, 0.3}), 0);
  EXPECT_EQ(TiedFraction({0.2, 0.1, 0.2, 0.3}), 0.5) << "both members of a pair, wherever they are";
  EXPECT_EQ(TiedFraction({3, 1, 3, 3, 2, 1}), 5.0 / 6) << "a triple and a pair";
  EXPECT_EQ(TiedFraction({0.1, std::nextafter(0.1, 1.0)}), 0) << "exact comparison";
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(TiedFraction({nan, nan, 1, 2}), 0) << "NaNs never tie and do not count";
  EXPECT_EQ(TiedFraction({nan, 1, 1}), 1.0);
}

TEST(AcquisitionTest, NoiseDiscountMatchesTheDirectFormulaAndFavoursWhatTheModelKnowsLeast) {
  const double noise = 0.25;
  Eigen::VectorXd variance(5);
  variance << 1e-12, 1e-4, 0.01, 0.25, 4;
  const Eigen::VectorXd discount = LogNoiseDiscount(variance, noise);
  for (Eigen::Index i = 0; i < variance.size(); ++i) {
    // The direct formula, in long double: it cancels for tiny variances, which 64 more bits of mantissa
    // absorb down to 1e-12.
    const long double v = variance(i), n = noise;
    const long double direct = 1.0L - std::sqrt(n) / std::sqrt(v + n);
    EXPECT_NEAR(discount(i), static_cast<double>(std::log(direct)), 1e-6) << variance(i);
    EXPECT_LT(discount(i), 0);
    if (i > 0) {
      EXPECT_GT(discount(i), discount(i - 1)) << "less known must be discounted less";
    }
  }
  EXPECT_TRUE(std::isfinite(LogNoiseDiscount(Eigen::VectorXd::Zero(1), noise)(0)));
  // Without noise there is no discount: augmented EI is EI.
  EXPECT_EQ(LogNoiseDiscount(variance, 0).norm(), 0);
}

TEST(OutputWarpingTest, KeepsOrderTamesOutliersAndImputesFailuresBelowTheWorst) {
  const std::vector<double> y = {0.3, 0.31, 0.35, 0.4, 0.5, 1e6};
  const std::vector<double> w = WarpObjectives(y, 2);
  ASSERT_EQ(w.size(), 8u);
  for (size_t i = 1; i < y.size(); ++i) EXPECT_LT(w[i - 1], w[i]);
  // The outlier is no longer far from the rest: within a few standard deviations.
  EXPECT_LT(w[5], 3.0);
  EXPECT_GT(w[6], w[5]);
  EXPECT_EQ(w[6], w[7]);
  // Standardised: the successes have mean 0.
  double mean = 0;
  for (int i = 0; i < 6; ++i) mean += w[i] / 6;
  EXPECT_NEAR(mean, 0, 1e-12);
  EXPECT_NEAR(InverseNormalCdf(0.975), 1.959963985, 1e-8);
  EXPECT_NEAR(InverseNormalCdf(0.01), -2.326347874, 1e-8);
}

TEST(ParameterEncodingTest, RoundTripsEveryKindAndSnapsToFeasibleValues) {
  SearchSpace s;
  s.parameters.push_back({.name = "x", .min = -5, .max = 10});
  s.parameters.push_back({.name = "lr", .scale = Scale::kLog, .min = 1e-4, .max = 1e-1});
  s.parameters.push_back(
      {.name = "units", .kind = ParameterKind::kInteger, .scale = Scale::kLog, .min = 1, .max = 1000});
  s.parameters.push_back({.name = "batch", .kind = ParameterKind::kDiscrete, .numbers = {128, 32, 64}});
  s.parameters.push_back(
      {.name = "opt", .kind = ParameterKind::kCategorical, .categories = {"sgd", "adam", "rms"}});
  const ParameterEncoding e(s);
  const Assignment a = {2.5, 1e-3, int64_t{37}, 64.0, std::string("rms")};
  const Eigen::VectorXd x = e.Encode(a);
  EXPECT_NEAR(x(0), 0.5, 1e-12);
  EXPECT_NEAR(x(1), 1.0 / 3, 1e-12);
  EXPECT_NEAR(x(3), 0.5, 1e-12);  // 64 is the middle of {32, 64, 128}.
  EXPECT_EQ(x(4), 2);
  const Assignment back = e.Decode(x);
  EXPECT_NEAR(std::get<double>(back[0]), 2.5, 1e-12);
  EXPECT_NEAR(std::get<double>(back[1]), 1e-3, 1e-15);
  EXPECT_EQ(std::get<int64_t>(back[2]), 37);
  EXPECT_EQ(std::get<double>(back[3]), 64.0);
  EXPECT_EQ(std::get<std::string>(back[4]), "rms");
  // Snapped integers are exactly the encodings of integers, so equal points compare equal.
  std::set<int64_t> seen;
  for (int i = 0; i <= 1000; ++i) {
    const double snapped = e.Snap(2, i / 1000.0);
    const int64_t v = std::get<int64_t>(
        e.Decode(Eigen::VectorXd::Map(std::vector<double>{0, 0, snapped, 0, 0}.data(), 5))[2]);
    EXPECT_EQ(e.Encode({0.0, 1e-4, v, 32.0, std::string("sgd")})(2), snapped);
    seen.insert(v);
  }
  EXPECT_TRUE(seen.count(1) && seen.count(1000) && seen.count(10));
  EXPECT_EQ(e.Encode({0.0, 1e-4, int64_t{1}, 32.0, std::string("unknown")})(4), -1);
}

TEST(GpStateTest, RoundTripsBitForBitAndRejectsForeignText) {
  GpState state{.fit_observations = 42, .theta = Eigen::Vector3d(-0.1, 1.0 / 3, -13.815510557964274)};
  const std::optional<GpState> back = DecodeGpState(EncodeGpState(state));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->fit_observations, 42);
  ASSERT_EQ(back->theta.size(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(back->theta(i), state.theta(i));
  EXPECT_FALSE(DecodeGpState("").has_value());
  EXPECT_FALSE(DecodeGpState("gp1 fit=x theta=").has_value());
  EXPECT_FALSE(DecodeGpState("gp1 fit=3 theta=zz").has_value());
  EXPECT_TRUE(DecodeGpState("gp1 fit=0 theta=").has_value());
}

}  // namespace
}  // namespace hyperlab::searcher
