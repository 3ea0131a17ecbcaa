#include "searcher/strategy.h"

#include "absl/status/status.h"
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
      return absl::UnimplementedError(
          "algorithm.bayesian: Gaussian-process search is not built yet; use random or grid");
  }
  return absl::InvalidArgumentError("algorithm: unknown kind");
}

}  // namespace hyperlab::searcher
