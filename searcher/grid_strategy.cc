#include "searcher/grid_strategy.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "searcher/active_parameters.h"

namespace hyperlab::searcher {
namespace {

// `n` values from min to max, both included: evenly spaced, or geometrically on a log scale.
std::vector<double> Spaced(double min, double max, int n, Scale scale) {
  if (min == max || n <= 1) return {min};
  std::vector<double> out;
  out.reserve(n);
  for (int k = 0; k < n; ++k) {
    const double t = static_cast<double>(k) / (n - 1);
    double v = scale == Scale::kLog ? std::exp(std::log(min) + t * (std::log(max) - std::log(min)))
                                    : min + t * (max - min);
    if (k == 0) v = min;
    if (k == n - 1) v = max;
    out.push_back(v);
  }
  return out;
}

std::vector<Value> AxisOf(const Parameter& p, int points) {
  std::vector<Value> axis;
  switch (p.kind) {
    case ParameterKind::kDouble:
      for (double v : Spaced(p.min, p.max, points, p.scale)) axis.emplace_back(v);
      break;
    case ParameterKind::kInteger: {
      const int64_t lo = static_cast<int64_t>(p.min), hi = static_cast<int64_t>(p.max);
      // hi - lo in unsigned arithmetic: never overflows, whatever the bounds.
      if (static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) < static_cast<uint64_t>(points)) {
        for (int64_t v = lo; v <= hi; ++v) axis.emplace_back(v);
        break;
      }
      int64_t last = std::numeric_limits<int64_t>::min();
      for (double v : Spaced(p.min, p.max, points, p.scale)) {
        const int64_t r = std::clamp(static_cast<int64_t>(std::llround(v)), lo, hi);
        if (r != last) axis.emplace_back(r);
        last = r;
      }
      break;
    }
    case ParameterKind::kDiscrete:
      for (double v : p.numbers) axis.emplace_back(v);
      break;
    case ParameterKind::kCategorical:
      for (const std::string& v : p.categories) axis.emplace_back(v);
      break;
  }
  return axis;
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  return a > std::numeric_limits<int64_t>::max() - b ? std::numeric_limits<int64_t>::max() : a + b;
}
int64_t SaturatingMul(int64_t a, int64_t b) {
  return b != 0 && a > std::numeric_limits<int64_t>::max() / b ? std::numeric_limits<int64_t>::max() : a * b;
}

}  // namespace

GridStrategy::GridStrategy(const SearchSpace& space, int points_per_double)
    : parameters_(space.parameters),
      axes_(space.parameters.size()),
      children_(space.parameters.size()),
      starts_(space.parameters.size()) {
  const size_t n = space.parameters.size();
  for (size_t i = 0; i < n; ++i) {
    const Parameter& p = space.parameters[i];
    axes_[i] = AxisOf(p, points_per_double);
    children_[i].resize(axes_[i].size());
    if (p.parent < 0) {
      top_.push_back(static_cast<int>(i));
      continue;
    }
    const std::vector<Value>& parent_axis = axes_[p.parent];
    for (size_t k = 0; k < parent_axis.size(); ++k) {
      if (std::find(p.active_when.begin(), p.active_when.end(), parent_axis[k]) != p.active_when.end()) {
        children_[p.parent][k].push_back(static_cast<int>(i));
      }
    }
  }
  // Children come after their parent, so counting from the end counts each parameter's subtree once.
  std::vector<int64_t> count(n, 1);
  for (size_t i = n; i-- > 0;) {
    starts_[i].assign(1, 0);
    for (const std::vector<int>& under : children_[i]) {
      int64_t points = 1;
      for (int c : under) points = SaturatingMul(points, count[c]);
      starts_[i].push_back(SaturatingAdd(starts_[i].back(), points));
    }
    count[i] = starts_[i].back();
  }
  for (int i : top_) size_ = SaturatingMul(size_, count[i]);
}

void GridStrategy::DecodeGroup(const std::vector<int>& group, int64_t index, Assignment& out) const {
  for (size_t g = group.size(); g-- > 0;) {
    const int i = group[g];
    const std::vector<int64_t>& starts = starts_[i];
    const int64_t n = starts.back();
    const int64_t digit = index % n;
    index /= n;
    // The axis value whose points hold `digit`: the last start <= digit.
    const size_t k =
        static_cast<size_t>(std::upper_bound(starts.begin(), starts.end() - 1, digit) - starts.begin()) - 1;
    out[i] = axes_[i][k];
    DecodeGroup(children_[i][k], digit - starts[k], out);
  }
}

Assignment GridStrategy::Point(int64_t index) const {
  Assignment out;
  out.reserve(parameters_.size());
  for (const Parameter& p : parameters_) out.push_back(InactiveValue(p));
  DecodeGroup(top_, index, out);
  return out;
}

absl::StatusOr<std::vector<Assignment>> GridStrategy::Suggest(absl::Span<const TrialView> history, int count,
                                                              std::string& state) const {
  std::vector<Assignment> out;
  for (int64_t i = static_cast<int64_t>(history.size()); i < size_ && static_cast<int>(out.size()) < count;
       ++i) {
    out.push_back(Point(i));
  }
  return out;
}

}  // namespace hyperlab::searcher
