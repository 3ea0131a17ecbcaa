#include "searcher/strategy.h"

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "searcher/cmaes_strategy.h"
#include "searcher/gp_strategy.h"
#include "searcher/grid_strategy.h"
#include "searcher/quasi_random_strategy.h"
#include "searcher/random_strategy.h"
#include "searcher/scalarising_strategy.h"

namespace hyperlab::searcher {
namespace {

// What is wrong with `p` for the search_space.h contract; empty when nothing is.
std::string Problem(const Parameter& p) {
  switch (p.kind) {
    case ParameterKind::kDouble:
    case ParameterKind::kInteger: {
      if (!std::isfinite(p.min) || !std::isfinite(p.max)) {
        return absl::StrCat("bounds must be finite, got [", p.min, ", ", p.max, "]");
      }
      if (p.min > p.max) return absl::StrCat("min ", p.min, " > max ", p.max);
      if (p.scale == Scale::kLog && p.min <= 0) return absl::StrCat("log scale needs min > 0, got ", p.min);
      const double limit = static_cast<double>(kMaxExactInteger);
      if (p.kind == ParameterKind::kInteger &&
          (p.min != std::floor(p.min) || p.max != std::floor(p.max) || p.min < -limit || p.max > limit)) {
        return absl::StrCat("integer bounds must be whole numbers within +-", kMaxExactInteger, ", got [",
                            p.min, ", ", p.max, "]");
      }
      return "";
    }
    case ParameterKind::kDiscrete:
      if (p.numbers.empty()) return "no values";
      for (double v : p.numbers) {
        if (!std::isfinite(v)) return absl::StrCat("values must be finite, got ", v);
      }
      return "";
    case ParameterKind::kCategorical:
      return p.categories.empty() ? "no values" : "";
  }
  return "unknown kind";
}

absl::Status CheckSearchSpace(const SearchSpace& space) {
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    const Parameter& p = space.parameters[i];
    if (std::string problem = Problem(p); !problem.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("parameters[", i, "] (name '", p.name, "'): ", problem));
    }
  }
  return absl::OkStatus();
}

// Several objectives: a strategy that learns from results (GP, CMA-ES) minimises random scalarisations
// of them (scalarising_strategy.h).
template <typename Inner>
std::unique_ptr<Strategy> Scalarised(const SearchSpace& space, const AlgorithmConfig& config) {
  AlgorithmConfig inner = config;
  inner.goal = Goal::kMinimize;
  inner.goals.clear();
  inner.prior.clear();
  return std::make_unique<ScalarisingStrategy>(std::make_unique<Inner>(space, inner), config.goals,
                                               config.seed);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Strategy>> MakeStrategy(const SearchSpace& space,
                                                       const AlgorithmConfig& config) {
  if (absl::Status status = CheckSearchSpace(space); !status.ok()) return status;
  switch (config.kind) {
    case AlgorithmConfig::Kind::kRandom:
      return std::make_unique<RandomStrategy>(space, config.seed);
    case AlgorithmConfig::Kind::kGrid:
      if (config.points_per_double < 1) {
        return absl::InvalidArgumentError("algorithm.grid.points_per_double: must be >= 1");
      }
      return std::make_unique<GridStrategy>(space, config.points_per_double);
    case AlgorithmConfig::Kind::kBayesian:
      if (config.initial_trials < 0) {
        return absl::InvalidArgumentError("algorithm.bayesian.initial_trials: must be >= 0");
      }
      if (!(config.ucb_beta >= 0)) {
        return absl::InvalidArgumentError("algorithm.bayesian.ucb_beta: must be >= 0");
      }
      if (config.goals.size() >= 2) return Scalarised<GpStrategy>(space, config);
      return std::make_unique<GpStrategy>(space, config);
    case AlgorithmConfig::Kind::kQuasiRandom:
      return std::make_unique<QuasiRandomStrategy>(space, config.seed);
    case AlgorithmConfig::Kind::kCmaEs:
      if (config.goals.size() >= 2) return Scalarised<CmaEsStrategy>(space, config);
      return std::make_unique<CmaEsStrategy>(space, config);
  }
  return absl::InvalidArgumentError("algorithm: unknown kind");
}

}  // namespace hyperlab::searcher
