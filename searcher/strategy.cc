#include "searcher/strategy.h"

#include "absl/status/status.h"
#include "searcher/gp_strategy.h"
#include "searcher/grid_strategy.h"
#include "searcher/random_strategy.h"

namespace hyperlab::searcher {

absl::StatusOr<std::unique_ptr<Strategy>> MakeStrategy(const SearchSpace& space,
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
      return std::make_unique<GpStrategy>(space, config);
  }
  return absl::InvalidArgumentError("algorithm: unknown kind");
}

}  // namespace hyperlab::searcher
