#include "searcher/random_strategy.h"

#include <algorithm>
#include <cmath>

#include "searcher/prng.h"

namespace hyperlab::searcher {
namespace {

double SampleDouble(const Parameter& p, Prng& rng) {
  const double u = rng.Uniform();
  if (p.scale == Scale::kLog) {
    const double lo = std::log(p.min), hi = std::log(p.max);
    return std::clamp(std::exp(lo + u * (hi - lo)), p.min, p.max);
  }
  return std::clamp(p.min + u * (p.max - p.min), p.min, p.max);
}

int64_t SampleInteger(const Parameter& p, Prng& rng) {
  const int64_t lo = static_cast<int64_t>(p.min), hi = static_cast<int64_t>(p.max);
  if (p.scale == Scale::kLog) {
    const double a = std::log(p.min - 0.5), b = std::log(p.max + 0.5);
    const double x = std::exp(a + rng.Uniform() * (b - a));
    return std::clamp(static_cast<int64_t>(std::llround(x)), lo, hi);
  }
  // In unsigned arithmetic, which wraps instead of overflowing; the result is within [lo, hi].
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + rng.Below(span + 1));
}

}  // namespace

Assignment RandomStrategy::Sample(int64_t index) const {
  Prng rng(seed_, static_cast<uint64_t>(index));
  Assignment out;
  out.reserve(space_.parameters.size());
  for (const Parameter& p : space_.parameters) {
    switch (p.kind) {
      case ParameterKind::kDouble:
        out.emplace_back(SampleDouble(p, rng));
        break;
      case ParameterKind::kInteger:
        out.emplace_back(SampleInteger(p, rng));
        break;
      case ParameterKind::kDiscrete:
        out.emplace_back(p.numbers[rng.Below(p.numbers.size())]);
        break;
      case ParameterKind::kCategorical:
        out.emplace_back(p.categories[rng.Below(p.categories.size())]);
        break;
    }
  }
  return out;
}

absl::StatusOr<std::vector<Assignment>> RandomStrategy::Suggest(absl::Span<const TrialView> history,
                                                                int count, std::string& state) const {
  std::vector<Assignment> out;
  out.reserve(count);
  for (int i = 0; i < count; ++i) out.push_back(Sample(static_cast<int64_t>(history.size()) + i));
  return out;
}

}  // namespace hyperlab::searcher
