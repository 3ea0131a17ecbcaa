// constrained_bench: Hyperlab's strategies on the constrained problems of constrained_problems.h,
// sequentially (one suggestion, one result), seeds 0..N-1. Per checkpoint: the best feasible value (one
// objective; lower is better, inf when no trial was feasible) or the hypervolume of the feasible trials
// (several objectives; higher is better), median over seeds. Trials reach the strategy as the coordinator
// hands them over (coordinator/study_state.cc): feasible -> succeeded; infeasible -> failed with its
// constraint values and objectives.
//
// Strategies: bayesian (the GP with one model per constraint, probability of feasibility in the
// acquisition), bayesian-imputed (the same GP told nothing of the constraints: an infeasible trial is a
// bare failure, imputed below the worst, which is what it did before constraints were modelled) and
// random. Optuna's figures come from optuna_constrained_bench.py (--optuna=FILE, its JSON output);
// run_constrained_bench.sh runs both.
//
// Usage: constrained_bench [--seeds=10] [--checkpoints=50,100] [--problems=gardner,townsend,srn]
//                          [--strategies=bayesian,bayesian-imputed,random] [--optuna=FILE]
//                          [--format=table|json]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "searcher/pareto.h"
#include "searcher/strategy.h"
#include "tools/bench/multiobjective/bench_flags.h"
#include "tools/bench/multiobjective/constrained_problems.h"

namespace hyperlab::bench {
namespace {

using Json = nlohmann::json;
using searcher::TrialView;

struct RunResult {
  std::vector<double> values;          // Per checkpoint: best feasible value, or feasible hypervolume.
  std::vector<double> feasible_share;  // Per checkpoint: the share of feasible trials so far.
};

RunResult Run(const ConstrainedProblem& p, const std::string& strategy, int seed,
              const std::vector<int>& checkpoints) {
  searcher::SearchSpace space;
  for (size_t i = 0; i < p.domain.size(); ++i) {
    space.parameters.push_back({.name = absl::StrCat("x", i),
                                .kind = searcher::ParameterKind::kDouble,
                                .min = p.domain[i].first,
                                .max = p.domain[i].second});
  }
  const bool several = !p.reference.empty();
  const bool pof = strategy == "bayesian";
  searcher::AlgorithmConfig config;
  config.kind = strategy == "random" ? searcher::AlgorithmConfig::Kind::kRandom
                                     : searcher::AlgorithmConfig::Kind::kBayesian;
  config.seed = static_cast<uint64_t>(seed);
  if (several) config.goals.assign(p.reference.size(), searcher::Goal::kMinimize);
  if (pof) {
    for (double b : p.bounds) config.constraints.push_back({.max = b});
  }
  auto made = searcher::MakeStrategy(space, config);
  if (!made.ok()) {
    std::cerr << made.status() << "\n";
    std::exit(1);
  }
  std::vector<TrialView> history;
  std::vector<std::vector<double>> feasible_points;
  double best = std::numeric_limits<double>::infinity();
  int feasible = 0;
  std::string state;
  RunResult out;
  const int total = *std::max_element(checkpoints.begin(), checkpoints.end());
  for (int t = 0; t < total; ++t) {
    auto next = (*made)->Suggest(history, 1, state);
    if (!next.ok() || next->empty()) {
      std::cerr << "suggest failed: " << (next.ok() ? "none" : next.status().ToString()) << "\n";
      std::exit(1);
    }
    std::vector<double> x;
    for (const auto& v : next->front()) x.push_back(std::get<double>(v));
    const ConstrainedEvaluation e = p.evaluate(x);
    const bool ok = p.Feasible(e);
    TrialView view{.index = t, .assignment = next->front()};
    view.outcome = ok ? TrialView::Outcome::kSucceeded : TrialView::Outcome::kFailed;
    if (ok || pof) {
      view.objective = e.objectives[0];
      if (several) view.objectives = e.objectives;
    }
    if (pof) view.constraint_values = e.constraints;
    if (ok) {
      ++feasible;
      feasible_points.push_back(e.objectives);
      best = std::min(best, e.objectives[0]);
    }
    history.push_back(std::move(view));
    if (std::find(checkpoints.begin(), checkpoints.end(), t + 1) != checkpoints.end()) {
      out.values.push_back(several ? searcher::Hypervolume(feasible_points, config.goals, p.reference)
                                   : best);
      out.feasible_share.push_back(static_cast<double>(feasible) / (t + 1));
    }
  }
  return out;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// JSON has no infinity: a run without a feasible trial is null there.
Json Number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }
double FromJson(const Json& j) {
  return j.is_null() ? std::numeric_limits<double>::infinity() : j.get<double>();
}

}  // namespace
}  // namespace hyperlab::bench

int main(int argc, char** argv) {
  using namespace hyperlab::bench;
  Flags flags;
  flags.problems = {"gardner", "townsend", "srn"};
  flags.strategies = {"bayesian", "bayesian-imputed", "random"};
  if (!ParseFlags(argc, argv, flags)) {
    std::cerr << "usage: constrained_bench [--seeds=10] [--checkpoints=50,100] [--problems=...] "
                 "[--strategies=bayesian,bayesian-imputed,random] [--optuna=FILE] [--format=table|json]\n";
    return 2;
  }
  Json rows = Json::array();
  for (const ConstrainedProblem& p : ConstrainedProblems()) {
    if (std::find(flags.problems.begin(), flags.problems.end(), p.name) == flags.problems.end()) continue;
    for (const std::string& s : flags.strategies) {
      const auto start = std::chrono::steady_clock::now();
      std::vector<std::vector<double>> runs(flags.checkpoints.size()), shares(flags.checkpoints.size());
      for (int seed = 0; seed < flags.seeds; ++seed) {
        const RunResult r = Run(p, s, seed, flags.checkpoints);
        for (size_t c = 0; c < r.values.size(); ++c) {
          runs[c].push_back(r.values[c]);
          shares[c].push_back(r.feasible_share[c]);
        }
      }
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, "hyperlab %s %s: %d seeds in %.1f s\n", p.name.c_str(), s.c_str(), flags.seeds,
                   seconds);
      for (size_t c = 0; c < flags.checkpoints.size(); ++c) {
        Json values = Json::array();
        for (double v : runs[c]) values.push_back(Number(v));
        rows.push_back({{"problem", p.name},
                        {"sampler", s},
                        {"source", "hyperlab"},
                        {"trials", flags.checkpoints[c]},
                        {"metric", p.reference.empty() ? "best_feasible" : "feasible_hypervolume"},
                        {"median", Number(Median(runs[c]))},
                        {"median_feasible_share", Median(shares[c])},
                        {"seconds", seconds},
                        {"runs", values}});
      }
    }
  }
  if (!flags.optuna.empty()) {
    std::ifstream in(flags.optuna);
    Json optuna = Json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!optuna.is_array()) {
      std::cerr << "--optuna: not a JSON array of rows: " << flags.optuna << "\n";
      return 1;
    }
    for (const Json& row : optuna) rows.push_back(row);
  }
  if (flags.format == "json") {
    std::cout << rows.dump(2) << "\n";
    return 0;
  }
  // Table: one line per problem and checkpoint, one column per sampler: the median, and in brackets the
  // median share of feasible trials.
  std::vector<std::string> samplers;
  std::map<std::pair<std::string, int>, std::map<std::string, std::pair<double, double>>> cells;
  std::vector<std::pair<std::string, int>> order;
  for (const Json& r : rows) {
    const std::string name = r["source"].get<std::string>() + "-" + r["sampler"].get<std::string>();
    if (std::find(samplers.begin(), samplers.end(), name) == samplers.end()) samplers.push_back(name);
    const auto key = std::make_pair(r["problem"].get<std::string>(), r["trials"].get<int>());
    if (std::find(order.begin(), order.end(), key) == order.end()) order.push_back(key);
    cells[key][name] = {FromJson(r["median"]), r.value("median_feasible_share", NAN)};
  }
  std::cout << "median over " << flags.seeds
            << " seeds: best feasible value (gardner, townsend: lower is better; inf = none feasible) or\n"
               "hypervolume of the feasible trials (srn: higher is better); [median share of feasible "
               "trials]\n";
  std::printf("%-9s %6s", "problem", "trials");
  for (const auto& s : samplers) std::printf(" %24s", s.c_str());
  std::printf("\n");
  for (const auto& key : order) {
    std::printf("%-9s %6d", key.first.c_str(), key.second);
    for (const auto& s : samplers) {
      auto it = cells[key].find(s);
      if (it == cells[key].end()) {
        std::printf(" %24s", "-");
      } else {
        char cell[64];
        std::snprintf(cell, sizeof cell, "%.4f [%.2f]", it->second.first, it->second.second);
        std::printf(" %24s", cell);
      }
    }
    std::printf("\n");
  }
  return 0;
}
