// Random search: every parameter drawn independently; log-scale parameters uniformly in log space.
//
// Suggestion i depends only on (seed, i), so the strategy keeps no state and a resumed study continues the
// same sequence. Doubles are uniform (or log-uniform) on [min, max]; integers uniform on {min..max}, or with
// scale log uniform in log space on [min - 0.5, max + 0.5] and rounded, so each decade gets equal weight;
// discrete and categorical values uniformly.
// Thread safety: immutable; Suggest is safe to call concurrently.
#ifndef HYPERLAB_SEARCHER_RANDOM_STRATEGY_H_
#define HYPERLAB_SEARCHER_RANDOM_STRATEGY_H_

#include "searcher/strategy.h"

namespace hyperlab::searcher {

class RandomStrategy : public Strategy {
 public:
  RandomStrategy(SearchSpace space, uint64_t seed) : space_(std::move(space)), seed_(seed) {}

  absl::StatusOr<std::vector<Assignment>> Suggest(absl::Span<const TrialView> history, int count,
                                                  std::string& state) const override;
  std::optional<int64_t> Capacity() const override { return std::nullopt; }

  // The assignment of trial `index`.
  Assignment Sample(int64_t index) const;

 private:
  SearchSpace space_;
  uint64_t seed_;
};

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_RANDOM_STRATEGY_H_
