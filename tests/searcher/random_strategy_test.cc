#include "searcher/random_strategy.h"

#include <cmath>
#include <map>
#include <set>

#include "gtest/gtest.h"

namespace hyperlab::searcher {
namespace {

SearchSpace MixedSpace() {
  SearchSpace s;
  s.parameters.push_back({.name = "x1", .kind = ParameterKind::kDouble, .min = -5, .max = 10});
  s.parameters.push_back(
      {.name = "lr", .kind = ParameterKind::kDouble, .scale = Scale::kLog, .min = 1e-4, .max = 1e-1});
  s.parameters.push_back({.name = "layers", .kind = ParameterKind::kInteger, .min = 1, .max = 4});
  s.parameters.push_back({.name = "batch", .kind = ParameterKind::kDiscrete, .numbers = {32, 64, 128}});
  s.parameters.push_back({.name = "opt", .kind = ParameterKind::kCategorical, .categories = {"sgd", "adam"}});
  return s;
}

TEST(RandomStrategyTest, SamplesStayInTheirDomains) {
  RandomStrategy random(MixedSpace(), 7);
  std::set<int64_t> layers;
  std::set<double> batches;
  std::set<std::string> opts;
  for (int i = 0; i < 2000; ++i) {
    const Assignment a = random.Sample(i);
    const double x1 = std::get<double>(a[0]), lr = std::get<double>(a[1]);
    EXPECT_GE(x1, -5);
    EXPECT_LE(x1, 10);
    EXPECT_GE(lr, 1e-4);
    EXPECT_LE(lr, 1e-1);
    layers.insert(std::get<int64_t>(a[2]));
    batches.insert(std::get<double>(a[3]));
    opts.insert(std::get<std::string>(a[4]));
  }
  EXPECT_EQ(layers, (std::set<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(batches, (std::set<double>{32, 64, 128}));
  EXPECT_EQ(opts, (std::set<std::string>{"adam", "sgd"}));
}

TEST(RandomStrategyTest, SuggestionDependsOnlyOnSeedAndTrialIndex) {
  RandomStrategy a(MixedSpace(), 7), b(MixedSpace(), 7), other(MixedSpace(), 8);
  std::string state;
  std::vector<TrialView> history(5);
  auto batch = a.Suggest(history, 3, state);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ((*batch)[0], b.Sample(5));
  EXPECT_EQ((*batch)[2], b.Sample(7));
  EXPECT_NE(a.Sample(5), other.Sample(5));
  EXPECT_NE(a.Sample(5), a.Sample(6));
}

TEST(RandomStrategyTest, LogUniformHasAboutEqualCountsPerDecade) {
  SearchSpace s;
  s.parameters.push_back(
      {.name = "lr", .kind = ParameterKind::kDouble, .scale = Scale::kLog, .min = 1e-5, .max = 1e-1});
  RandomStrategy random(s, 11);
  constexpr int kSamples = 40000;
  std::map<int, int> per_decade;
  for (int i = 0; i < kSamples; ++i) {
    per_decade[static_cast<int>(std::floor(std::log10(std::get<double>(random.Sample(i)[0]))))]++;
  }
  ASSERT_EQ(per_decade.size(), 4u);  // Decades -5, -4, -3, -2.
  for (const auto& [decade, count] : per_decade) {
    // Expected 10000 each; 5 standard deviations is about 430.
    EXPECT_NEAR(count, kSamples / 4, 430) << "decade 1e" << decade;
  }
}

TEST(RandomStrategyTest, LogIntegersWeighDecadesEqually) {
  SearchSpace s;
  s.parameters.push_back(
      {.name = "units", .kind = ParameterKind::kInteger, .scale = Scale::kLog, .min = 1, .max = 999});
  RandomStrategy random(s, 3);
  int below_10 = 0, below_100 = 0, total = 30000;
  for (int i = 0; i < total; ++i) {
    const int64_t v = std::get<int64_t>(random.Sample(i)[0]);
    ASSERT_GE(v, 1);
    ASSERT_LE(v, 999);
    below_10 += v < 10;
    below_100 += v < 100;
  }
  // Log-uniform on [0.5, 999.5]: P(v < 10) = log(9.5/0.5)/log(999.5/0.5) = 0.387.
  EXPECT_NEAR(below_10 / static_cast<double>(total), std::log(19.0) / std::log(1999.0), 0.015);
  EXPECT_NEAR(below_100 / static_cast<double>(total), std::log(199.0) / std::log(1999.0), 0.015);
}

TEST(RandomStrategyTest, UniformIntegersAreUniform) {
  SearchSpace s;
  s.parameters.push_back({.name = "k", .kind = ParameterKind::kInteger, .min = -2, .max = 2});
  RandomStrategy random(s, 5);
  std::map<int64_t, int> counts;
  for (int i = 0; i < 25000; ++i) counts[std::get<int64_t>(random.Sample(i)[0])]++;
  ASSERT_EQ(counts.size(), 5u);
  for (const auto& [value, count] : counts) EXPECT_NEAR(count, 5000, 320) << value;
}

// Issue 14 #5, same class as the grid: the draw computed hi - lo in signed arithmetic (undefined
// behaviour past INT64_MAX, reported by UBSan). Now unsigned: values stay in range and both halves occur.
TEST(RandomStrategyTest, IntegerRangeNearTheInt64LimitsStaysInRange) {
  SearchSpace space;
  space.parameters.push_back({.name = "units", .kind = ParameterKind::kInteger, .min = -9e18, .max = 9e18});
  RandomStrategy random(space, 3);
  int negative = 0;
  for (int i = 0; i < 200; ++i) {
    const int64_t v = std::get<int64_t>(random.Sample(i)[0]);
    EXPECT_GE(v, -9'000'000'000'000'000'000);
    EXPECT_LE(v, 9'000'000'000'000'000'000);
    negative += v < 0;
  }
  EXPECT_GT(negative, 50);
  EXPECT_LT(negative, 150);
}

}  // namespace
}  // namespace hyperlab::searcher
