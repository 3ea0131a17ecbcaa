#include "searcher/quasi_random_strategy.h"

#include <set>

#include "gtest/gtest.h"
#include "searcher/random_strategy.h"

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

TEST(QuasiRandomStrategyTest, ContinuesTheSequenceFromTheHistoryLength) {
  const QuasiRandomStrategy qr(MixedSpace(), 11);
  std::string state;
  std::vector<TrialView> history;
  for (int i = 0; i < 5; ++i) history.push_back({.index = i, .assignment = qr.Point(i)});
  const std::vector<Assignment> next = *qr.Suggest(history, 3, state);
  ASSERT_EQ(next.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(next[i], qr.Point(5 + i));
  EXPECT_EQ(state, "");
  // Another object with the same seed: the same points (a restarted coordinator); another seed: others.
  EXPECT_EQ(QuasiRandomStrategy(MixedSpace(), 11).Point(7), qr.Point(7));
  EXPECT_NE(QuasiRandomStrategy(MixedSpace(), 12).Point(7), qr.Point(7));
}

TEST(QuasiRandomStrategyTest, CoversTheSpaceMoreEvenlyThanRandomDraws) {
  // 64 points in 2-D, 8 x 8 cells: a low-discrepancy sequence leaves fewer empty cells than independent
  // draws (for which about 64 * (63/64)^64 = 23.4 cells stay empty, sd about 2.5; the scrambled and shifted
  // Halton points of these seeds leave 13 to 17).
  SearchSpace s;
  s.parameters.push_back({.name = "a", .min = 0, .max = 1});
  s.parameters.push_back({.name = "b", .min = 0, .max = 1});
  for (uint64_t seed : {1, 2, 3}) {
    const QuasiRandomStrategy qr(s, seed);
    const RandomStrategy random(s, seed);
    std::set<int> qr_cells, random_cells;
    for (int i = 0; i < 64; ++i) {
      const Assignment q = qr.Point(i), r = random.Sample(i);
      qr_cells.insert(static_cast<int>(std::get<double>(q[0]) * 8) * 8 +
                      static_cast<int>(std::get<double>(q[1]) * 8));
      random_cells.insert(static_cast<int>(std::get<double>(r[0]) * 8) * 8 +
                          static_cast<int>(std::get<double>(r[1]) * 8));
    }
    EXPECT_GE(qr_cells.size(), 46u) << "seed " << seed;
    EXPECT_LT(random_cells.size(), qr_cells.size()) << "seed " << seed;
  }
}

TEST(QuasiRandomStrategyTest, ValuesStayInTheirDomainsAndUseEveryChoice) {
  const QuasiRandomStrategy qr(MixedSpace(), 5);
  std::set<int64_t> layers;
  std::set<double> batches;
  std::set<std::string> opts;
  for (int i = 0; i < 200; ++i) {
    const Assignment a = qr.Point(i);
    EXPECT_GE(std::get<double>(a[0]), -5);
    EXPECT_LE(std::get<double>(a[0]), 10);
    EXPECT_GE(std::get<double>(a[1]), 1e-4);
    EXPECT_LE(std::get<double>(a[1]), 1e-1);
    layers.insert(std::get<int64_t>(a[2]));
    batches.insert(std::get<double>(a[3]));
    opts.insert(std::get<std::string>(a[4]));
  }
  EXPECT_EQ(layers, (std::set<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(batches, (std::set<double>{32, 64, 128}));
  EXPECT_EQ(opts, (std::set<std::string>{"sgd", "adam"}));
}

TEST(QuasiRandomStrategyTest, MadeByName) {
  auto s = MakeStrategy(MixedSpace(), {.kind = AlgorithmConfig::Kind::kQuasiRandom, .seed = 11});
  ASSERT_TRUE(s.ok()) << s.status();
  std::string state;
  EXPECT_EQ((*s)->Suggest({}, 1, state)->front(), QuasiRandomStrategy(MixedSpace(), 11).Point(0));
}

}  // namespace
}  // namespace hyperlab::searcher
