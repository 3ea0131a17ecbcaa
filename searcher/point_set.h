// The points a suggestion must keep away from, compared at each parameter's resolution.
//
// Why: two suggestions that differ only below what a parameter can meaningfully resolve (a learning rate
// 3e-7 from another near 0.03) are the same experiment run twice. A point is "near" a member when on every
// coordinate it is equal to the member's or closer than that coordinate's resolution
// (ParameterEncoding::Resolution: 0 means only the equal value is near, as for integers, discrete numbers
// and categories). A point that differs by at least the resolution on any one coordinate is a new
// experiment.
//
// Lookup: members are bucketed by their exact discrete coordinates and by the cell (of width resolution) of
// the first continuous coordinate, so a query looks at a few neighbouring buckets and checks their members
// exactly.
//
// Example:
//   PointSet seen(encoding.Resolutions());
//   seen.Insert(encoding.Encode(trial.assignment));
//   if (!seen.ContainsNear(candidate)) ...
//
// Thread safety: none for Insert; concurrent ContainsNear calls on an unchanging set are safe.
#ifndef HYPERLAB_SEARCHER_POINT_SET_H_
#define HYPERLAB_SEARCHER_POINT_SET_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "Eigen/Core"

namespace hyperlab::searcher {

class PointSet {
 public:
  // One resolution per coordinate, each >= 0 (0: equality only).
  explicit PointSet(std::vector<double> resolution);

  void Insert(const Eigen::VectorXd& x);
  // True when a member is near `x`: equal or closer than the resolution on every coordinate.
  bool ContainsNear(const Eigen::VectorXd& x) const;
  size_t size() const { return size_; }

 private:
  std::string Key(const Eigen::VectorXd& x, double cell) const;
  double Cell(const Eigen::VectorXd& x) const;
  bool Near(const Eigen::VectorXd& a, const Eigen::VectorXd& b) const;

  std::vector<double> resolution_;
  int keyed_ = -1;  // The continuous coordinate whose cell is part of the key (-1: none).
  std::unordered_map<std::string, std::vector<Eigen::VectorXd>> buckets_;
  size_t size_ = 0;
};

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_POINT_SET_H_
