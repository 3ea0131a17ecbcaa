#include "searcher/gp_strategy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "searcher/acquisition_optimizer.h"
#include "searcher/gp_fit.h"
#include "searcher/gp_model.h"
#include "searcher/gp_state.h"
#include "searcher/halton.h"
#include "searcher/input_warping.h"
#include "searcher/matern_kernel.h"
#include "searcher/output_warping.h"
#include "searcher/point_set.h"
#include "searcher/quantised_objective.h"
#include "searcher/trust_region.h"

namespace hyperlab::searcher {
namespace {

constexpr int kRefitAlwaysBelow = 64;       // Refit on every new result while there are fewer observations.
constexpr double kRefitGrowth = 0.1;        // Beyond, refit when observations grew by this fraction.
constexpr int kIncumbents = 5;              // Best points the acquisition optimiser searches around.
constexpr int kPlugInCandidates = 32;       // Best observed points ranked again by posterior mean.
constexpr uint64_t kRetryStride = 1000003;  // Halton index step when an initial point is taken.
// Declared noise: the lengthscale hedge's models have every fitted lengthscale times this and divided by it.
constexpr double kHedgeFactor = 2;
// Undeclared, the hedge is used for a quantised objective that fits as noisy: at least this fraction of the
// values tie exactly with another (quantised_objective.h), and the fitted noise variance is above this
// fraction of the signal variance.
constexpr double kQuantisedTies = 0.3;
constexpr double kQuantisedNoise = 0.3;

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

// Whether a saved fit is one for `dimensions` coordinates (with or without a projection).
bool FitsDimensions(const std::optional<GpState>& state, int dimensions) {
  return state && (state->theta.size() == dimensions + 2 || state->theta.size() == 2 * dimensions + 2) &&
         (state->warp.empty() || static_cast<int>(state->warp.size()) == dimensions);
}

// The saved fit (FitsDimensions must hold).
GpHyperparameters Restore(const GpState& state, int dimensions) {
  GpHyperparameters hyper = GpHyperparameters::Unpack(state.theta, dimensions);
  hyper.warp = state.warp;
  return hyper;
}

bool NeedsFit(const std::optional<GpState>& state, int64_t observations, int dimensions) {
  if (!FitsDimensions(state, dimensions)) return true;
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
  options.augmented = config.noisy;  // Augmented EI under declared noise (acquisition.h).
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
  // Of `observed`: whether it may be the incumbent. False for an infeasible trial, and, in a study with
  // outcome constraints, for a stopped one and a warm-start one (their feasibility is unknown).
  std::vector<bool> observed_feasible;
  PointSet seen;
  int prior_succeeded = 0;  // Observations from the warm-start prior (config.prior).
  // Outcome constraints: every completed trial (feasible or not) with its constraint values, in creation
  // order: the constraint models' data.
  std::vector<Eigen::VectorXd> constrained;
  std::vector<std::vector<double>> constraint_values;
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
      // Under this study's outcome constraints its feasibility is unknown (no constraint values): never
      // the incumbent then, like a stopped trial.
      h.observed_feasible.push_back(config.constraints.empty());
      ++h.prior_succeeded;
    } else {
      h.failed.push_back(std::move(x));
    }
  }
}

void AddHistory(const ParameterEncoding& encoding, absl::Span<const TrialView> history, double sign,
                size_t constraints, SortedHistory& h) {
  for (const TrialView& trial : history) {
    Eigen::VectorXd x = encoding.Encode(trial.assignment);
    h.seen.Insert(x);
    const bool valued = trial.objective && std::isfinite(*trial.objective);
    // A trial that completed with its constraint values: succeeded (feasible) or kFailed as infeasible.
    const bool completed =
        constraints > 0 && trial.constraint_values.size() == constraints &&
        (trial.outcome == TrialView::Outcome::kSucceeded || trial.outcome == TrialView::Outcome::kFailed);
    if (completed) {
      h.constrained.push_back(x);
      h.constraint_values.push_back(trial.constraint_values);
    }
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
          h.observed_feasible.push_back(trial.outcome == TrialView::Outcome::kSucceeded || constraints == 0);
        } else if (trial.outcome == TrialView::Outcome::kSucceeded) {
          h.failed.push_back(std::move(x));
        }
        break;
      case TrialView::Outcome::kFailed:
        // An infeasible trial's objective is a real observation: the objective model keeps it, and the
        // constraint models say where it is infeasible.
        if (completed && valued) {
          h.objectives.push_back(sign * *trial.objective);
          h.observed.push_back(std::move(x));
          h.observed_feasible.push_back(false);
        } else {
          h.failed.push_back(std::move(x));
        }
        break;
    }
  }
}

SortedHistory SortHistory(const ParameterEncoding& encoding, const AlgorithmConfig& config,
                          absl::Span<const TrialView> history) {
  const double sign = config.goal == Goal::kMaximize ? -1 : 1;
  SortedHistory h(encoding.Resolutions());
  AddPrior(encoding, config, sign, h);
  AddHistory(encoding, history, sign, config.constraints.size(), h);
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
// `key` chooses the rows beyond the cap (Subset: the lowest first); the targets when empty.
GpHyperparameters FitHyperparametersOrRestore(const MaternKernel& kernel, const TrainingSet& t, int d,
                                              uint64_t seed, std::string& state,
                                              const Eigen::VectorXd& key = Eigen::VectorXd()) {
  const int n = static_cast<int>(t.y.size());
  std::optional<GpState> saved = DecodeGpState(state);
  if (!NeedsFit(saved, n, d)) return Restore(*saved, d);
  const std::vector<int> fit_rows = Subset(key.size() == n ? key : t.y, GpStrategy::kFitCap);
  const Eigen::MatrixXd x = Rows(t.x, fit_rows);
  const Eigen::VectorXd y = Rows(t.y, fit_rows);
  const std::optional<GpHyperparameters> warm =
      FitsDimensions(saved, d) ? std::optional(Restore(*saved, d)) : std::nullopt;
  GpHyperparameters hyper = FitHyperparameters(kernel, x, y, warm ? &*warm : nullptr, seed);
  hyper = FitWarp(kernel, x, y, hyper, seed);  // input_warping.h; usually the identity.
  const Eigen::MatrixXd model_x = ApplyWarp(hyper.warp, x);
  if (std::optional<GpHyperparameters> projected =
          FitProjection(kernel, model_x, y, hyper, warm ? &*warm : nullptr)) {
    projected->warp = std::move(hyper.warp);
    hyper = *std::move(projected);
  }
  state = EncodeGpState({.fit_observations = n, .theta = hyper.Pack(), .warp = hyper.warp});
  return hyper;
}

// Kriging believer: the point is believed to return the posterior mean.
void BelieveMean(GpModel& gp, const Eigen::VectorXd& point) {
  Eigen::VectorXd mean, variance;
  gp.Predict(point.transpose(), &mean, &variance);
  gp.AddObservation(point, mean(0));
}

// One outcome constraint's model: the posterior of its standardised metric and the standardised bounds.
struct ConstraintPosterior {
  GpModel gp;
  double lower = -INFINITY, upper = INFINITY;
};

// The fitted model, with what the acquisition optimiser searches around.
struct Posterior {
  GpModel gp;
  Eigen::MatrixXd incumbents;  // The best feasible observed points (at most kIncumbents), best first.
  double best = 0;             // The best feasible observed target.
  // False when no observation is feasible yet: then the acquisition is the probability of feasibility
  // alone, and the incumbents are the completed trials that violate the constraints least.
  bool feasible_incumbent = true;
  Eigen::VectorXd box_lower, box_upper;          // The trust region around the best (trust_region.h).
  std::vector<ConstraintPosterior> constraints;  // One per modelled outcome constraint.
  // Declared noise (or a quantised objective fitted as noisy), at most kFitCap observations: the fit
  // with every lengthscale doubled, and halved (the lengthscale hedge, gp_strategy.h).
  std::vector<GpModel> hedges;
};

// Every model of `p` (objective, hedges, constraints) believes `point` returns its posterior mean.
void BelieveMean(Posterior& p, const Eigen::VectorXd& point) {
  BelieveMean(p.gp, point);
  for (GpModel& hedge : p.hedges) BelieveMean(hedge, point);
  for (ConstraintPosterior& c : p.constraints) BelieveMean(c.gp, point);
}

// Whether the acquisition hedges over lengthscales: a declared noisy objective, or an undeclared one that
// looks quantised (kQuantisedTies) and fits as noisy (kQuantisedNoise). The ties are counted only when the
// fit says noisy.
bool Hedged(const AlgorithmConfig& config, const GpHyperparameters& hyper,
            const std::vector<double>& objectives) {
  if (config.noisy) return true;
  return hyper.log_noise_variance - hyper.log_signal_variance > std::log(kQuantisedNoise) &&
         TiedFraction(objectives) >= kQuantisedTies;
}

// Splits the saved state into `parts` lines (the objective's fit, then each constraint's); missing ones
// are empty (fitted afresh). Without constraints the state is the objective's alone, as before.
std::vector<std::string> SplitState(const std::string& state, size_t parts) {
  std::vector<std::string> out(parts);
  size_t begin = 0;
  for (size_t k = 0; k < parts && begin <= state.size(); ++k) {
    const size_t end = std::min(state.find('\n', begin), state.size());
    out[k] = state.substr(begin, end - begin);
    begin = end + 1;
  }
  return out;
}

std::string JoinState(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '\n';
    out += parts[k];
  }
  return out;
}

// The constraint models: constraint k's metric, standardised over the completed trials that reported
// it, fitted (or restored from parts[k + 1]) like the objective's; none for a constraint with fewer than
// two finite values (then it does not weigh on the acquisition).
std::vector<ConstraintPosterior> FitConstraints(const MaternKernel& kernel, const AlgorithmConfig& config,
                                                const SortedHistory& h, int d,
                                                std::vector<std::string>& parts) {
  std::vector<ConstraintPosterior> out;
  for (size_t k = 0; k < config.constraints.size(); ++k) {
    std::vector<int> rows;
    for (size_t i = 0; i < h.constraint_values.size(); ++i) {
      if (std::isfinite(h.constraint_values[i][k])) rows.push_back(static_cast<int>(i));
    }
    if (rows.size() < 2) continue;
    const int n = static_cast<int>(rows.size());
    TrainingSet t;
    t.x.resize(n, d);
    t.y.resize(n);
    for (int i = 0; i < n; ++i) {
      t.x.row(i) = h.constrained[rows[i]].transpose();
      t.y(i) = h.constraint_values[rows[i]][k];
    }
    const double mean = t.y.mean();
    double sd = std::sqrt((t.y.array() - mean).square().mean());
    sd = std::max(sd, 1e-9 * std::max(1.0, std::abs(mean)));
    t.y = ((t.y.array() - mean) / sd).matrix();
    const ConstraintBound& bound = config.constraints[k];
    const double lower = bound.min ? (*bound.min - mean) / sd : -INFINITY;
    const double upper = bound.max ? (*bound.max - mean) / sd : INFINITY;
    // Beyond the caps, the rows nearest a bound matter most: they place the boundary.
    Eigen::VectorXd key(n);
    for (int i = 0; i < n; ++i) {
      key(i) = std::min(std::isfinite(lower) ? std::abs(t.y(i) - lower) : INFINITY,
                        std::isfinite(upper) ? std::abs(t.y(i) - upper) : INFINITY);
    }
    const GpHyperparameters hyper =
        FitHyperparametersOrRestore(kernel, t, d, config.seed ^ (0xC0'0000ULL + k), parts[k + 1], key);
    const std::vector<int> model_rows = Subset(key, GpStrategy::kDataCap);
    absl::StatusOr<GpModel> model =
        GpModel::Create(kernel, Rows(t.x, model_rows), Rows(t.y, model_rows), hyper);
    if (!model.ok()) continue;
    out.push_back({.gp = *std::move(model), .lower = lower, .upper = upper});
  }
  return out;
}

// How far a completed trial's constraint values are from feasible, in units of each metric's spread over
// the completed trials (a missing value counts as far).
std::vector<double> Violations(const AlgorithmConfig& config, const SortedHistory& h) {
  const size_t m = config.constraints.size();
  std::vector<double> spread(m, 1.0);
  for (size_t k = 0; k < m; ++k) {
    double lo = INFINITY, hi = -INFINITY;
    for (const std::vector<double>& v : h.constraint_values) {
      if (!std::isfinite(v[k])) continue;
      lo = std::min(lo, v[k]);
      hi = std::max(hi, v[k]);
    }
    if (hi > lo) spread[k] = hi - lo;
  }
  std::vector<double> out;
  for (const std::vector<double>& v : h.constraint_values) {
    double total = 0;
    for (size_t k = 0; k < m; ++k) {
      if (!std::isfinite(v[k])) {
        total += 1e6;
        continue;
      }
      const ConstraintBound& b = config.constraints[k];
      if (b.min && v[k] < *b.min) total += (*b.min - v[k]) / spread[k];
      if (b.max && v[k] > *b.max) total += (v[k] - *b.max) / spread[k];
    }
    out.push_back(total);
  }
  return out;
}

// The posterior on at most kDataCap observations, pending trials entered as fantasies. None when it cannot
// be built (non-finite inputs).
std::optional<Posterior> BuildPosterior(const ParameterEncoding& encoding, const MaternKernel& kernel,
                                        const TrainingSet& t, const GpHyperparameters& hyper,
                                        const SortedHistory& h, const AlgorithmConfig& config, int initial,
                                        std::vector<ConstraintPosterior> constraints) {
  const std::vector<int> rows = Subset(t.y, GpStrategy::kDataCap);
  absl::StatusOr<GpModel> model = GpModel::Create(kernel, Rows(t.x, rows), Rows(t.y, rows), hyper);
  if (!model.ok()) return std::nullopt;
  Posterior p{.gp = *std::move(model), .constraints = std::move(constraints)};
  if (static_cast<int>(rows.size()) <= GpStrategy::kFitCap && Hedged(config, hyper, h.objectives)) {
    for (const double factor : {kHedgeFactor, 1 / kHedgeFactor}) {
      GpHyperparameters scaled = hyper;
      scaled.log_lengthscales.array() += std::log(factor);
      absl::StatusOr<GpModel> hedge = GpModel::Create(kernel, Rows(t.x, rows), Rows(t.y, rows), scaled);
      if (hedge.ok()) p.hedges.push_back(*std::move(hedge));
    }
  }
  for (const Eigen::VectorXd& pending : h.pending) BelieveMean(p, pending);
  // Without constraint models every observation may be the incumbent, as without constraints.
  const bool constrained = !p.constraints.empty();
  std::vector<int> order;
  for (size_t i = 0; i < h.observed.size(); ++i) {
    if (!constrained || h.observed_feasible[i]) order.push_back(static_cast<int>(i));
  }
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return t.y(a) < t.y(b); });
  // Noisy observations: the lowest observed value is biased low (the luckiest draw), so the incumbents and
  // EI's reference are the best observed points ranked by posterior mean (the plug-in incumbent, Picheny
  // et al. 2013), among the kPlugInCandidates best observed, so that the cost stays bounded.
  order.resize(std::min<size_t>(order.size(), kPlugInCandidates));
  if (!order.empty()) {
    Eigen::VectorXd mean, variance;
    p.gp.Predict(Rows(t.x, order), &mean, &variance);
    std::vector<int> by_mean(order.size());
    std::iota(by_mean.begin(), by_mean.end(), 0);
    std::stable_sort(by_mean.begin(), by_mean.end(), [&](int a, int b) { return mean(a) < mean(b); });
    std::vector<int> ranked;
    for (int k : by_mean) ranked.push_back(order[k]);
    order = std::move(ranked);
    p.best = mean(by_mean.front());
  }
  order.resize(std::min<size_t>(order.size(), kIncumbents));
  if (!order.empty()) {
    p.incumbents = Rows(t.x, order);
  } else {
    // No feasible observation yet: search around the completed trials nearest to feasible.
    p.feasible_incumbent = false;
    const std::vector<double> violation = Violations(config, h);
    std::vector<int> near(violation.size());
    std::iota(near.begin(), near.end(), 0);
    std::stable_sort(near.begin(), near.end(), [&](int a, int b) { return violation[a] < violation[b]; });
    near.resize(std::min<size_t>(near.size(), kIncumbents));
    p.incumbents.resize(static_cast<Eigen::Index>(near.size()), t.x.cols());
    for (size_t i = 0; i < near.size(); ++i) {
      p.incumbents.row(static_cast<Eigen::Index>(i)) = h.constrained[near[i]].transpose();
    }
  }
  // The trust region: its length replayed from the values in creation order (warm-start ones first, so a
  // warm-started study goes on from where its source left the region), the first `initial` only setting
  // the best. An infeasible value is skipped, like a failure: it improves on nothing.
  std::vector<double> values = h.objectives;
  for (size_t i = 0; i < values.size(); ++i) {
    if (constrained && !h.observed_feasible[i]) values[i] = NAN;
  }
  const TrustRegionLength region = ReplayTrustRegion(values, initial, encoding.dimensions());
  if (config.trust_region) {
    TrustRegionBox(p.incumbents.row(0).transpose(), hyper.log_lengthscales.array().exp().matrix(),
                   encoding.CategoricalMask(), region.length, &p.box_lower, &p.box_upper);
  }
  return p;
}

// Step 2: builds the training set, fits (or restores) the hyperparameters and builds the posterior, with
// the constraint models when the study has outcome constraints.
std::optional<Posterior> Fit(const ParameterEncoding& encoding, const AlgorithmConfig& config,
                             const SortedHistory& h, int initial, std::string& state) {
  const int d = encoding.dimensions();
  const TrainingSet t = BuildTrainingSet(h, d);
  const MaternKernel kernel(encoding.CategoricalMask());
  if (config.constraints.empty()) {
    const GpHyperparameters hyper = FitHyperparametersOrRestore(kernel, t, d, config.seed, state);
    return BuildPosterior(encoding, kernel, t, hyper, h, config, initial, {});
  }
  std::vector<std::string> parts = SplitState(state, config.constraints.size() + 1);
  const GpHyperparameters hyper = FitHyperparametersOrRestore(kernel, t, d, config.seed, parts[0]);
  std::vector<ConstraintPosterior> constraints = FitConstraints(kernel, config, h, d, parts);
  state = JoinState(parts);
  return BuildPosterior(encoding, kernel, t, hyper, h, config, initial, std::move(constraints));
}

// Step 4: the candidate maximising the acquisition for trial `index`; none when every scored point was
// excluded, or when rounding through the assignment brings it within resolution of a trial.
std::optional<Eigen::VectorXd> MaximizeAcquisition(const Posterior& p, const ParameterEncoding& encoding,
                                                   const AlgorithmConfig& config, const PointSet& seen,
                                                   int64_t index) {
  AcquisitionOptimizerOptions options = OptionsFor(p.gp.size(), config);
  options.box_lower = p.box_lower;
  options.box_upper = p.box_upper;
  for (const ConstraintPosterior& c : p.constraints) {
    options.constraints.push_back({.gp = &c.gp, .lower = c.lower, .upper = c.upper});
  }
  options.feasible_incumbent = p.feasible_incumbent;
  for (const GpModel& hedge : p.hedges) options.hedges.push_back(&hedge);
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
  if (posterior != nullptr) BelieveMean(*posterior, point);
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
  for (int j = 0; j < encoding_.dimensions(); ++j) {
    // Trial 0 is the centre of every numeric range (in log space for a log-scaled one), as in Vizier: a
    // space is usually drawn around what its author believes, and the centre costs one trial of the
    // design. A categorical has no centre: it keeps the sequence's value.
    x(j) = encoding_.FromUnit(j, index == 0 && !encoding_.categorical(j) ? 0.5 : u[j]);
  }
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
    posterior = Fit(encoding_, config_, sorted, initial_trials_, state);
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

std::optional<int64_t> GpStrategy::Recommend(absl::Span<const TrialView> history,
                                             const std::string& state) const {
  if (!config_.noisy || config_.goals.size() >= 2) return std::nullopt;
  if (static_cast<int64_t>(history.size()) <= initial_trials_) return std::nullopt;
  // The succeeded trials, best observed first: the candidates.
  const double sign = config_.goal == Goal::kMaximize ? -1 : 1;
  std::vector<size_t> candidates;
  for (size_t i = 0; i < history.size(); ++i) {
    const TrialView& trial = history[i];
    if (trial.outcome == TrialView::Outcome::kSucceeded && trial.objective &&
        std::isfinite(*trial.objective)) {
      candidates.push_back(i);
    }
  }
  if (candidates.size() < 2) return std::nullopt;
  std::stable_sort(candidates.begin(), candidates.end(), [&](size_t a, size_t b) {
    return sign * *history[a].objective < sign * *history[b].objective;
  });
  candidates.resize(std::min<size_t>(candidates.size(), kPlugInCandidates));
  // The model as Suggest builds it, on the saved fit.
  const SortedHistory sorted = SortHistory(encoding_, config_, history);
  const int d = encoding_.dimensions();
  const TrainingSet t = BuildTrainingSet(sorted, d);
  const MaternKernel kernel(encoding_.CategoricalMask());
  std::string objective_state = SplitState(state, config_.constraints.size() + 1).front();
  const std::optional<GpState> saved = DecodeGpState(objective_state);
  const GpHyperparameters hyper =
      FitsDimensions(saved, d) ? Restore(*saved, d)
                               : FitHyperparametersOrRestore(kernel, t, d, config_.seed, objective_state);
  const std::vector<int> rows = Subset(t.y, kDataCap);
  absl::StatusOr<GpModel> model = GpModel::Create(kernel, Rows(t.x, rows), Rows(t.y, rows), hyper);
  if (!model.ok()) return std::nullopt;
  Eigen::MatrixXd x(static_cast<Eigen::Index>(candidates.size()), d);
  for (size_t k = 0; k < candidates.size(); ++k) {
    x.row(static_cast<Eigen::Index>(k)) = encoding_.Encode(history[candidates[k]].assignment).transpose();
  }
  Eigen::VectorXd mean, variance;
  model->Predict(x, &mean, &variance);
  Eigen::Index best = 0;
  (mean.array() + kRecommendSds * variance.array().max(0).sqrt()).minCoeff(&best);
  return history[candidates[static_cast<size_t>(best)]].index;
}

}  // namespace hyperlab::searcher
