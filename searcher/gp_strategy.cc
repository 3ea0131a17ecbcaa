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
#include "searcher/point_set.h"
#include "searcher/trust_region.h"

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
  const double scale = std::clamp(std::pow(256.0 / std::max(model_size, 1), 2), 0.1, 1.0);
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

// Suggest's stages (steps of gp_strategy.h).

// Step 2's input: the history sorted into observations (succeeded trials, and stopped ones at their last
// measured value, in creation order), failures and pending trials; and every point tried, kept at a
// distance (point_set.h).
struct SortedHistory {
  explicit SortedHistory(std::vector<double> resolutions) : seen(std::move(resolutions)) {}

  std::vector<Eigen::VectorXd> observed, failed, pending;
  std::vector<double> objectives;  // Of `observed`, to minimise (negated when the goal is to maximise).
  PointSet seen;
  int prior_succeeded = 0;  // Observations from the warm-start prior (config.prior).
};

// The warm-start prior's succeeded and failed trials (others are ignored).
void AddPrior(const ParameterEncoding& encoding, const AlgorithmConfig& config, double sign,
              SortedHistory& h) {
  for (const TrialView& trial : config.prior) {
    if (trial.outcome != TrialView::Outcome::kSucceeded && trial.outcome != TrialView::Outcome::kFailed) {
      continue;
    }
    Eigen::VectorXd x = encoding.Encode(trial.assignment);
    h.seen.Insert(x);
    if (trial.outcome == TrialView::Outcome::kSucceeded && trial.objective &&
        std::isfinite(*trial.objective)) {
      h.objectives.push_back(sign * *trial.objective);
      h.observed.push_back(std::move(x));
      ++h.prior_succeeded;
    } else {
      h.failed.push_back(std::move(x));
    }
  }
}

void AddHistory(const ParameterEncoding& encoding, absl::Span<const TrialView> history, double sign,
                SortedHistory& h) {
  for (const TrialView& trial : history) {
    Eigen::VectorXd x = encoding.Encode(trial.assignment);
    h.seen.Insert(x);
    const bool valued = trial.objective && std::isfinite(*trial.objective);
    switch (trial.outcome) {
      case TrialView::Outcome::kPending:
        h.pending.push_back(std::move(x));
        break;
      case TrialView::Outcome::kSucceeded:
      case TrialView::Outcome::kStopped:
        // A stopped trial's last measurement is a pessimistic observation of its point (docs/search.md,
        // "Stopped trials"); without one it is only kept away from.
        if (valued) {
          h.objectives.push_back(sign * *trial.objective);
          h.observed.push_back(std::move(x));
        } else if (trial.outcome == TrialView::Outcome::kSucceeded) {
          h.failed.push_back(std::move(x));
        }
        break;
      case TrialView::Outcome::kFailed:
        h.failed.push_back(std::move(x));
        break;
    }
  }
}

SortedHistory SortHistory(const ParameterEncoding& encoding, const AlgorithmConfig& config,
                          absl::Span<const TrialView> history) {
  const double sign = config.goal == Goal::kMaximize ? -1 : 1;
  SortedHistory h(encoding.Resolutions());
  AddPrior(encoding, config, sign, h);
  AddHistory(encoding, history, sign, h);
  return h;
}

// The training set: observations then failures, one encoded row each, and their warped targets
// (output_warping.h: failures imputed below the worst).
struct TrainingSet {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
};

TrainingSet BuildTrainingSet(const SortedHistory& h, int d) {
  const int n = static_cast<int>(h.observed.size() + h.failed.size());
  TrainingSet t;
  t.x.resize(n, d);
  for (size_t i = 0; i < h.observed.size(); ++i)
    t.x.row(static_cast<Eigen::Index>(i)) = h.observed[i].transpose();
  for (size_t i = 0; i < h.failed.size(); ++i) {
    t.x.row(static_cast<Eigen::Index>(h.observed.size() + i)) = h.failed[i].transpose();
  }
  const std::vector<double> warped = WarpObjectives(h.objectives, static_cast<int>(h.failed.size()));
  t.y = Eigen::Map<const Eigen::VectorXd>(warped.data(), n);
  return t;
}

// The hyperparameters: refitted by MAP on at most kFitCap rows (warm started from the saved fit) when
// enough new results have arrived, the fit then saved in `state`; else the saved ones.
GpHyperparameters FitHyperparametersOrRestore(const MaternKernel& kernel, const TrainingSet& t, int d,
                                              uint64_t seed, std::string& state) {
  const int n = static_cast<int>(t.y.size());
  std::optional<GpState> saved = DecodeGpState(state);
  if (!NeedsFit(saved, n, d)) return GpHyperparameters::Unpack(saved->theta);
  const std::vector<int> fit_rows = Subset(t.y, GpStrategy::kFitCap);
  const std::optional<GpHyperparameters> warm = saved && saved->theta.size() == d + 2
                                                    ? std::optional(GpHyperparameters::Unpack(saved->theta))
                                                    : std::nullopt;
  GpHyperparameters hyper =
      FitHyperparameters(kernel, Rows(t.x, fit_rows), Rows(t.y, fit_rows), warm ? &*warm : nullptr, seed);
  state = EncodeGpState({.fit_observations = n, .theta = hyper.Pack()});
  return hyper;
}

// Kriging believer: the point is believed to return the posterior mean.
void BelieveMean(GpModel& gp, const Eigen::VectorXd& point) {
  Eigen::VectorXd mean, variance;
  gp.Predict(point.transpose(), &mean, &variance);
  gp.AddObservation(point, mean(0));
}

// The fitted model, with what the acquisition optimiser searches around.
struct Posterior {
  GpModel gp;
  Eigen::MatrixXd incumbents;            // The best observed points (at most kIncumbents), best first.
  double best = 0;                       // The best observed target.
  Eigen::VectorXd box_lower, box_upper;  // The trust region around the best (trust_region.h).
};

// The posterior on at most kDataCap observations, pending trials entered as fantasies. None when it cannot
// be built (non-finite inputs).
std::optional<Posterior> BuildPosterior(const ParameterEncoding& encoding, const MaternKernel& kernel,
                                        const TrainingSet& t, const GpHyperparameters& hyper,
                                        const SortedHistory& h, int initial) {
  const std::vector<int> rows = Subset(t.y, GpStrategy::kDataCap);
  absl::StatusOr<GpModel> model = GpModel::Create(kernel, Rows(t.x, rows), Rows(t.y, rows), hyper);
  if (!model.ok()) return std::nullopt;
  Posterior p{.gp = *std::move(model)};
  for (const Eigen::VectorXd& pending : h.pending) BelieveMean(p.gp, pending);
  std::vector<int> order(h.observed.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return t.y(a) < t.y(b); });
  order.resize(std::min<size_t>(order.size(), kIncumbents));
  p.incumbents = Rows(t.x, order);
  p.best = t.y(order.front());
  // The trust region: its length replayed from the values in creation order (warm-start ones first, so a
  // warm-started study goes on from where its source left the region), the first `initial` only setting
  // the best.
  const TrustRegionLength region = ReplayTrustRegion(h.objectives, initial, encoding.dimensions());
  TrustRegionBox(p.incumbents.row(0).transpose(), hyper.log_lengthscales.array().exp().matrix(),
                 encoding.CategoricalMask(), region.length, &p.box_lower, &p.box_upper);
  return p;
}

// Step 2: builds the training set, fits (or restores) the hyperparameters and builds the posterior.
std::optional<Posterior> Fit(const ParameterEncoding& encoding, uint64_t seed, const SortedHistory& h,
                             int initial, std::string& state) {
  const int d = encoding.dimensions();
  const TrainingSet t = BuildTrainingSet(h, d);
  const MaternKernel kernel(encoding.CategoricalMask());
  const GpHyperparameters hyper = FitHyperparametersOrRestore(kernel, t, d, seed, state);
  return BuildPosterior(encoding, kernel, t, hyper, h, initial);
}

// Step 4: the candidate maximising the acquisition for trial `index`; none when every scored point was
// excluded, or when rounding through the assignment brings it within resolution of a trial.
std::optional<Eigen::VectorXd> MaximizeAcquisition(const Posterior& p, const ParameterEncoding& encoding,
                                                   const AlgorithmConfig& config, const PointSet& seen,
                                                   int64_t index) {
  AcquisitionOptimizerOptions options = OptionsFor(p.gp.size(), config);
  options.box_lower = p.box_lower;
  options.box_upper = p.box_upper;
  const AcquisitionResult r = OptimizeAcquisition(p.gp, encoding, p.incumbents, p.best, seen, config.seed,
                                                  static_cast<uint64_t>(index), options);
  if (r.excluded) return std::nullopt;
  if (seen.ContainsNear(encoding.Encode(encoding.Decode(r.x)))) return std::nullopt;
  return r.x;
}

// The chosen point's assignment. From now on the point is kept away from as the next call will see it
// (through the assignment), and the rest of the batch believes it returns the posterior mean.
Assignment Pick(const ParameterEncoding& encoding, const Eigen::VectorXd& chosen, PointSet& seen,
                Posterior* posterior) {
  Assignment assignment = encoding.Decode(chosen);
  const Eigen::VectorXd point = encoding.Encode(assignment);
  seen.Insert(point);
  if (posterior != nullptr) BelieveMean(posterior->gp, point);
  return assignment;
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

std::optional<Eigen::VectorXd> GpStrategy::UnseenInitialPoint(int64_t index, const PointSet& seen) const {
  for (uint64_t attempt = 0; attempt < 64; ++attempt) {
    Eigen::VectorXd x = encoding_.Encode(InitialPoint(static_cast<int64_t>(index + attempt * kRetryStride)));
    if (!seen.ContainsNear(x)) return x;
  }
  return std::nullopt;
}

absl::StatusOr<std::vector<Assignment>> GpStrategy::Suggest(absl::Span<const TrialView> history, int count,
                                                            std::string& state) const {
  std::vector<Assignment> out;
  if (count <= 0) return out;
  SortedHistory sorted = SortHistory(encoding_, config_, history);
  // Warm-start observations take the place of that many quasi-random initial trials.
  const int64_t initial_trials = std::max<int64_t>(0, initial_trials_ - sorted.prior_succeeded);
  const int64_t first = static_cast<int64_t>(history.size());
  std::optional<Posterior> posterior;
  if (first + count > initial_trials && sorted.observed.size() >= 2) {
    // When the posterior cannot be built (non-finite inputs), fall back to the quasi-random design.
    // The region's replay counts the design size, not what is left of it after a warm start: restarting
    // the region at its largest for a warm-started study had it probe the corners of a box around an
    // optimum its source had already exploited
    // (LabJournalTest.WarmStartedStudyReachesTheTargetInFewerTrials).
    posterior = Fit(encoding_, config_.seed, sorted, initial_trials_, state);
  }
  for (int i = 0; i < count; ++i) {
    const int64_t index = first + i;
    std::optional<Eigen::VectorXd> chosen;
    if (posterior && index >= initial_trials) {
      chosen = MaximizeAcquisition(*posterior, encoding_, config_, sorted.seen, index);
    }
    if (!chosen) chosen = UnseenInitialPoint(index, sorted.seen);
    if (!chosen) break;  // Every point of a small discrete space has been tried.
    out.push_back(Pick(encoding_, *chosen, sorted.seen, posterior ? &*posterior : nullptr));
  }
  return out;
}

}  // namespace hyperlab::searcher
