#include "searcher/strategy.h"

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "searcher/active_parameters.h"
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

// What is wrong with parameter `i`'s condition; empty when nothing is.
std::string ConditionProblem(const SearchSpace& space, size_t i) {
  const Parameter& p = space.parameters[i];
  if (p.parent < 0) return p.active_when.empty() ? "" : "active_when without a parent";
  if (static_cast<size_t>(p.parent) >= i)
    return absl::StrCat("parent ", p.parent, " does not come before it");
  const Parameter& parent = space.parameters[p.parent];
  if (parent.kind == ParameterKind::kDouble) return "a double parameter cannot be a parent";
  if (p.active_when.empty()) return "a conditional parameter needs at least one active_when value";
  for (const Value& v : p.active_when) {
    const bool right_type = parent.kind == ParameterKind::kCategorical
                                ? std::holds_alternative<std::string>(v)
                            : parent.kind == ParameterKind::kInteger ? std::holds_alternative<int64_t>(v)
                                                                     : std::holds_alternative<double>(v);
    if (!right_type) return "an active_when value is not of its parent's kind";
  }
  return "";
}

absl::Status CheckSearchSpace(const SearchSpace& space) {
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    const Parameter& p = space.parameters[i];
    std::string problem = Problem(p);
    if (problem.empty()) problem = ConditionProblem(space, i);
    if (!problem.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("parameters[", i, "] (name '", p.name, "'): ", problem));
    }
  }
  return absl::OkStatus();
}

// Conditional parameters: a strategy proposes a value for every parameter; the inactive ones are set to
// their InactiveValue (active_parameters.h), so proposals differing only there are one assignment.
class Canonicalising : public Strategy {
 public:
  Canonicalising(const SearchSpace& space, std::unique_ptr<Strategy> inner)
      : space_(space), inner_(std::move(inner)) {}

  absl::StatusOr<std::vector<Assignment>> Suggest(absl::Span<const TrialView> history, int count,
                                                  std::string& state) const override {
    absl::StatusOr<std::vector<Assignment>> out = inner_->Suggest(history, count, state);
    if (out.ok()) {
      for (Assignment& a : *out) Canonicalise(space_, a);
    }
    return out;
  }
  std::optional<int64_t> Capacity() const override { return inner_->Capacity(); }

 private:
  SearchSpace space_;
  std::unique_ptr<Strategy> inner_;
};

absl::StatusOr<std::unique_ptr<Strategy>> MakeUnconditional(const SearchSpace& space,
                                                            const AlgorithmConfig& config);

// Several objectives: a strategy that learns from results (GP, CMA-ES) minimises random scalarisations
// of them (scalarising_strategy.h).
template <typename Inner>
std::unique_ptr<Strategy> Scalarised(const SearchSpace& space, const AlgorithmConfig& config) {
  AlgorithmConfig inner = config;
  inner.goal = Goal::kMinimize;
  inner.goals.clear();
  inner.prior.clear();
  inner.trust_region = false;  // See AlgorithmConfig::trust_region.
  return std::make_unique<ScalarisingStrategy>(std::make_unique<Inner>(space, inner), config.goals,
                                               config.seed);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Strategy>> MakeStrategy(const SearchSpace& space,
                                                       const AlgorithmConfig& config) {
  if (absl::Status status = CheckSearchSpace(space); !status.ok()) return status;
  absl::StatusOr<std::unique_ptr<Strategy>> strategy = MakeUnconditional(space, config);
  // The grid enumerates the tree itself, each configuration once.
  if (!strategy.ok() || !HasConditions(space) || config.kind == AlgorithmConfig::Kind::kGrid) return strategy;
  return std::make_unique<Canonicalising>(space, *std::move(strategy));
}

namespace {

absl::StatusOr<std::unique_ptr<Strategy>> MakeUnconditional(const SearchSpace& space,
                                                            const AlgorithmConfig& config) {
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

}  // namespace

}  // namespace hyperlab::searcher
