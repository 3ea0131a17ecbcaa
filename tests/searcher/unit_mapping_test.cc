#include "searcher/unit_mapping.h"

#include <map>

#include "gtest/gtest.h"

namespace hyperlab::searcher {
namespace {

TEST(UnitMappingTest, EveryIntegerGetsAnEqualShare) {
  const Parameter p{.name = "layers", .kind = ParameterKind::kInteger, .min = 1, .max = 4};
  std::map<int64_t, int> counts;
  for (int i = 0; i < 1000; ++i) ++counts[std::get<int64_t>(ValueAtUnit(p, (i + 0.5) / 1000))];
  EXPECT_EQ(counts, (std::map<int64_t, int>{{1, 250}, {2, 250}, {3, 250}, {4, 250}}));
}

TEST(UnitMappingTest, LogIntegersGetEqualSharesPerDecade) {
  const Parameter p{
      .name = "n", .kind = ParameterKind::kInteger, .scale = Scale::kLog, .min = 1, .max = 1000};
  int below_10 = 0, below_100 = 0;
  for (int i = 0; i < 3000; ++i) {
    const int64_t v = std::get<int64_t>(ValueAtUnit(p, (i + 0.5) / 3000));
    below_10 += v < 10;
    below_100 += v < 100;
  }
  // ln(9.5 / 0.5) / ln(1000.5 / 0.5) = 0.387 of the interval rounds below 10; ln(99.5/0.5)/ln(2001) = 0.696.
  EXPECT_NEAR(below_10 / 3000.0, 0.387, 0.01);
  EXPECT_NEAR(below_100 / 3000.0, 0.696, 0.01);
}

TEST(UnitMappingTest, RoundTripsEveryKind) {
  const Parameter lr{.name = "lr", .scale = Scale::kLog, .min = 1e-4, .max = 1};
  EXPECT_DOUBLE_EQ(UnitOf(lr, 1e-2), 0.5);
  EXPECT_NEAR(std::get<double>(ValueAtUnit(lr, 0.5)), 1e-2, 1e-15);
  const Parameter x{.name = "x", .min = -5, .max = 10};
  EXPECT_DOUBLE_EQ(UnitOf(x, 2.5), 0.5);
  EXPECT_DOUBLE_EQ(UnitOf(x, 99.0), 1.0);  // Outside: the nearest end.
  for (const Parameter& p :
       {Parameter{.name = "i", .kind = ParameterKind::kInteger, .min = -3, .max = 7},
        Parameter{
            .name = "g", .kind = ParameterKind::kInteger, .scale = Scale::kLog, .min = 2, .max = 300}}) {
    for (int64_t v = static_cast<int64_t>(p.min); v <= static_cast<int64_t>(p.max); ++v) {
      EXPECT_EQ(std::get<int64_t>(ValueAtUnit(p, UnitOf(p, v))), v) << p.name << " " << v;
    }
  }
  const Parameter batch{.name = "batch", .kind = ParameterKind::kDiscrete, .numbers = {64, 16, 256}};
  for (double v : batch.numbers) EXPECT_EQ(std::get<double>(ValueAtUnit(batch, UnitOf(batch, v))), v);
  EXPECT_DOUBLE_EQ(UnitOf(batch, 16.0), 0.5);  // Listed order: 64, 16, 256.
  const Parameter opt{.name = "opt", .kind = ParameterKind::kCategorical, .categories = {"sgd", "adam"}};
  EXPECT_DOUBLE_EQ(UnitOf(opt, std::string("adam")), 0.75);
  EXPECT_EQ(std::get<std::string>(ValueAtUnit(opt, 0.75)), "adam");
  EXPECT_DOUBLE_EQ(UnitOf(opt, std::string("lamb")), 0.5);  // Unknown category.
  EXPECT_DOUBLE_EQ(UnitOf(x, std::string("text")), 0.5);    // Wrong type.
}

}  // namespace
}  // namespace hyperlab::searcher
