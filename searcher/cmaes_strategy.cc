#include "searcher/cmaes_strategy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "Eigen/Eigenvalues"
#include "searcher/halton.h"
#include "searcher/prng.h"
#include "searcher/unit_mapping.h"

namespace hyperlab::searcher {
namespace {

constexpr double kConverged = 1e-5;     // sigma * sqrt(largest eigenvalue) below this: restart.
constexpr double kMaxCondition = 1e14;  // Covariance condition number beyond this: restart.

double Gaussian(Prng& rng) {
  const double u = 1 - rng.Uniform(), v = rng.Uniform();
  return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v);
}

}  // namespace

// Strategy parameters for one population size, and the adapted state.
struct CmaEsStrategy::Search {
  int d = 0, lambda = 0, mu = 0, restarts = 0, generations = 0;
  Eigen::VectorXd weights;
  double mu_eff = 0, c_sigma = 0, d_sigma = 0, c_c = 0, c_1 = 0, c_mu = 0, chi_n = 0;
  Eigen::VectorXd mean, p_sigma, p_c;
  Eigen::MatrixXd cov, basis;  // cov = basis * diag(scale^2) * basis^T.
  Eigen::VectorXd scale;
  double sigma = 0;
  int run_generations = 0;  // Generations since the last (re)start.

  void Start(int dimensions, int population, const Eigen::VectorXd& start_mean) {
    d = dimensions;
    lambda = population;
    mu = lambda / 2;
    weights.resize(mu);
    for (int i = 0; i < mu; ++i) weights(i) = std::log(mu + 0.5) - std::log(i + 1.0);
    weights /= weights.sum();
    mu_eff = 1 / weights.squaredNorm();
    const double n = d;
    c_sigma = (mu_eff + 2) / (n + mu_eff + 5);
    d_sigma = 1 + 2 * std::max(0.0, std::sqrt((mu_eff - 1) / (n + 1)) - 1) + c_sigma;
    c_c = (4 + mu_eff / n) / (n + 4 + 2 * mu_eff / n);
    c_1 = 2 / ((n + 1.3) * (n + 1.3) + mu_eff);
    c_mu = std::min(1 - c_1, 2 * (mu_eff - 2 + 1 / mu_eff) / ((n + 2) * (n + 2) + mu_eff));
    chi_n = std::sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    mean = start_mean;
    p_sigma = Eigen::VectorXd::Zero(d);
    p_c = Eigen::VectorXd::Zero(d);
    cov = Eigen::MatrixXd::Identity(d, d);
    basis = Eigen::MatrixXd::Identity(d, d);
    scale = Eigen::VectorXd::Ones(d);
    sigma = kInitialSigma;
    run_generations = 0;
  }

  // One generation: `points` (rows, unit cube) sorted best first. Returns false when the run should restart.
  bool Update(const Eigen::MatrixXd& points, bool flat) {
    const Eigen::VectorXd old_mean = mean;
    Eigen::MatrixXd y(mu, d);
    for (int i = 0; i < mu; ++i) y.row(i) = (points.row(i).transpose() - old_mean) / sigma;
    const Eigen::VectorXd y_w = y.transpose() * weights;
    mean = old_mean + sigma * y_w;
    // C^(-1/2) y_w = B D^-1 B^T y_w.
    const Eigen::VectorXd whitened = basis * (basis.transpose() * y_w).cwiseQuotient(scale);
    p_sigma = (1 - c_sigma) * p_sigma + std::sqrt(c_sigma * (2 - c_sigma) * mu_eff) * whitened;
    ++run_generations;
    const double norm = p_sigma.norm() / std::sqrt(1 - std::pow(1 - c_sigma, 2.0 * run_generations));
    const bool h_sigma = norm < (1.4 + 2 / (d + 1.0)) * chi_n;
    p_c = (1 - c_c) * p_c + (h_sigma ? std::sqrt(c_c * (2 - c_c) * mu_eff) : 0.0) * y_w;
    Eigen::MatrixXd rank_mu = Eigen::MatrixXd::Zero(d, d);
    for (int i = 0; i < mu; ++i) rank_mu += weights(i) * y.row(i).transpose() * y.row(i);
    cov = (1 - c_1 - c_mu) * cov + c_1 * (p_c * p_c.transpose() + (h_sigma ? 0.0 : c_c * (2 - c_c)) * cov) +
          c_mu * rank_mu;
    cov = 0.5 * (cov + cov.transpose());
    sigma *= std::exp(std::min(1.0, (c_sigma / d_sigma) * (p_sigma.norm() / chi_n - 1)));
    sigma = std::min(sigma, 1.0);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(cov);
    if (eigen.info() != Eigen::Success) return false;
    const Eigen::VectorXd values = eigen.eigenvalues().cwiseMax(1e-300);
    basis = eigen.eigenvectors();
    scale = values.cwiseSqrt();
    if (flat || !std::isfinite(sigma) || !mean.allFinite()) return false;
    if (sigma * scale.maxCoeff() < kConverged || values.maxCoeff() > kMaxCondition * values.minCoeff())
      return false;
    return true;
  }
};

CmaEsStrategy::CmaEsStrategy(SearchSpace space, const AlgorithmConfig& config)
    : space_(std::move(space)), config_(config) {
  const int d = std::max<int>(1, static_cast<int>(space_.parameters.size()));
  lambda_ = 4 + static_cast<int>(std::floor(3 * std::log(d)));
}

CmaEsStrategy::Search CmaEsStrategy::Run(absl::Span<const TrialView> history) const {
  const int d = std::max<int>(1, static_cast<int>(space_.parameters.size()));
  const double sign = config_.goal == Goal::kMaximize ? -1 : 1;
  const Halton restart_means(d, config_.seed ^ 0xC3A5C85C97CB3127ULL);
  Search search;
  search.Start(d, lambda_, Eigen::VectorXd::Constant(d, 0.5));
  std::vector<std::pair<double, Eigen::VectorXd>> generation;
  for (const TrialView& trial : history) {
    if (trial.outcome == TrialView::Outcome::kPending) continue;
    Eigen::VectorXd x(d);
    for (int j = 0; j < d; ++j) {
      x(j) = j < static_cast<int>(space_.parameters.size()) && j < static_cast<int>(trial.assignment.size())
                 ? UnitOf(space_.parameters[j], trial.assignment[j])
                 : 0.5;
    }
    const bool valued =
        trial.outcome != TrialView::Outcome::kFailed && trial.objective && std::isfinite(*trial.objective);
    generation.emplace_back(valued ? sign * *trial.objective : std::numeric_limits<double>::infinity(),
                            std::move(x));
    if (static_cast<int>(generation.size()) < search.lambda) continue;
    std::stable_sort(generation.begin(), generation.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    Eigen::MatrixXd points(search.lambda, d);
    for (int i = 0; i < search.lambda; ++i) points.row(i) = generation[i].second.transpose();
    const bool flat = generation.front().first == generation[search.mu].first;
    generation.clear();
    ++search.generations;
    if (!search.Update(points, flat)) {
      // IPOP restart: a quasi-random mean, twice the population (at most 32 times the first).
      const std::vector<double> u = restart_means.Point(static_cast<uint64_t>(search.restarts) + 1);
      const int generations = search.generations, restarts = search.restarts + 1;
      search.Start(d, std::min(search.lambda * 2, lambda_ * 32),
                   Eigen::Map<const Eigen::VectorXd>(u.data(), d));
      search.generations = generations;
      search.restarts = restarts;
    }
  }
  return search;
}

Assignment CmaEsStrategy::Sample(const Search& search, int64_t index) const {
  Prng rng(config_.seed, static_cast<uint64_t>(index) ^ 0xC4A0'0000'0000'0000ULL);
  Eigen::VectorXd z(search.d);
  for (int j = 0; j < search.d; ++j) z(j) = Gaussian(rng);
  const Eigen::VectorXd x = search.mean + search.sigma * (search.basis * search.scale.cwiseProduct(z));
  Assignment out;
  for (size_t j = 0; j < space_.parameters.size(); ++j)
    out.push_back(ValueAtUnit(space_.parameters[j], x(j)));
  return out;
}

absl::StatusOr<std::vector<Assignment>> CmaEsStrategy::Suggest(absl::Span<const TrialView> history, int count,
                                                               std::string& state) const {
  std::vector<Assignment> out;
  if (count <= 0) return out;
  const Search search = Run(history);
  for (int i = 0; i < count; ++i) out.push_back(Sample(search, static_cast<int64_t>(history.size()) + i));
  return out;
}

CmaEsStrategy::Distribution CmaEsStrategy::Replay(absl::Span<const TrialView> history) const {
  const Search search = Run(history);
  return {.mean = search.mean,
          .sigma = search.sigma,
          .restarts = search.restarts,
          .generations = search.generations};
}

}  // namespace hyperlab::searcher
