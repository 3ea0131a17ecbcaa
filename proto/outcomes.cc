#include "proto/outcomes.h"

#include <cmath>

namespace hyperlab {

std::vector<v1::Objective> StudyObjectives(const v1::StudySpec& spec) {
  if (spec.objectives_size() > 0) return {spec.objectives().begin(), spec.objectives().end()};
  return {spec.objective()};
}

const v1::Objective& PrimaryObjective(const v1::StudySpec& spec) {
  return spec.objectives_size() > 0 ? spec.objectives(0) : spec.objective();
}

bool DeclaredNoisy(const v1::StudySpec& spec) {
  return spec.objectives_size() == 0 && spec.objective().noisy();
}

bool SatisfiesConstraints(const v1::StudySpec& spec,
                          const google::protobuf::Map<std::string, double>& metrics) {
  for (const v1::OutcomeConstraint& c : spec.constraints()) {
    auto it = metrics.find(c.metric());
    if (it == metrics.end() || !std::isfinite(it->second)) return false;
    if (c.has_max() && it->second > c.max()) return false;
    if (c.has_min() && it->second < c.min()) return false;
  }
  return true;
}

}  // namespace hyperlab
