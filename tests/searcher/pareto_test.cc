// Pareto front and hypervolume (searcher/pareto.h) against brute force on random point sets: small integer
// coordinates so that ties and duplicates are common, goals mixing minimise and maximise, 1 to 4 objectives,
// random feasibility.
#include "searcher/pareto.h"

#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace hyperlab::searcher {
namespace {

// i is on the front when it is eligible and no eligible j is no worse everywhere and better somewhere.
std::vector<int> BruteFront(const std::vector<ObjectiveVector>& points, const std::vector<Goal>& goals,
                            const std::vector<bool>& feasible) {
  auto better_or_equal = [&](int j, int i, size_t k) {
    return goals[k] == Goal::kMinimize ? points[j][k] <= points[i][k] : points[j][k] >= points[i][k];
  };
  std::vector<int> front;
  for (size_t i = 0; i < points.size(); ++i) {
    if (!feasible[i]) continue;
    bool dominated = false;
    for (size_t j = 0; j < points.size() && !dominated; ++j) {
      if (!feasible[j]) continue;
      bool all = true, strict = false;
      for (size_t k = 0; k < goals.size(); ++k) {
        all = all && better_or_equal(static_cast<int>(j), static_cast<int>(i), k);
        strict = strict || points[j][k] != points[i][k];
      }
      dominated = all && strict;
    }
    if (!dominated) front.push_back(static_cast<int>(i));
  }
  return front;
}

// Unit cells of the box between the points' grid and the reference that some point dominates.
double BruteVolume(const std::vector<ObjectiveVector>& points, const std::vector<Goal>& goals,
                   const ObjectiveVector& ref, int lo, int hi) {
  const size_t d = goals.size();
  std::vector<int> cell(d, lo);
  double volume = 0;
  while (true) {
    for (const ObjectiveVector& p : points) {
      bool covers = true;
      for (size_t k = 0; k < d; ++k) {
        // The cell [c, c+1] (minimise) or [c-1, c] mirrored (maximise) lies between p and the reference.
        covers = covers && (goals[k] == Goal::kMinimize ? p[k] <= cell[k] && cell[k] + 1 <= ref[k]
                                                        : p[k] >= cell[k] + 1 && cell[k] >= ref[k]);
      }
      if (covers) {
        volume += 1;
        break;
      }
    }
    size_t k = 0;
    while (k < d && ++cell[k] > hi) cell[k++] = lo;
    if (k == d) break;
  }
  return volume;
}

TEST(ParetoTest, NonDominatedMatchesBruteForceOnRandomSets) {
  std::mt19937_64 rng(19);
  for (int round = 0; round < 2000; ++round) {
    const int d = 1 + static_cast<int>(rng() % 4);
    const int n = static_cast<int>(rng() % 40);
    std::vector<Goal> goals;
    for (int k = 0; k < d; ++k) goals.push_back(rng() % 2 ? Goal::kMaximize : Goal::kMinimize);
    std::vector<ObjectiveVector> points(n, ObjectiveVector(d));
    std::vector<bool> feasible(n);
    for (int i = 0; i < n; ++i) {
      for (int k = 0; k < d; ++k) points[i][k] = static_cast<double>(rng() % 5);
      feasible[i] = rng() % 4 != 0;
    }
    if (n > 1 && rng() % 2) points[n - 1] = points[0];  // An exact duplicate.
    EXPECT_EQ(NonDominated(points, goals, feasible), BruteFront(points, goals, feasible))
        << "round " << round << " d " << d << " n " << n;
    EXPECT_EQ(NonDominated(points, goals), BruteFront(points, goals, std::vector<bool>(n, true)));
  }
}

TEST(ParetoTest, DominatesIsStrictAndRespectsGoals) {
  const std::vector<Goal> goals = {Goal::kMaximize, Goal::kMinimize};
  EXPECT_TRUE(Dominates({2, 1}, {1, 1}, goals));
  EXPECT_TRUE(Dominates({1, 0}, {1, 1}, goals));
  EXPECT_FALSE(Dominates({1, 1}, {1, 1}, goals));  // Equal points: neither dominates.
  EXPECT_FALSE(Dominates({2, 2}, {1, 1}, goals));  // Better on one, worse on the other.
}

TEST(ParetoTest, NaNAndWrongSizePointsAreNotOnTheFront) {
  const std::vector<Goal> goals = {Goal::kMinimize, Goal::kMinimize};
  const std::vector<ObjectiveVector> points = {{std::nan(""), 0}, {1, 1}, {0}};
  EXPECT_EQ(NonDominated(points, goals), std::vector<int>({1}));
}

TEST(ParetoTest, HypervolumeMatchesCountedCellsOnRandomSets) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 500; ++round) {
    const int d = 1 + static_cast<int>(rng() % 3);
    const int n = static_cast<int>(rng() % 25);
    std::vector<Goal> goals;
    ObjectiveVector ref;
    for (int k = 0; k < d; ++k) {
      goals.push_back(rng() % 2 ? Goal::kMaximize : Goal::kMinimize);
      ref.push_back(goals.back() == Goal::kMinimize ? 5 : 0);  // Some points sit on the reference.
    }
    std::vector<ObjectiveVector> points(n, ObjectiveVector(d));
    for (auto& p : points) {
      for (int k = 0; k < d; ++k) p[k] = static_cast<double>(rng() % 6);
    }
    EXPECT_DOUBLE_EQ(Hypervolume(points, goals, ref), BruteVolume(points, goals, ref, 0, 5))
        << "round " << round << " d " << d << " n " << n;
  }
}

TEST(ParetoTest, HypervolumeOfKnownSetsAndUnsupportedDimensions) {
  const std::vector<Goal> min2 = {Goal::kMinimize, Goal::kMinimize};
  EXPECT_DOUBLE_EQ(Hypervolume({{0, 1}, {1, 0}}, min2, {2, 2}), 3);
  EXPECT_DOUBLE_EQ(Hypervolume({{0.5, 0.5}, {0.5, 0.5}}, min2, {1, 1}), 0.25);  // Duplicates count once.
  EXPECT_DOUBLE_EQ(Hypervolume({}, min2, {1, 1}), 0);
  EXPECT_DOUBLE_EQ(Hypervolume({{0, 0, 0}}, std::vector<Goal>(3, Goal::kMinimize), {1, 2, 3}), 6);
  EXPECT_EQ(Hypervolume({{0, 0, 0, 0}}, std::vector<Goal>(4, Goal::kMinimize), {1, 1, 1, 1}), -1);
}

}  // namespace
}  // namespace hyperlab::searcher
