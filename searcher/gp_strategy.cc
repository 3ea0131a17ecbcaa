#include "searcher/gp_strategy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "searcher/acquisition_optimizer.h"
#include "searcher/gp_fit.h"
#include "searcher/gp_model.h"
#include "searcher/gp_state.h"
#include "searcher/halton.h"
#include "searcher/matern_kernel.h"
#include "searcher/output_warping.h"

namespace hyperlab::searcher {
namespace {

constexpr int kRefitAlwaysBelow = 64;       // Refit on every new result while there are fewer observations.
constexpr double kRefitGrowth = 0.1;        // Beyond, refit when observations grew by this fraction.
constexpr int kIncumbents = 5;              // Best points the acquisition optimiser searches around.
constexpr uint64_t kRetryStride = 1000003;  // Halton index step when an initial point is taken.

// At most `cap` of the rows: the best cap/2 by target, then an even spread of the others in index order.
std::vector<int> Subset(const Eigen::VectorXd& y, int cap) {
  const int n = static_cast<int>(y.size());
  std::vector<int> all(n);
  std::iota(all.begin(), all.end(), 0);
  if (n <= cap) return all;
  std::vector<int> by_value = all;
  std::stable_sort(by_value.begin(), by_value.end(), [&](int a, int b) { return y(a) < y(b); });
  const int best = cap / 2;
  std::vector<int> rest(by_value.begin() + best, by_value.end());
  std::sort(rest.begin(), rest.end());
  std::vector<int> out(by_value.begin(), by_value.begin() + best);
  const int take = cap - best;
  for (int k = 0; k < take; ++k) out.push_back(rest[static_cast<size_t>(k) * rest.size() / take]);
  std::sort(out.begin(), out.end());
  return out;
}

Eigen::MatrixXd Rows(const Eigen::MatrixXd& x, const std::vector<int>& rows) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), x.cols());
  for (size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = x.row(rows[i]);
  return out;
}

Eigen::VectorXd Rows(const Eigen::VectorXd& y, const std::vector<int>& rows) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(rows.size()));
  for (size_t i = 0; i < rows.size(); ++i) out(static_cast<Eigen::Index>(i)) = y(rows[i]);
  return out;
}

bool NeedsFit(const std::optional<GpState>& state, int64_t observations, int dimensions) {
  if (!state || state->theta.size() != dimensions + 2) return true;
  if (observations == state->fit_observations) return false;
  if (observations < kRefitAlwaysBelow || observations < state->fit_observations) return true;
  return observations >=
         state->fit_observations +
             std::max<int64_t>(1, static_cast<int64_t>(kRefitGrowth * state->fit_observations));
}

// Fewer candidates when each costs more: scoring one candidate is O(n^2) in the model's size n.
AcquisitionOptimizerOptions OptionsFor(int model_size, const AlgorithmConfig& config) {
  AcquisitionOptimizerOptions options;
  if (config.ucb_beta > 0) {
    options.kind = AcquisitionKind::kUcb;
    options.ucb_beta = config.ucb_beta;
  }
  const double scale = std::clamp(std::pow(400.0 / std::max(model_size, 1), 2), 0.1, 1.0);
  options.quasi_random = static_cast<int>(options.quasi_random * scale);
  options.per_incumbent = std::max(8, static_cast<int>(options.per_incumbent * scale));
  options.perturbations = std::max(4, static_cast<int>(options.perturbations * scale));
  return options;
}

std::optional<int64_t> CapacityOf(const SearchSpace& space) {
  int64_t total = 1;
  for (const Parameter& p : space.parameters) {
    double n = 0;
    switch (p.kind) {
      case ParameterKind::kDouble:
        return std::nullopt;
      case ParameterKind::kInteger:
        n = p.max - p.min + 1;
        break;
      case ParameterKind::kDiscrete:
        n = static_cast<double>(p.numbers.size());
        break;
      case ParameterKind::kCategorical:
        n = static_cast<double>(p.categories.size());
        break;
    }
    if (!(n >= 1) || n > 1e15 || total > std::numeric_limits<int64_t>::max() / static_cast<int64_t>(n)) {
      return std::nullopt;
    }
    total *= static_cast<int64_t>(n);
  }
  return total;
}

}  // namespace

GpStrategy::GpStrategy(SearchSpace space, const AlgorithmConfig& config)
    : space_(std::move(space)), config_(config), encoding_(space_), capacity_(CapacityOf(space_)) {
  const int d = std::max(1, encoding_.dimensions());
  initial_trials_ = config.initial_trials > 0 ? config.initial_trials : std::clamp(d + 1, 5, 20);
}

Assignment GpStrategy::InitialPoint(int64_t index) const {
  const Halton halton(encoding_.dimensions(), config_.seed);
  const std::vector<double> u = halton.Point(static_cast<uint64_t>(index));
  Eigen::VectorXd x(encoding_.dimensions());
  for (int j = 0; j < encoding_.dimensions(); ++j) x(j) = encoding_.FromUnit(j, u[j]);
  return encoding_.Decode(x);
}

absl::StatusOr<std::vector<Assignment>> GpStrategy::Suggest(absl::Span<const TrialView> history, int count,
                                                            std::string& state) const {
  const int d = encoding_.dimensions();
  const double sign = config_.goal == Goal::kMaximize ? -1 : 1;
  std::vector<Assignment> out;
  if (count <= 0) return out;

  // Sort the history: observations (succeeded trials, and stopped ones at their last measured value, in
  // creation order), failures, pending; and every point tried, kept at a distance (point_set.h).
  std::vector<Eigen::VectorXd> observed, failed, pending;
  std::vector<double> objectives;
  PointSet seen(encoding_.Resolutions());
  int prior_succeeded = 0;
  for (const TrialView& trial : config_.prior) {
    if (trial.outcome != TrialView::Outcome::kSucceeded && trial.outcome != TrialView::Outcome::kFailed) {
      continue;
    }
    Eigen::VectorXd x = encoding_.Encode(trial.assignment);
    seen.Insert(x);
    if (trial.outcome == TrialView::Outcome::kSucceeded && trial.objective &&
        std::isfinite(*trial.objective)) {
      objectives.push_back(sign * *trial.objective);
      observed.push_back(std::move(x));
      ++prior_succeeded;
    } else {
      failed.push_back(std::move(x));
    }
  }
  // Warm-start observations take the place of that many quasi-random initial trials.
  const int64_t initial_trials = std::max<int64_t>(0, initial_trials_ - prior_succeeded);
  for (const TrialView& trial : history) {
    Eigen::VectorXd x = encoding_.Encode(trial.assignment);
    seen.Insert(x);
    const bool valued = trial.objective && std::isfinite(*trial.objective);
    switch (trial.outcome) {
      case TrialView::Outcome::kPending:
        pending.push_back(std::move(x));
        break;
      case TrialView::Outcome::kSucceeded:
      case TrialView::Outcome::kStopped:
        // A stopped trial's last measurement is a pessimistic observation of its point (docs/search.md,
        // "Stopped trials"); without one it is only kept away from.
        if (valued) {
          objectives.push_back(sign * *trial.objective);
          observed.push_back(std::move(x));
        } else if (trial.outcome == TrialView::Outcome::kSucceeded) {
          failed.push_back(std::move(x));
        }
        break;
      case TrialView::Outcome::kFailed:
        failed.push_back(std::move(x));
        break;
    }
  }

  // A quasi-random point for trial `index` not yet seen (nullopt when a small discrete space is used up).
  auto initial = [&](int64_t index) -> std::optional<Eigen::VectorXd> {
    for (uint64_t attempt = 0; attempt < 64; ++attempt) {
      Eigen::VectorXd x =
          encoding_.Encode(InitialPoint(static_cast<int64_t>(index + attempt * kRetryStride)));
      if (!seen.ContainsNear(x)) return x;
    }
    return std::nullopt;
  };

  const int64_t first = static_cast<int64_t>(history.size());
  const bool model_phase = first + count > initial_trials && observed.size() >= 2;
  std::optional<GpModel> gp;
  Eigen::MatrixXd incumbents;
  double best = 0;
  if (model_phase) {
    const int n = static_cast<int>(observed.size() + failed.size());
    Eigen::MatrixXd x(n, d);
    for (size_t i = 0; i < observed.size(); ++i)
      x.row(static_cast<Eigen::Index>(i)) = observed[i].transpose();
    for (size_t i = 0; i < failed.size(); ++i) {
      x.row(static_cast<Eigen::Index>(observed.size() + i)) = failed[i].transpose();
    }
    const std::vector<double> warped = WarpObjectives(objectives, static_cast<int>(failed.size()));
    const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(warped.data(), n);

    const MaternKernel kernel(encoding_.CategoricalMask());
    std::optional<GpState> saved = DecodeGpState(state);
    GpHyperparameters hyper;
    if (NeedsFit(saved, n, d)) {
      const std::vector<int> fit_rows = Subset(y, kFitCap);
      const std::optional<GpHyperparameters> warm =
          saved && saved->theta.size() == d + 2 ? std::optional(GpHyperparameters::Unpack(saved->theta))
                                                : std::nullopt;
      hyper = FitHyperparameters(kernel, Rows(x, fit_rows), Rows(y, fit_rows), warm ? &*warm : nullptr,
                                 config_.seed);
      state = EncodeGpState({.fit_observations = n, .theta = hyper.Pack()});
    } else {
      hyper = GpHyperparameters::Unpack(saved->theta);
    }
    const std::vector<int> rows = Subset(y, kDataCap);
    absl::StatusOr<GpModel> model = GpModel::Create(kernel, Rows(x, rows), Rows(y, rows), hyper);
    if (model.ok()) {
      gp.emplace(*std::move(model));
      // Kriging believer: each pending trial is believed to return the posterior mean.
      for (const Eigen::VectorXd& p : pending) {
        Eigen::VectorXd mean, variance;
        gp->Predict(p.transpose(), &mean, &variance);
        gp->AddObservation(p, mean(0));
      }
      std::vector<int> order(observed.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return y(a) < y(b); });
      order.resize(std::min<size_t>(order.size(), kIncumbents));
      incumbents = Rows(x, order);
      best = y(order.front());
    }
    // When the posterior cannot be built (non-finite inputs), fall back to the quasi-random design.
  }

  for (int i = 0; i < count; ++i) {
    const int64_t index = first + i;
    std::optional<Eigen::VectorXd> chosen;
    if (gp && index >= initial_trials) {
      const AcquisitionResult r =
          OptimizeAcquisition(*gp, encoding_, incumbents, best, seen, config_.seed,
                              static_cast<uint64_t>(index), OptionsFor(gp->size(), config_));
      if (!r.excluded) chosen = r.x;
    }
    if (chosen && seen.ContainsNear(encoding_.Encode(encoding_.Decode(*chosen)))) {
      chosen.reset();  // Rounding through the assignment brought it within resolution of a trial.
    }
    if (!chosen) chosen = initial(index);
    if (!chosen) break;  // Every point of a small discrete space has been tried.
    Assignment assignment = encoding_.Decode(*chosen);
    // As the next call will see it: through the assignment.
    const Eigen::VectorXd point = encoding_.Encode(assignment);
    seen.Insert(point);
    if (gp) {  // Kriging believer for the rest of the batch.
      Eigen::VectorXd mean, variance;
      gp->Predict(point.transpose(), &mean, &variance);
      gp->AddObservation(point, mean(0));
    }
    out.push_back(std::move(assignment));
  }
  return out;
}

}  // namespace hyperlab::searcher
