// Conditional parameters in the searcher (active_parameters.h): which parameters exist, the grid over a
// tree (each configuration once, compared with a brute-force enumeration), strategies that never leave a
// value in a parameter that does not exist, and the contract checks of MakeStrategy.
#include "searcher/active_parameters.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "searcher/grid_strategy.h"
#include "searcher/strategy.h"

namespace hyperlab::searcher {
namespace {

Parameter Categorical(std::string name, std::vector<std::string> values, int parent = -1,
                      std::vector<Value> when = {}) {
  Parameter p;
  p.name = std::move(name);
  p.kind = ParameterKind::kCategorical;
  p.categories = std::move(values);
  p.parent = parent;
  p.active_when = std::move(when);
  return p;
}

Parameter Integer(std::string name, int64_t min, int64_t max, int parent = -1, std::vector<Value> when = {}) {
  Parameter p;
  p.name = std::move(name);
  p.kind = ParameterKind::kInteger;
  p.min = static_cast<double>(min);
  p.max = static_cast<double>(max);
  p.parent = parent;
  p.active_when = std::move(when);
  return p;
}

Parameter Double(std::string name, double min, double max, int parent = -1, std::vector<Value> when = {}) {
  Parameter p;
  p.name = std::move(name);
  p.kind = ParameterKind::kDouble;
  p.min = min;
  p.max = max;
  p.parent = parent;
  p.active_when = std::move(when);
  return p;
}

// optimizer: sgd -> momentum; adam -> (beta1, amsgrad: yes -> eps); rmsprop: nothing. blocks 0..2: 1, 2 ->
// filters (one parameter under both values).
SearchSpace Tree() {
  SearchSpace space;
  space.parameters = {
      Categorical("optimizer", {"sgd", "adam", "rmsprop"}),             // 0
      Double("momentum", 0, 0.9, 0, {std::string("sgd")}),              // 1
      Double("beta1", 0.8, 0.99, 0, {std::string("adam")}),             // 2
      Categorical("amsgrad", {"no", "yes"}, 0, {std::string("adam")}),  // 3
      Double("eps", 1e-8, 1e-6, 3, {std::string("yes")}),               // 4
      Integer("blocks", 0, 2),                                          // 5
      Integer("filters", 8, 10, 5, {int64_t{1}, int64_t{2}}),           // 6
  };
  return space;
}

TEST(ActiveParametersTest, AParameterExistsWhenItsParentExistsWithOneOfItsValues) {
  const SearchSpace space = Tree();
  Assignment a = {std::string("adam"), 0.5, 0.9, std::string("yes"), 1e-7, int64_t{0}, int64_t{9}};
  EXPECT_EQ(ActiveMask(space, a), (std::vector<bool>{true, false, true, true, true, true, false}));
  a[0] = std::string("sgd");  // amsgrad does not exist, so neither does eps, whatever amsgrad holds.
  a[5] = int64_t{2};
  EXPECT_EQ(ActiveMask(space, a), (std::vector<bool>{true, true, false, false, false, true, true}));
  Canonicalise(space, a);
  EXPECT_EQ(a, (Assignment{std::string("sgd"), 0.5, 0.8, std::string("no"), 1e-8, int64_t{2}, int64_t{9}}));
}

// Every configuration of the tree, by brute force: the Cartesian product of all axes, canonicalised,
// deduplicated.
std::set<Assignment> BruteForce(const SearchSpace& space, const GridStrategy& grid) {
  std::set<Assignment> out;
  std::vector<size_t> digit(space.parameters.size(), 0);
  while (true) {
    Assignment a;
    for (size_t i = 0; i < digit.size(); ++i) a.push_back(grid.Axis(i)[digit[i]]);
    Canonicalise(space, a);
    out.insert(a);
    size_t i = 0;
    for (; i < digit.size(); ++i) {
      if (++digit[i] < grid.Axis(i).size()) break;
      digit[i] = 0;
    }
    if (i == digit.size()) break;
  }
  return out;
}

TEST(ActiveParametersTest, AGridOverATreeHasEachConfigurationExactlyOnce) {
  const SearchSpace space = Tree();
  const GridStrategy grid(space, 3);
  // optimizer: sgd (momentum 3) + adam (beta1 3 x (no 1 + yes (eps 3))) + rmsprop 1 = 3 + 12 + 1 = 16;
  // blocks: 0 (1) + 1 (filters 3) + 2 (filters 3) = 7.
  ASSERT_EQ(grid.Capacity(), 16 * 7);
  std::string state;
  const std::vector<Assignment> points = grid.Suggest({}, 1000, state).value();
  ASSERT_EQ(points.size(), 112u);
  const std::set<Assignment> distinct(points.begin(), points.end());
  EXPECT_EQ(distinct.size(), points.size());
  for (const Assignment& a : points) {
    Assignment canonical = a;
    Canonicalise(space, canonical);
    EXPECT_EQ(canonical, a) << "a grid point holds a value in a parameter that does not exist";
  }
  EXPECT_EQ(distinct, BruteForce(space, grid));
}

TEST(ActiveParametersTest, AGridWithoutConditionsKeepsItsOrder) {
  SearchSpace space;
  space.parameters = {Integer("a", 0, 1), Categorical("b", {"x", "y", "z"})};
  const GridStrategy grid(space, 5);
  std::string state;
  const std::vector<Assignment> points = grid.Suggest({}, 10, state).value();
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points[1], (Assignment{int64_t{0}, std::string("y")}));
  EXPECT_EQ(points[3], (Assignment{int64_t{1}, std::string("x")}));
}

class ConditionalStrategyTest : public ::testing::TestWithParam<AlgorithmConfig::Kind> {};

TEST_P(ConditionalStrategyTest, SuggestionsHoldNoValueInAParameterThatDoesNotExist) {
  const SearchSpace space = Tree();
  AlgorithmConfig config;
  config.kind = GetParam();
  config.seed = 11;
  config.initial_trials = 6;
  auto strategy = MakeStrategy(space, config);
  ASSERT_TRUE(strategy.ok()) << strategy.status();
  std::vector<TrialView> history;
  std::string state;
  std::map<std::string, int> optimizers;
  for (int round = 0; round < 8; ++round) {
    const std::vector<Assignment> next = (*strategy)->Suggest(history, 3, state).value();
    ASSERT_EQ(next.size(), 3u);
    for (const Assignment& a : next) {
      Assignment canonical = a;
      Canonicalise(space, canonical);
      EXPECT_EQ(canonical, a);
      ++optimizers[std::get<std::string>(a[0])];
      TrialView view;
      view.index = static_cast<int64_t>(history.size());
      view.assignment = a;
      view.outcome = TrialView::Outcome::kSucceeded;
      // Best: adam with amsgrad and a small eps, 1 block.
      double y = std::get<std::string>(a[0]) == "adam" ? 0 : 1;
      if (std::get<std::string>(a[3]) == "yes") y += std::get<double>(a[4]) * 1e6;
      y += std::abs(std::get<int64_t>(a[5]) - 1);
      view.objective = y;
      history.push_back(view);
    }
  }
  EXPECT_EQ(optimizers.size(), 3u) << "every branch is explored";
}

INSTANTIATE_TEST_SUITE_P(Kinds, ConditionalStrategyTest,
                         ::testing::Values(AlgorithmConfig::Kind::kRandom, AlgorithmConfig::Kind::kBayesian,
                                           AlgorithmConfig::Kind::kQuasiRandom,
                                           AlgorithmConfig::Kind::kCmaEs));

TEST(ActiveParametersTest, MakeStrategyRefusesABrokenTree) {
  AlgorithmConfig config;
  SearchSpace space = Tree();
  space.parameters[1].parent = 4;  // A parent after its child.
  EXPECT_EQ(MakeStrategy(space, config).status().message(),
            "parameters[1] (name 'momentum'): parent 4 does not come before it");
  space = Tree();
  space.parameters[4].parent = 2;  // A double parent.
  EXPECT_EQ(MakeStrategy(space, config).status().message(),
            "parameters[4] (name 'eps'): a double parameter cannot be a parent");
  space = Tree();
  space.parameters[6].active_when = {1.0};  // A double for an integer parent.
  EXPECT_EQ(MakeStrategy(space, config).status().message(),
            "parameters[6] (name 'filters'): an active_when value is not of its parent's kind");
  space = Tree();
  space.parameters[6].active_when.clear();
  EXPECT_EQ(MakeStrategy(space, config).status().message(),
            "parameters[6] (name 'filters'): a conditional parameter needs at least one active_when value");
}

}  // namespace
}  // namespace hyperlab::searcher
