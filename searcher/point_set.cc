#include "searcher/point_set.h"

#include <cmath>
#include <cstring>

namespace hyperlab::searcher {

PointSet::PointSet(std::vector<double> resolution) : resolution_(std::move(resolution)) {
  for (size_t j = 0; j < resolution_.size(); ++j) {
    if (resolution_[j] > 0) {
      keyed_ = static_cast<int>(j);
      break;
    }
  }
}

double PointSet::Cell(const Eigen::VectorXd& x) const {
  return keyed_ < 0 ? 0 : std::floor(x(keyed_) / resolution_[keyed_]);
}

// The exact bytes of the discrete coordinates, then the cell of the keyed one.
std::string PointSet::Key(const Eigen::VectorXd& x, double cell) const {
  std::string key;
  auto append = [&key](double v) {
    v += 0.0;  // -0.0 and 0.0 are the same value.
    char bytes[sizeof(double)];
    std::memcpy(bytes, &v, sizeof(double));
    key.append(bytes, sizeof(double));
  };
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    if (static_cast<size_t>(j) >= resolution_.size() || resolution_[j] <= 0) append(x(j));
  }
  append(cell);
  return key;
}

bool PointSet::Near(const Eigen::VectorXd& a, const Eigen::VectorXd& b) const {
  if (a.size() != b.size()) return false;
  for (Eigen::Index j = 0; j < a.size(); ++j) {
    const double r = static_cast<size_t>(j) < resolution_.size() ? resolution_[j] : 0;
    const double gap = std::abs(a(j) - b(j));
    if (!(gap == 0 || gap < r)) return false;
  }
  return true;
}

void PointSet::Insert(const Eigen::VectorXd& x) {
  buckets_[Key(x, Cell(x))].push_back(x);
  ++size_;
}

bool PointSet::ContainsNear(const Eigen::VectorXd& x) const {
  // A member closer than the resolution is in the same or the next cell; two more on each side cover the
  // last bit of rounding in the divisions.
  const double cell = Cell(x);
  for (double c : {cell, cell - 1, cell + 1, cell - 2, cell + 2}) {
    auto it = buckets_.find(Key(x, c));
    if (it == buckets_.end()) continue;
    for (const Eigen::VectorXd& member : it->second) {
      if (Near(x, member)) return true;
    }
    if (keyed_ < 0) break;  // One bucket only.
  }
  return false;
}

}  // namespace hyperlab::searcher
