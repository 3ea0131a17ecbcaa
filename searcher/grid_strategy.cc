#include "searcher/grid_strategy.h"

#include <algorithm>
#include <cmath>
#include <limits>

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

}  // namespace

GridStrategy::GridStrategy(const SearchSpace& space, int points_per_double) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  for (const Parameter& p : space.parameters) {
    axes_.push_back(AxisOf(p, points_per_double));
    const int64_t n = static_cast<int64_t>(axes_.back().size());
    size_ = n == 0 ? 0 : (size_ > kMax / n ? kMax : size_ * n);
  }
}

Assignment GridStrategy::Point(int64_t index) const {
  Assignment out(axes_.size());
  for (size_t i = axes_.size(); i-- > 0;) {
    const int64_t n = static_cast<int64_t>(axes_[i].size());
    out[i] = axes_[i][index % n];
    index /= n;
  }
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
