// Quasi-random search (`algorithm: {quasi_random: {seed: S}}`): trial i gets point i of a scrambled Halton
// sequence (halton.h), mapped onto the parameters.
//
// Why: for the same budget, low-discrepancy points cover the space more evenly than independent draws (no
// clumps, no large holes), so the best of N trials is better in expectation on smooth problems, while the
// strategy keeps random search's virtues: no model, no cost, any budget, trivially parallel.
// Mapping of coordinate u in [0, 1): doubles linearly (in log space for log scale); integers with equal
// shares per integer (log scale: uniform in log space on [min - 0.5, max + 0.5], rounded, as random search
// does); discrete and categorical values with equal shares.
// Suggestion i depends only on (seed, i): no state; a resumed study continues the same sequence.
//
// Example:
//   QuasiRandomStrategy qr(space, /*seed=*/3);
//   Assignment a = qr.Point(12);
//
// Thread safety: immutable; Suggest is safe to call concurrently.
#ifndef HYPERLAB_SEARCHER_QUASI_RANDOM_STRATEGY_H_
#define HYPERLAB_SEARCHER_QUASI_RANDOM_STRATEGY_H_

#include "searcher/halton.h"
#include "searcher/strategy.h"
#include "searcher/unit_mapping.h"

namespace hyperlab::searcher {

class QuasiRandomStrategy : public Strategy {
 public:
  QuasiRandomStrategy(SearchSpace space, uint64_t seed);

  absl::StatusOr<std::vector<Assignment>> Suggest(absl::Span<const TrialView> history, int count,
                                                  std::string& state) const override;
  std::optional<int64_t> Capacity() const override { return std::nullopt; }

  // The assignment of trial `index` (index >= 0).
  Assignment Point(int64_t index) const;

 private:
  SearchSpace space_;
  Halton halton_;
};

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_QUASI_RANDOM_STRATEGY_H_
