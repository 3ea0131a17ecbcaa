#include "searcher/quasi_random_strategy.h"

#include <algorithm>
#include <cmath>

namespace hyperlab::searcher {
QuasiRandomStrategy::QuasiRandomStrategy(SearchSpace space, uint64_t seed)
    : space_(std::move(space)), halton_(std::max<int>(1, static_cast<int>(space_.parameters.size())), seed) {}

Assignment QuasiRandomStrategy::Point(int64_t index) const {
  const std::vector<double> u = halton_.Point(static_cast<uint64_t>(index));
  Assignment out;
  out.reserve(space_.parameters.size());
  for (size_t j = 0; j < space_.parameters.size(); ++j)
    out.push_back(ValueAtUnit(space_.parameters[j], u[j]));
  return out;
}

absl::StatusOr<std::vector<Assignment>> QuasiRandomStrategy::Suggest(absl::Span<const TrialView> history,
                                                                     int count, std::string& state) const {
  std::vector<Assignment> out;
  for (int i = 0; i < count; ++i) out.push_back(Point(static_cast<int64_t>(history.size()) + i));
  return out;
}

}  // namespace hyperlab::searcher
