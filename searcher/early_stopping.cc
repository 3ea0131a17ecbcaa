#include "searcher/early_stopping.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace hyperlab::searcher {
namespace {

// True when `a` is strictly better than `b` for the goal.
bool Better(Goal goal, double a, double b) { return goal == Goal::kMaximize ? a > b : a < b; }

bool MedianRule(const EarlyStoppingConfig& config, const TrialCurve& trial,
                absl::Span<const TrialCurve* const> others) {
  const int64_t step = trial.points.back().step;
  if (step < config.min_step) return false;
  std::vector<double> averages;
  for (const TrialCurve* other : others) {
    if (!other->completed || other->trial == trial.trial) continue;
    double sum = 0;
    int n = 0;
    for (const CurvePoint& p : other->points) {
      if (p.step > step) break;
      sum += p.value;
      ++n;
    }
    if (n > 0) averages.push_back(sum / n);
  }
  if (static_cast<int>(averages.size()) < std::max(1, config.min_trials)) return false;
  std::sort(averages.begin(), averages.end());
  const size_t m = averages.size();
  const double median = m % 2 ? averages[m / 2] : (averages[m / 2 - 1] + averages[m / 2]) / 2;
  double best = trial.points.front().value;
  for (const CurvePoint& p : trial.points) {
    if (Better(config.goal, p.value, best)) best = p.value;
  }
  return Better(config.goal, median, best);
}

// The value a curve recorded at the rung starting at `rung_step`: its first point at or past it.
std::optional<double> RungValue(const TrialCurve& curve, double rung_step) {
  for (const CurvePoint& p : curve.points) {
    if (static_cast<double>(p.step) >= rung_step) return p.value;
  }
  return std::nullopt;
}

bool AshaRule(const EarlyStoppingConfig& config, const TrialCurve& trial,
              absl::Span<const TrialCurve* const> others) {
  const int64_t min_step = std::max<int64_t>(1, config.min_step);
  const double eta = std::max(2.0, config.reduction_factor);
  const int64_t step = trial.points.back().step;
  const int64_t previous = trial.points.size() > 1 ? trial.points[trial.points.size() - 2].step : -1;
  // The highest rung this newest point reached, and whether it is the first point to reach it. Rungs stay
  // doubles: a step or a rung near INT64_MAX (steps are reported by trials) has no int64 rounding.
  double rung = -1;
  for (double r = static_cast<double>(min_step); r <= static_cast<double>(step); r *= eta) {
    rung = std::round(r);
  }
  if (rung < 0 || static_cast<double>(previous) >= rung) return false;
  const double mine = trial.points.back().value;
  std::vector<double> values = {mine};
  for (const TrialCurve* other : others) {
    if (other->trial == trial.trial) continue;
    if (std::optional<double> v = RungValue(*other, rung)) values.push_back(*v);
  }
  const size_t keep = std::max<size_t>(1, static_cast<size_t>(values.size() / eta));
  // Stop when `keep` values are strictly better than this trial's.
  size_t better = 0;
  for (double v : values) better += Better(config.goal, v, mine);
  return better >= keep;
}

}  // namespace

bool ShouldStop(const EarlyStoppingConfig& config, const TrialCurve& trial,
                absl::Span<const TrialCurve* const> others) {
  if (trial.points.empty()) return false;
  switch (config.kind) {
    case EarlyStoppingConfig::Kind::kMedian:
      return MedianRule(config, trial, others);
    case EarlyStoppingConfig::Kind::kAsha:
      return AshaRule(config, trial, others);
    case EarlyStoppingConfig::Kind::kNone:
      break;
  }
  return false;
}

}  // namespace hyperlab::searcher
