#include "searcher/acquisition_optimizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "searcher/halton.h"
#include "searcher/prng.h"

namespace hyperlab::searcher {
namespace {

constexpr double kMinStep = 1e-5, kMaxStep = 0.3;

double Gaussian(Prng& rng) {
  // Box-Muller; 1 - Uniform() is in (0, 1], so the log is finite.
  const double u = 1 - rng.Uniform(), v = rng.Uniform();
  return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v);
}

// The trust region of `options` (or the unit cube).
struct Box {
  Eigen::VectorXd lower, upper;
  double Clamp(int j, double u) const { return lower.size() == 0 ? u : std::clamp(u, lower(j), upper(j)); }
  double FromUnit(int j, double u) const {
    return lower.size() == 0 ? u : lower(j) + u * (upper(j) - lower(j));
  }
};

// Perturbs a few coordinates of `x` by about `step` (snapping them into the box), always at least one.
Eigen::VectorXd Perturb(const Eigen::VectorXd& x, double step, const ParameterEncoding& encoding,
                        const Box& box, Prng& rng) {
  const int d = encoding.dimensions();
  Eigen::VectorXd y = x;
  const double p = std::min(1.0, 2.0 / d);
  const int forced = static_cast<int>(rng.Below(static_cast<uint64_t>(d)));
  for (int j = 0; j < d; ++j) {
    if (j != forced && rng.Uniform() >= p) continue;
    if (encoding.categorical(j)) {
      y(j) = encoding.FromUnit(j, rng.Uniform());
    } else {
      y(j) = encoding.Snap(j, box.Clamp(j, x(j) + step * Gaussian(rng)));
    }
  }
  encoding.Canonicalise(y);
  return y;
}

class Scorer {
 public:
  Scorer(const GpModel& gp, double best, const PointSet& excluded, const AcquisitionOptimizerOptions& options)
      : gp_(gp), best_(best), excluded_(excluded), options_(options) {
    const GpHyperparameters& hyper = gp.hyperparameters();
    if (options.augmented && options.kind == AcquisitionKind::kLogEi &&
        hyper.log_noise_variance - hyper.log_signal_variance > std::log(options.augmented_min_noise)) {
      augmented_noise_variance_ = std::exp(hyper.log_noise_variance);
    }
  }

  Eigen::VectorXd Score(const Eigen::MatrixXd& points) const {
    Eigen::VectorXd mean, variance;
    gp_.Predict(points, &mean, &variance);
    Eigen::VectorXd score;
    if (!options_.feasible_incumbent && !options_.constraints.empty()) {
      score = Eigen::VectorXd::Zero(points.rows());
    } else {
      score = options_.kind == AcquisitionKind::kUcb ? UpperConfidenceBound(mean, variance, options_.ucb_beta)
                                                     : HedgedLogEi(points, mean, variance);
      if (augmented_noise_variance_ > 0) score += LogNoiseDiscount(variance, augmented_noise_variance_);
    }
    for (const FeasibilityModel& c : options_.constraints) {
      Eigen::VectorXd c_mean, c_variance;
      c.gp->Predict(points, &c_mean, &c_variance);
      score += LogProbabilityOfFeasibility(c_mean, c_variance, c.lower, c.upper);
    }
    for (Eigen::Index i = 0; i < points.rows(); ++i) {
      if (!std::isfinite(score(i))) score(i) = -std::numeric_limits<double>::infinity();
      if (excluded_.ContainsNear(points.row(i).transpose()))
        score(i) = -std::numeric_limits<double>::infinity();
    }
    return score;
  }

 private:
  // log EI under the model (`mean`, `variance` at `points`), or the log of its mean over the model and the
  // hedges.
  Eigen::VectorXd HedgedLogEi(const Eigen::MatrixXd& points, const Eigen::VectorXd& mean,
                              const Eigen::VectorXd& variance) const {
    std::vector<Eigen::VectorXd> log_ei = {LogExpectedImprovement(mean, variance, best_)};
    if (options_.hedges.empty()) return log_ei.front();
    for (const GpModel* hedge : options_.hedges) {
      Eigen::VectorXd hedge_mean, hedge_variance;
      hedge->Predict(points, &hedge_mean, &hedge_variance);
      log_ei.push_back(LogExpectedImprovement(hedge_mean, hedge_variance, best_));
    }
    return LogMeanExp(log_ei);
  }

  const GpModel& gp_;
  double best_;
  const PointSet& excluded_;
  const AcquisitionOptimizerOptions& options_;
  double augmented_noise_variance_ = 0;  // > 0: augmented EI with this noise (acquisition.h).
};

}  // namespace

AcquisitionResult OptimizeAcquisition(const GpModel& gp, const ParameterEncoding& encoding,
                                      const Eigen::MatrixXd& incumbents, double best,
                                      const PointSet& excluded, uint64_t seed, uint64_t stream,
                                      const AcquisitionOptimizerOptions& options) {
  const int d = encoding.dimensions();
  Prng rng(seed, stream ^ 0xAC0'0000'0000ULL);
  const Scorer scorer(gp, best, excluded, options);
  Box box;
  if (options.box_lower.size() == d && options.box_upper.size() == d) {
    box.lower = options.box_lower;
    box.upper = options.box_upper;
  }

  // Initial candidates: quasi-random, then around the incumbents at two scales.
  const int around = static_cast<int>(incumbents.rows()) * options.per_incumbent;
  const GpHyperparameters& hyper = gp.hyperparameters();
  const bool noisy = hyper.log_noise_variance - hyper.log_signal_variance > std::log(options.lines_max_noise);
  const int per_line = incumbents.rows() > 0 && !noisy ? std::max(0, options.line_points) : 0;
  Eigen::MatrixXd candidates(options.quasi_random + around + per_line * d, d);
  const Halton halton(d, seed ^ (stream * 0x9E3779B97F4A7C15ULL));
  for (int i = 0; i < options.quasi_random; ++i) {
    const std::vector<double> u = halton.Point(static_cast<uint64_t>(i));
    Eigen::VectorXd x(d);
    for (int j = 0; j < d; ++j) {
      x(j) = encoding.categorical(j) ? encoding.FromUnit(j, u[j]) : encoding.Snap(j, box.FromUnit(j, u[j]));
    }
    encoding.Canonicalise(x);
    candidates.row(i) = x.transpose();
  }
  for (int k = 0; k < around; ++k) {
    const int which = k / options.per_incumbent;
    const double step = (k % 2 == 0) ? 0.1 : 0.01;
    candidates.row(options.quasi_random + k) =
        Perturb(incumbents.row(which).transpose(), step, encoding, box, rng).transpose();
  }
  // Along each coordinate line through the best incumbent, over the whole range: evenly spaced from a
  // random offset, so successive suggestions probe different values.
  if (per_line > 0) {
    const double offset = rng.Uniform();
    for (int j = 0; j < d; ++j) {
      for (int k = 0; k < per_line; ++k) {
        Eigen::VectorXd x = incumbents.row(0).transpose();
        const double u = (k + offset) / per_line;
        x(j) = encoding.categorical(j) ? encoding.FromUnit(j, u) : encoding.Snap(j, u);
        encoding.Canonicalise(x);
        candidates.row(options.quasi_random + around + j * per_line + k) = x.transpose();
      }
    }
  }
  const Eigen::VectorXd scores = scorer.Score(candidates);

  // The best distinct starts.
  std::vector<Eigen::Index> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return scores(a) > scores(b); });
  std::vector<Eigen::VectorXd> starts;
  std::vector<double> values, steps;
  for (Eigen::Index i : order) {
    if (static_cast<int>(starts.size()) >= options.starts) break;
    const Eigen::VectorXd x = candidates.row(i).transpose();
    if (std::any_of(starts.begin(), starts.end(), [&](const Eigen::VectorXd& s) { return s == x; })) continue;
    starts.push_back(x);
    values.push_back(scores(i));
    steps.push_back(0.05);
  }

  // Batched local search.
  const int s_count = static_cast<int>(starts.size()), per = options.perturbations;
  Eigen::MatrixXd batch(s_count * per, d);
  for (int round = 0; round < options.rounds && s_count > 0; ++round) {
    for (int s = 0; s < s_count; ++s) {
      for (int k = 0; k < per; ++k)
        batch.row(s * per + k) = Perturb(starts[s], steps[s], encoding, box, rng).transpose();
    }
    const Eigen::VectorXd batch_scores = scorer.Score(batch);
    for (int s = 0; s < s_count; ++s) {
      Eigen::Index arg;
      const double value = batch_scores.segment(s * per, per).maxCoeff(&arg);
      if (value > values[s]) {
        values[s] = value;
        starts[s] = batch.row(s * per + arg).transpose();
        steps[s] = std::min(kMaxStep, steps[s] * 1.5);
      } else {
        steps[s] = std::max(kMinStep, steps[s] * 0.5);
      }
    }
  }

  AcquisitionResult result;
  if (s_count == 0) {
    result.x = candidates.row(order.front()).transpose();
    result.value = scores(order.front());
    result.excluded = true;
    return result;
  }
  const int arg = static_cast<int>(std::max_element(values.begin(), values.end()) - values.begin());
  result.x = starts[arg];
  result.value = values[arg];
  result.excluded = !std::isfinite(result.value);
  return result;
}

}  // namespace hyperlab::searcher
