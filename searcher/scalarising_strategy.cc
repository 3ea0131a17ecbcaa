#include "searcher/scalarising_strategy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "searcher/halton.h"
#include "searcher/output_warping.h"
#include "searcher/pareto.h"

namespace hyperlab::searcher {
namespace {

constexpr double kAugmentation = 0.05;
// Keeps the weight streams apart from the other uses of the seed (the initial design, restarts).
constexpr uint64_t kWeightStream = 0x5CA1A815EDULL;

// A completed trial's full, finite objective vector: succeeded, or infeasible (kFailed with its constraint
// values, TrialView::constraint_values), whose objectives are real observations too.
bool FullVector(const TrialView& t, size_t m) {
  const bool completed = t.outcome == TrialView::Outcome::kSucceeded ||
                         (t.outcome == TrialView::Outcome::kFailed && !t.constraint_values.empty());
  return completed && t.objectives.size() == m &&
         std::all_of(t.objectives.begin(), t.objectives.end(), [](double v) { return std::isfinite(v); });
}

}  // namespace

ScalarisingStrategy::ScalarisingStrategy(std::unique_ptr<Strategy> inner, std::vector<Goal> goals,
                                         uint64_t seed)
    : inner_(std::move(inner)), goals_(std::move(goals)), seed_(seed) {}

std::vector<double> ScalarisingStrategy::Weights(int64_t index) const {
  // A direction uniform on the sphere's positive part (absolute values of normal quantiles) from a
  // quasi-random sequence, so that successive trials' directions spread evenly rather than cluster by
  // chance; scaled to sum to 1 (the scale does not change a trial's ranking).
  const std::vector<double> u =
      Halton(static_cast<int>(goals_.size()), seed_ ^ kWeightStream).Point(static_cast<uint64_t>(index));
  std::vector<double> w(goals_.size());
  double sum = 0;
  for (size_t k = 0; k < w.size(); ++k) {
    w[k] = std::abs(InverseNormalCdf(0.5 + 0.5 * u[k])) + 1e-12;
    sum += w[k];
  }
  for (double& v : w) v /= sum;
  return w;
}

std::vector<TrialView> ScalarisingStrategy::Scalarise(absl::Span<const TrialView> history,
                                                      const std::vector<double>& weights) const {
  const size_t m = goals_.size();
  std::vector<double> lo(m, std::numeric_limits<double>::infinity());
  std::vector<double> hi(m, -std::numeric_limits<double>::infinity());
  for (const TrialView& t : history) {
    if (!FullVector(t, m)) continue;
    for (size_t k = 0; k < m; ++k) {
      const double v = goals_[k] == Goal::kMaximize ? -t.objectives[k] : t.objectives[k];
      lo[k] = std::min(lo[k], v);
      hi[k] = std::max(hi[k], v);
    }
  }
  // The scale of each objective: from the best value seen (the ideal) to the worst value on the current
  // Pareto front (its nadir), not to the worst value seen. Dominated trials far out would otherwise squeeze
  // the front into a corner of [0, 1] where the weights hardly tell its points apart (median hypervolume
  // of DTLZ2 at 100 trials 0.5316 -> 0.5626, ZDT1 0.8458 -> 0.8554: docs/search.md).
  // Only succeeded trials make the front: an infeasible one (kFailed with its vector) may dominate them.
  std::vector<ObjectiveVector> points;
  std::vector<bool> feasible;
  for (const TrialView& t : history) {
    if (!FullVector(t, m)) continue;
    points.push_back(t.objectives);
    feasible.push_back(t.outcome == TrialView::Outcome::kSucceeded);
  }
  if (const std::vector<int> front = NonDominated(points, goals_, feasible); front.size() >= 2) {
    std::fill(hi.begin(), hi.end(), -std::numeric_limits<double>::infinity());
    for (int i : front) {
      for (size_t k = 0; k < m; ++k) {
        hi[k] = std::max(hi[k], goals_[k] == Goal::kMaximize ? -points[i][k] : points[i][k]);
      }
    }
  }
  std::vector<TrialView> out(history.begin(), history.end());
  for (TrialView& t : out) {
    const bool full = FullVector(t, m);
    t.objective.reset();
    if (!full) continue;
    double worst = 0, sum = 0;
    for (size_t k = 0; k < m; ++k) {
      const double v = goals_[k] == Goal::kMaximize ? -t.objectives[k] : t.objectives[k];
      const double f = hi[k] > lo[k] ? (v - lo[k]) / (hi[k] - lo[k]) : 0;
      worst = std::max(worst, f / weights[k]);
      sum += f / weights[k];
    }
    t.objective = worst + kAugmentation * sum;
  }
  return out;
}

absl::StatusOr<std::vector<Assignment>> ScalarisingStrategy::Suggest(absl::Span<const TrialView> history,
                                                                     int count, std::string& state) const {
  std::vector<TrialView> extended(history.begin(), history.end());
  std::vector<Assignment> out;
  for (int i = 0; i < count; ++i) {
    const int64_t index = static_cast<int64_t>(extended.size());
    const std::vector<TrialView> scalarised = Scalarise(extended, Weights(index));
    absl::StatusOr<std::vector<Assignment>> next = inner_->Suggest(scalarised, 1, state);
    if (!next.ok()) return next.status();
    if (next->empty()) break;
    extended.push_back(
        {.index = index, .assignment = next->front(), .outcome = TrialView::Outcome::kPending});
    out.push_back(std::move(next->front()));
  }
  return out;
}

}  // namespace hyperlab::searcher
