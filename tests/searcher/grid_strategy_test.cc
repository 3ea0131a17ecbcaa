#include "searcher/grid_strategy.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperlab::searcher {
namespace {

using ::testing::ElementsAre;

Parameter Double(std::string name, double min, double max, Scale scale = Scale::kLinear) {
  Parameter p;
  p.name = std::move(name);
  p.kind = ParameterKind::kDouble;
  p.min = min;
  p.max = max;
  p.scale = scale;
  return p;
}

std::vector<double> Doubles(const std::vector<Value>& axis) {
  std::vector<double> out;
  for (const Value& v : axis) out.push_back(std::get<double>(v));
  return out;
}

TEST(GridStrategyTest, LinearAxisIncludesBothEnds) {
  GridStrategy grid({{Double("x", -5, 10)}}, 4);
  EXPECT_THAT(Doubles(grid.Axis(0)), ElementsAre(-5, 0, 5, 10));
}

TEST(GridStrategyTest, LogAxisIsGeometric) {
  GridStrategy grid({{Double("lr", 1e-4, 1e-1, Scale::kLog)}}, 4);
  const std::vector<double> axis = Doubles(grid.Axis(0));
  ASSERT_EQ(axis.size(), 4u);
  EXPECT_DOUBLE_EQ(axis[0], 1e-4);
  EXPECT_NEAR(axis[1], 1e-3, 1e-15);
  EXPECT_NEAR(axis[2], 1e-2, 1e-14);
  EXPECT_DOUBLE_EQ(axis[3], 1e-1);
}

TEST(GridStrategyTest, SmallIntegerRangeTakesAllValues) {
  Parameter p{.name = "layers", .kind = ParameterKind::kInteger, .min = 1, .max = 4};
  GridStrategy grid({{p}}, 5);
  ASSERT_EQ(grid.Capacity(), 4);
  EXPECT_EQ(std::get<int64_t>(grid.Point(3)[0]), 4);
}

TEST(GridStrategyTest, LogIntegerRangeIsRoundedAndDeduplicated) {
  Parameter p{.name = "units", .kind = ParameterKind::kInteger, .scale = Scale::kLog, .min = 1, .max = 1000};
  GridStrategy grid({{p}}, 4);
  std::vector<int64_t> axis;
  for (const Value& v : grid.Axis(0)) axis.push_back(std::get<int64_t>(v));
  EXPECT_THAT(axis, ElementsAre(1, 10, 100, 1000));
  Parameter narrow{.name = "k", .kind = ParameterKind::kInteger, .scale = Scale::kLog, .min = 1, .max = 7};
  GridStrategy coarse({{narrow}}, 6);  // 1, 1.48, 2.18, 3.21, 4.75, 7 -> 1, 2, 3, 5, 7 after dedup.
  std::vector<int64_t> narrow_axis;
  for (const Value& v : coarse.Axis(0)) narrow_axis.push_back(std::get<int64_t>(v));
  EXPECT_THAT(narrow_axis, ElementsAre(1, 2, 3, 5, 7));
}

TEST(GridStrategyTest, LastParameterVariesFastestAndOrderIsDeterministic) {
  Parameter opt{.name = "opt", .kind = ParameterKind::kCategorical, .categories = {"sgd", "adam"}};
  Parameter batch{.name = "batch", .kind = ParameterKind::kDiscrete, .numbers = {32, 64, 128}};
  GridStrategy grid({{opt, batch}}, 5);
  ASSERT_EQ(grid.Capacity(), 6);
  std::string state;
  auto points = grid.Suggest({}, 10, state);
  ASSERT_TRUE(points.ok());
  ASSERT_EQ(points->size(), 6u);  // Exhausted after the grid's size.
  EXPECT_EQ(std::get<std::string>((*points)[0][0]), "sgd");
  EXPECT_EQ(std::get<double>((*points)[0][1]), 32);
  EXPECT_EQ(std::get<double>((*points)[1][1]), 64);
  EXPECT_EQ(std::get<std::string>((*points)[3][0]), "adam");
  EXPECT_EQ(std::get<double>((*points)[3][1]), 32);
}

TEST(GridStrategyTest, ResumeContinuesWithPointsNotYetSuggested) {
  GridStrategy grid({{Double("x1", 0, 1), Double("x2", 0, 1)}}, 3);
  std::string state;
  std::vector<TrialView> history(4);
  auto next = grid.Suggest(history, 2, state);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[0], grid.Point(4));
  EXPECT_EQ((*next)[1], grid.Point(5));
  history.resize(9);
  auto none = grid.Suggest(history, 2, state);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(GridStrategyTest, EqualBoundsGiveOnePoint) {
  GridStrategy grid({{Double("x", 2, 2)}}, 5);
  EXPECT_EQ(grid.Capacity(), 1);
}

// Issue 14 #5: hi - lo + 1 overflowed int64 for a range this wide, and the axis then enumerated the range
// (gigabytes). The count is now taken in unsigned arithmetic: the axis has points_per_double values.
TEST(GridStrategyTest, IntegerRangeNearTheInt64LimitsHasPointsPerDoubleValues) {
  Parameter p{.name = "units", .kind = ParameterKind::kInteger, .min = -9e18, .max = 9e18};
  GridStrategy grid({{p}}, 5);
  ASSERT_EQ(grid.Capacity(), 5);
  std::vector<int64_t> axis;
  for (const Value& v : grid.Axis(0)) axis.push_back(std::get<int64_t>(v));
  EXPECT_THAT(axis, ElementsAre(-9'000'000'000'000'000'000, -4'500'000'000'000'000'000, 0,
                                4'500'000'000'000'000'000, 9'000'000'000'000'000'000));
}

TEST(GridStrategyTest, AnEmptyValueListGivesAnEmptyGridNotADivisionByZero) {
  Parameter p{.name = "opt", .kind = ParameterKind::kCategorical};
  GridStrategy grid({{Double("x", 0, 1), p}}, 5);
  EXPECT_EQ(grid.Capacity(), 0);
  std::string state;
  auto none = grid.Suggest({}, 3, state);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace hyperlab::searcher
