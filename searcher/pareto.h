// Pareto dominance, the non-dominated set and the hypervolume of a set of objective vectors.
//
// A point is one trial's objective values, in the study's objective order; `goals` says for each whether
// smaller or larger is better. Point a dominates b when a is no worse than b on every objective and better
// on at least one. Equal points do not dominate each other, so duplicates are all on the front.
//
// Example:
//   std::vector<int> front = NonDominated(points, {Goal::kMaximize, Goal::kMinimize}, feasible);
//   double hv = Hypervolume(front_points, goals, /*reference=*/{0.0, 100.0});
//
// Thread safety: pure functions.
#ifndef HYPERLAB_SEARCHER_PARETO_H_
#define HYPERLAB_SEARCHER_PARETO_H_

#include <vector>

#include "searcher/search_space.h"

namespace hyperlab::searcher {

using ObjectiveVector = std::vector<double>;

// REQUIRES: a.size() == b.size() == goals.size(); finite values.
bool Dominates(const ObjectiveVector& a, const ObjectiveVector& b, const std::vector<Goal>& goals);

// Indices (ascending) of the points no other eligible point dominates. A point is eligible when
// `feasible` is empty or feasible[i] is true, and all its values are finite; only eligible points are
// returned, and only they can dominate. O(n log n) for two objectives, O(n^2) otherwise.
std::vector<int> NonDominated(const std::vector<ObjectiveVector>& points, const std::vector<Goal>& goals,
                              const std::vector<bool>& feasible = {});

// The volume of objective space that the points dominate and that dominates `reference` (the region
// between the set and the reference point). Points not strictly better than the reference on every
// objective add nothing. 1, 2 or 3 objectives (exact); returns -1 for more.
double Hypervolume(const std::vector<ObjectiveVector>& points, const std::vector<Goal>& goals,
                   const ObjectiveVector& reference);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_PARETO_H_
