// Grid search: the Cartesian product of each parameter's grid values, in a fixed order.
//
// Doubles get `points_per_double` evenly spaced values including both ends (geometrically spaced on a log
// scale); integer ranges all their values when there are at most `points_per_double`, else that many evenly
// (or geometrically) spaced, rounded and deduplicated; discrete and categorical parameters all their values.
// Point i is i written in mixed radix, the last parameter varying fastest; trial i gets point i, so a resumed
// study continues with exactly the points not yet suggested, and the grid is exhausted after Capacity().
// Conditional parameters (active_parameters.h): the grid enumerates the tree, each configuration once. A
// parameter's digit counts the points it stands for with the parameters below it: a value with children
// stands for the grid of those children (in the same mixed radix), one without for one point; inactive
// parameters hold their InactiveValue. Without conditions this is the plain Cartesian product.
// Thread safety: immutable; Suggest is safe to call concurrently.
#ifndef HYPERLAB_SEARCHER_GRID_STRATEGY_H_
#define HYPERLAB_SEARCHER_GRID_STRATEGY_H_

#include "searcher/strategy.h"

namespace hyperlab::searcher {

class GridStrategy : public Strategy {
 public:
  GridStrategy(const SearchSpace& space, int points_per_double);

  absl::StatusOr<std::vector<Assignment>> Suggest(absl::Span<const TrialView> history, int count,
                                                  std::string& state) const override;
  // The number of grid points, saturated at INT64_MAX.
  std::optional<int64_t> Capacity() const override { return size_; }

  // Grid point `index`, 0 <= index < Capacity().
  Assignment Point(int64_t index) const;

  // The grid values of parameter `i`.
  const std::vector<Value>& Axis(size_t i) const { return axes_[i]; }

 private:
  // Writes the point of `index` within the grid of the sibling parameters `group` into `out`.
  void DecodeGroup(const std::vector<int>& group, int64_t index, Assignment& out) const;

  std::vector<Parameter> parameters_;
  std::vector<std::vector<Value>> axes_;
  // For parameter i and its axis value k: the parameters that exist under it, and the first point of k
  // among the points parameter i stands for (starts_[i][k + 1] - starts_[i][k] points; the last entry is
  // their number, saturated at INT64_MAX).
  std::vector<std::vector<std::vector<int>>> children_;
  std::vector<std::vector<int64_t>> starts_;
  std::vector<int> top_;  // The parameters that always exist.
  int64_t size_ = 1;
};

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_GRID_STRATEGY_H_
