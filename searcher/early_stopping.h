// Early-stopping rules as pure functions of intermediate measurements: the median stopping rule and
// asynchronous successive halving (ASHA).
//
// The coordinator keeps each trial's learning curve (step, value of the judged metric) and asks, for each
// new point, whether the trial should stop now. The rules see only curves: no RPC, storage or clock.
//   - Median (Vizier's rule): stop at step s when the trial's best value up to s is worse than the median,
//     over completed trials, of their running averages up to s. Needs `min_trials` completed trials.
//   - ASHA: rungs at min_step * reduction_factor^k. When a trial's newest point is the first at or past
//     rung k, the trial goes on only if its value there is among the best max(1, n / reduction_factor) of
//     the n values recorded at rung k by all trials (itself included); once past a rung it is never
//     re-judged there, as in ASHA's promotions.
//
// Example:
//   EarlyStoppingConfig config{.kind = EarlyStoppingConfig::Kind::kAsha, .goal = Goal::kMaximize};
//   if (ShouldStop(config, curves.at(id), others)) ...
//
// Thread safety: pure functions.
#ifndef HYPERLAB_SEARCHER_EARLY_STOPPING_H_
#define HYPERLAB_SEARCHER_EARLY_STOPPING_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "searcher/search_space.h"

namespace hyperlab::searcher {

struct CurvePoint {
  int64_t step = 0;
  double value = 0;
};

// One trial's learning curve, points in increasing step order.
struct TrialCurve {
  int64_t trial = 0;
  std::vector<CurvePoint> points;
  // The trial succeeded (its curve is complete); stopped and failed trials are not completed.
  bool completed = false;
};

struct EarlyStoppingConfig {
  enum class Kind { kNone, kMedian, kAsha };
  Kind kind = Kind::kNone;
  Goal goal = Goal::kMinimize;
  int min_trials = 5;           // Median: completed trials needed.
  int64_t min_step = 1;         // Median: no stop before; ASHA: the first rung.
  double reduction_factor = 3;  // ASHA.
};

// Whether `trial` should stop now, given its curve (whose last point is the newest) and every other trial
// of the study. False for an empty curve or Kind::kNone.
bool ShouldStop(const EarlyStoppingConfig& config, const TrialCurve& trial,
                absl::Span<const TrialCurve* const> others);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_EARLY_STOPPING_H_
