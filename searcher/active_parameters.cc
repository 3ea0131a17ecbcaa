#include "searcher/active_parameters.h"

#include <algorithm>

namespace hyperlab::searcher {

bool HasConditions(const SearchSpace& space) {
  return std::any_of(space.parameters.begin(), space.parameters.end(),
                     [](const Parameter& p) { return p.parent >= 0; });
}

std::vector<bool> ActiveMask(const SearchSpace& space, const Assignment& assignment) {
  std::vector<bool> active(space.parameters.size(), true);
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    const Parameter& p = space.parameters[i];
    if (p.parent < 0) continue;
    const size_t parent = static_cast<size_t>(p.parent);
    active[i] =
        parent < i && active[parent] &&
        std::find(p.active_when.begin(), p.active_when.end(), assignment[parent]) != p.active_when.end();
  }
  return active;
}

Value InactiveValue(const Parameter& p) {
  switch (p.kind) {
    case ParameterKind::kDouble:
      return p.min;
    case ParameterKind::kInteger:
      return static_cast<int64_t>(p.min);
    case ParameterKind::kDiscrete:
      return p.numbers.empty() ? 0.0 : p.numbers.front();
    case ParameterKind::kCategorical:
      return p.categories.empty() ? std::string() : p.categories.front();
  }
  return 0.0;
}

void Canonicalise(const SearchSpace& space, Assignment& assignment) {
  if (!HasConditions(space)) return;
  const std::vector<bool> active = ActiveMask(space, assignment);
  for (size_t i = 0; i < active.size(); ++i) {
    if (!active[i]) assignment[i] = InactiveValue(space.parameters[i]);
  }
}

}  // namespace hyperlab::searcher
