// The exact one-sided Mann-Whitney test of the search benchmark's report (tools/bench/search/mann_whitney.h):
// against SciPy's exact values without ties, and against a brute-force count of the U statistic over every
// relabelling of the pooled sample with ties (pairs counted directly, not through ranks).
#include "tools/bench/search/mann_whitney.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gtest/gtest.h"

namespace hyperlab::bench {
namespace {

// U of `a` against `b`: pairs where a's value is larger, ties counting one half.
double U(const std::vector<double>& a, const std::vector<double>& b) {
  double u = 0;
  for (double x : a) {
    for (double y : b) u += x > y ? 1 : (x == y ? 0.5 : 0);
  }
  return u;
}

// P(U >= observed) over every way of choosing which |a| of the pooled values are a's.
double BruteForceP(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> pooled = a;
  pooled.insert(pooled.end(), b.begin(), b.end());
  const int n = static_cast<int>(pooled.size()), m = static_cast<int>(a.size());
  const double observed = U(a, b);
  int total = 0, at_least = 0;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    if (__builtin_popcount(mask) != m) continue;
    std::vector<double> x, y;
    for (int i = 0; i < n; ++i) (mask >> i & 1 ? x : y).push_back(pooled[i]);
    ++total;
    at_least += U(x, y) >= observed - 1e-9;
  }
  return static_cast<double>(at_least) / total;
}

TEST(MannWhitneyTest, MatchesScipysExactValuesWithoutTies) {
  // scipy.stats.mannwhitneyu(a, b, alternative="greater", method="exact").pvalue, SciPy 1.10.
  EXPECT_NEAR(*MannWhitneyGreaterP({3, 5, 7, 9, 11}, {1, 2, 4, 6, 8, 10}), 0.21428571428571427, 1e-12);
  EXPECT_NEAR(*MannWhitneyGreaterP({0.1, 0.5, 0.9, 1.3}, {0.2, 0.3, 0.4}), 0.2, 1e-12);
}

TEST(MannWhitneyTest, MatchesABruteForceCountUnderTies) {
  const std::vector<std::vector<double>> samples = {
      {0.0089, 0.0089, 0.0078, 0.0089, 0.0084, 0.0072},
      {0.0089, 0.0078, 0.0078, 0.0078, 0.0078, 0.0089, 0.0089},
      {1, 1, 1, 2},
      {2, 2, 3, std::numeric_limits<double>::infinity()},
      {5, 5, 5, 5, 5},
  };
  for (size_t i = 0; i < samples.size(); ++i) {
    for (size_t j = 0; j < samples.size(); ++j) {
      if (i == j || samples[i].size() + samples[j].size() > 16) continue;
      EXPECT_NEAR(*MannWhitneyGreaterP(samples[i], samples[j]), BruteForceP(samples[i], samples[j]), 1e-12)
          << i << " against " << j;
    }
  }
}

TEST(MannWhitneyTest, SeparatedSamplesGiveOneOverTheNumberOfSplitsAndEqualOnesGiveOne) {
  std::vector<double> high, low;
  for (int i = 0; i < 10; ++i) {
    high.push_back(100 + i);
    low.push_back(i);
  }
  EXPECT_NEAR(*MannWhitneyGreaterP(high, low), 1.0 / 184756, 1e-15);  // 184,756 = C(20, 10).
  EXPECT_NEAR(*MannWhitneyGreaterP(low, high), 1.0, 1e-12);
  EXPECT_NEAR(*MannWhitneyGreaterP({3, 3, 3}, {3, 3}), 1.0, 1e-12);
  // A run that found nothing ranks above every finite value.
  EXPECT_NEAR(*MannWhitneyGreaterP({std::numeric_limits<double>::infinity()}, {1e300, 1, 2}), 0.25, 1e-12);
}

TEST(MannWhitneyTest, ThirtySeedsAgainstThirtyAreExactAndSymmetric) {
  std::vector<double> a, b;
  for (int i = 0; i < 30; ++i) {
    a.push_back(i % 7);
    b.push_back((i * 3) % 5);
  }
  const double greater = *MannWhitneyGreaterP(a, b), less = *MannWhitneyGreaterP(b, a);
  // P(U_a >= u) + P(U_b >= m n - u) = 1 + P(U_a = u): both tails overlap in the observed value only.
  EXPECT_GT(greater + less, 1.0);
  EXPECT_LT(greater + less, 1.2);
}

TEST(MannWhitneyTest, AgainstAPeerWithOneValueItIsTheSignTest) {
  // 7 of 10 above the value, 3 below: P(Binomial(10, 1/2) >= 7) = 176 / 1024.
  const std::vector<double> ours = {0, 0, 0, 60, 61, 62, 63, 64, 65, 66};
  EXPECT_NEAR(*SignTestGreaterP(ours, 58.8), 176.0 / 1024, 1e-15);
  EXPECT_NEAR(*GreaterP(ours, std::vector<double>(10, 58.8)), 176.0 / 1024, 1e-15);
  // Mann-Whitney would take the ten equal values for ten draws without spread: a smaller p (0.056).
  EXPECT_LT(*MannWhitneyGreaterP(ours, std::vector<double>(10, 58.8)), 0.5 * 176.0 / 1024);
  // Values equal to the peer's are dropped; none left: 1.
  EXPECT_NEAR(*SignTestGreaterP({5, 5, 6}, 5), 0.5, 1e-15);
  EXPECT_NEAR(*SignTestGreaterP({5, 5}, 5), 1.0, 1e-15);
  EXPECT_NEAR(*SignTestGreaterP({1, 2, 3}, 4), 1.0, 1e-15);
  EXPECT_NEAR(*SignTestGreaterP({5, 6, 7}, 4), 0.125, 1e-15);
  // A peer with spread: Mann-Whitney.
  EXPECT_EQ(*GreaterP(ours, {58, 59}), *MannWhitneyGreaterP(ours, {58, 59}));
  EXPECT_FALSE(SignTestGreaterP({}, 1).has_value());
  EXPECT_FALSE(SignTestGreaterP({1, std::nan("")}, 1).has_value());
}

TEST(MannWhitneyTest, RefusesWhatItCannotTest) {
  EXPECT_FALSE(MannWhitneyGreaterP({}, {1, 2}).has_value());
  EXPECT_FALSE(MannWhitneyGreaterP({1}, {}).has_value());
  EXPECT_FALSE(MannWhitneyGreaterP({1, std::nan("")}, {1, 2}).has_value());
  EXPECT_FALSE(MannWhitneyGreaterP(std::vector<double>(60, 1.0), std::vector<double>(41, 2.0)).has_value());
  EXPECT_TRUE(MannWhitneyGreaterP(std::vector<double>(60, 1.0), std::vector<double>(40, 2.0)).has_value());
}

}  // namespace
}  // namespace hyperlab::bench
