// MakeStrategy checks the search_space.h contract for any caller, so no strategy computes with
// non-finite bounds, a log of a non-positive number, or integer bounds beyond exact doubles (issue 14 #5).
#include "searcher/strategy.h"

#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperlab::searcher {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

SearchSpace SpaceWith(Parameter p) {
  SearchSpace space;
  space.parameters.push_back({.name = "x", .kind = ParameterKind::kDouble, .min = 0, .max = 1});
  space.parameters.push_back(std::move(p));
  return space;
}

struct BadParameterCase {
  std::string test_name;
  Parameter parameter;
  std::string expected;  // A part of the message after "parameters[1] (name '...'): ".
};

class MakeStrategyBadSpaceTest : public ::testing::TestWithParam<BadParameterCase> {};

TEST_P(MakeStrategyBadSpaceTest, EveryKindRefusesItNamingTheParameter) {
  for (AlgorithmConfig::Kind kind :
       {AlgorithmConfig::Kind::kRandom, AlgorithmConfig::Kind::kGrid, AlgorithmConfig::Kind::kBayesian}) {
    auto strategy = MakeStrategy(SpaceWith(GetParam().parameter), {.kind = kind});
    ASSERT_EQ(strategy.status().code(), absl::StatusCode::kInvalidArgument) << static_cast<int>(kind);
    EXPECT_THAT(std::string(strategy.status().message()),
                StartsWith("parameters[1] (name '" + GetParam().parameter.name + "'): "));
    EXPECT_THAT(std::string(strategy.status().message()), HasSubstr(GetParam().expected));
  }
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

INSTANTIATE_TEST_SUITE_P(
    Contract, MakeStrategyBadSpaceTest,
    ::testing::Values(
        BadParameterCase{"IntegerBeyondExactDoubles",
                         {.name = "units", .kind = ParameterKind::kInteger, .min = -9e18, .max = 9e18},
                         "integer bounds must be whole numbers within +-9007199254740992"},
        BadParameterCase{"IntegerNotWhole",
                         {.name = "units", .kind = ParameterKind::kInteger, .min = 0.5, .max = 3},
                         "whole numbers"},
        BadParameterCase{
            "LogScaleMinZero",
            {.name = "lr", .kind = ParameterKind::kDouble, .scale = Scale::kLog, .min = 0, .max = 1},
            "log scale needs min > 0"},
        BadParameterCase{
            "LogScaleIntegerMinNegative",
            {.name = "k", .kind = ParameterKind::kInteger, .scale = Scale::kLog, .min = -4, .max = 4},
            "log scale needs min > 0"},
        BadParameterCase{"NaNBound",
                         {.name = "y", .kind = ParameterKind::kDouble, .min = kNaN, .max = 1},
                         "bounds must be finite"},
        BadParameterCase{"InfiniteBound",
                         {.name = "y", .kind = ParameterKind::kDouble, .min = 0, .max = kInf},
                         "bounds must be finite"},
        BadParameterCase{"CrossedBounds",
                         {.name = "y", .kind = ParameterKind::kDouble, .min = 2, .max = 1},
                         "min 2 > max 1"},
        BadParameterCase{"NonFiniteDiscreteValue",
                         {.name = "batch", .kind = ParameterKind::kDiscrete, .numbers = {1, kInf}},
                         "values must be finite"},
        BadParameterCase{"EmptyDiscrete", {.name = "batch", .kind = ParameterKind::kDiscrete}, "no values"},
        BadParameterCase{
            "EmptyCategorical", {.name = "opt", .kind = ParameterKind::kCategorical}, "no values"}),
    [](const ::testing::TestParamInfo<BadParameterCase>& info) { return info.param.test_name; });

TEST(MakeStrategyTest, WidestExactIntegerRangeWorksForEveryKind) {
  const double limit = static_cast<double>(kMaxExactInteger);
  const SearchSpace space =
      SpaceWith({.name = "units", .kind = ParameterKind::kInteger, .min = -limit, .max = limit});
  for (AlgorithmConfig::Kind kind :
       {AlgorithmConfig::Kind::kRandom, AlgorithmConfig::Kind::kGrid, AlgorithmConfig::Kind::kBayesian}) {
    auto strategy = MakeStrategy(space, {.kind = kind});
    ASSERT_TRUE(strategy.ok()) << strategy.status();
    std::string state;
    auto points = (*strategy)->Suggest({}, 3, state);
    ASSERT_TRUE(points.ok()) << points.status();
    ASSERT_EQ(points->size(), 3u);
    for (const Assignment& a : *points) {
      const int64_t v = std::get<int64_t>(a[1]);
      EXPECT_LE(v, kMaxExactInteger);
      EXPECT_GE(v, -kMaxExactInteger);
    }
  }
}

}  // namespace
}  // namespace hyperlab::searcher
