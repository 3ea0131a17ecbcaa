#include "searcher/pareto.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>

namespace hyperlab::searcher {
namespace {

// The points as minimisation problems (maximised objectives negated).
std::vector<ObjectiveVector> ToMinimise(const std::vector<ObjectiveVector>& points,
                                        const std::vector<Goal>& goals) {
  std::vector<ObjectiveVector> out = points;
  for (ObjectiveVector& p : out) {
    for (size_t k = 0; k < goals.size() && k < p.size(); ++k) {
      if (goals[k] == Goal::kMaximize) p[k] = -p[k];
    }
  }
  return out;
}

bool AllFinite(const ObjectiveVector& p) {
  return std::all_of(p.begin(), p.end(), [](double v) { return std::isfinite(v); });
}

// Two objectives, minimised: sort by the first then the second; a point is on the front when its second
// value is below every earlier point's whose first value is smaller, or equals an equal point's.
std::vector<int> NonDominated2(const std::vector<ObjectiveVector>& m, const std::vector<int>& eligible) {
  std::vector<int> order = eligible;
  std::sort(order.begin(), order.end(), [&](int a, int b) { return m[a] < m[b]; });
  std::vector<int> front;
  double best_second = std::numeric_limits<double>::infinity();
  const ObjectiveVector* last_kept = nullptr;
  for (int i : order) {
    if (last_kept != nullptr && m[i] == *last_kept) {
      front.push_back(i);  // A duplicate of a point on the front.
    } else if (m[i][1] < best_second) {
      front.push_back(i);
      best_second = m[i][1];
      last_kept = &m[i];
    }
  }
  std::sort(front.begin(), front.end());
  return front;
}

// Area dominated by 2-D minimised points, bounded by `ref`.
double Area2(std::vector<std::pair<double, double>> pts, double ref_x, double ref_y) {
  std::sort(pts.begin(), pts.end());
  double area = 0;
  double best_y = ref_y;
  for (size_t i = 0; i < pts.size(); ++i) {
    if (pts[i].second >= best_y) continue;
    // From this x to the next x where a point lowers the staircase, the height is ref_y - best y so far.
    best_y = pts[i].second;
    double next_x = ref_x;
    for (size_t j = i + 1; j < pts.size(); ++j) {
      if (pts[j].second < best_y) {
        next_x = pts[j].first;
        break;
      }
    }
    area += (next_x - pts[i].first) * (ref_y - best_y);
  }
  return area;
}

}  // namespace

bool Dominates(const ObjectiveVector& a, const ObjectiveVector& b, const std::vector<Goal>& goals) {
  bool better = false;
  for (size_t k = 0; k < goals.size(); ++k) {
    const double x = goals[k] == Goal::kMaximize ? -a[k] : a[k];
    const double y = goals[k] == Goal::kMaximize ? -b[k] : b[k];
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

std::vector<int> NonDominated(const std::vector<ObjectiveVector>& points, const std::vector<Goal>& goals,
                              const std::vector<bool>& feasible) {
  std::vector<int> eligible;
  for (size_t i = 0; i < points.size(); ++i) {
    if ((feasible.empty() || feasible[i]) && points[i].size() == goals.size() && AllFinite(points[i])) {
      eligible.push_back(static_cast<int>(i));
    }
  }
  const std::vector<ObjectiveVector> m = ToMinimise(points, goals);
  if (goals.size() == 2) return NonDominated2(m, eligible);
  const std::vector<Goal> minimise(goals.size(), Goal::kMinimize);
  std::vector<int> front;
  for (int i : eligible) {
    bool dominated = false;
    for (int j : eligible) {
      if (j != i && Dominates(m[j], m[i], minimise)) {
        dominated = true;
        break;
      }
    }
    if (!dominated) front.push_back(i);
  }
  return front;
}

double Hypervolume(const std::vector<ObjectiveVector>& points, const std::vector<Goal>& goals,
                   const ObjectiveVector& reference) {
  const size_t d = goals.size();
  if (d < 1 || d > 3 || reference.size() != d) return -1;
  std::vector<ObjectiveVector> m = ToMinimise(points, goals);
  const ObjectiveVector ref = ToMinimise({reference}, goals)[0];
  std::vector<ObjectiveVector> inside;
  for (const ObjectiveVector& p : m) {
    if (p.size() != d || !AllFinite(p)) continue;
    bool below = true;
    for (size_t k = 0; k < d; ++k) below = below && p[k] < ref[k];
    if (below) inside.push_back(p);
  }
  if (inside.empty()) return 0;
  if (d == 1) {
    double best = ref[0];
    for (const ObjectiveVector& p : inside) best = std::min(best, p[0]);
    return ref[0] - best;
  }
  if (d == 2) {
    std::vector<std::pair<double, double>> pts;
    for (const ObjectiveVector& p : inside) pts.emplace_back(p[0], p[1]);
    return Area2(std::move(pts), ref[0], ref[1]);
  }
  // Three objectives: slices along the third; between consecutive levels z_i and z_{i+1}, the dominated
  // cross-section is the 2-D area of the points with z <= z_i.
  std::sort(inside.begin(), inside.end(),
            [](const ObjectiveVector& a, const ObjectiveVector& b) { return a[2] < b[2]; });
  double volume = 0;
  std::vector<std::pair<double, double>> slice;
  for (size_t i = 0; i < inside.size(); ++i) {
    slice.emplace_back(inside[i][0], inside[i][1]);
    const double next_z = i + 1 < inside.size() ? inside[i + 1][2] : ref[2];
    if (next_z > inside[i][2]) volume += Area2(slice, ref[0], ref[1]) * (next_z - inside[i][2]);
  }
  return volume;
}

}  // namespace hyperlab::searcher
