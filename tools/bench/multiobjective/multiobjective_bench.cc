// multiobjective_bench: Hyperlab's bayesian strategy with several objectives (random Chebyshev
// scalarisations, searcher/scalarising_strategy.h) and random search on the problems of problems.h,
// sequentially (one suggestion, one result), seeds 0..N-1; the hypervolume of the feasible trials at each
// checkpoint, median over seeds. An infeasible trial (Binh-Korn) is reported to the strategy as the
// coordinator does: failed, with its constraint values and objectives, which the bayesian strategy models
// (probability of feasibility); `bayesian-imputed` is the same GP told nothing of the constraints (an
// infeasible trial is a bare failure, as before constraints were modelled). Optuna's figures come from
// optuna_mo_bench.py (--optuna=FILE, its JSON output), and are printed beside ours;
// run_multiobjective_bench.sh runs both.
//
// Usage: multiobjective_bench [--seeds=10] [--checkpoints=50,100] [--problems=zdt1,zdt2,dtlz2,binh_korn]
//                             [--strategies=bayesian,random] (also: bayesian-imputed) [--optuna=FILE]
//                             [--format=table|json]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
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
#include "tools/bench/multiobjective/problems.h"

namespace hyperlab::bench {
namespace {

using Json = nlohmann::json;
using searcher::TrialView;

// One run: the hypervolume of the feasible trials after each checkpoint.
std::vector<double> Run(const Problem& p, const std::string& strategy, int seed,
                        const std::vector<int>& checkpoints) {
  searcher::SearchSpace space;
  for (size_t i = 0; i < p.domain.size(); ++i) {
    space.parameters.push_back({.name = absl::StrCat("x", i),
                                .kind = searcher::ParameterKind::kDouble,
                                .min = p.domain[i].first,
                                .max = p.domain[i].second});
  }
  searcher::AlgorithmConfig config;
  config.kind = strategy == "random" ? searcher::AlgorithmConfig::Kind::kRandom
                                     : searcher::AlgorithmConfig::Kind::kBayesian;
  const bool pof = strategy == "bayesian" && !p.bounds.empty();
  if (pof) {
    for (double b : p.bounds) config.constraints.push_back({.max = b});
  }
  config.seed = static_cast<uint64_t>(seed);
  config.goals.assign(p.reference.size(), searcher::Goal::kMinimize);
  auto made = searcher::MakeStrategy(space, config);
  if (!made.ok()) {
    std::cerr << made.status() << "\n";
    std::exit(1);
  }
  std::vector<TrialView> history;
  std::vector<std::vector<double>> feasible_points;
  std::string state;
  std::vector<double> out;
  const int total = *std::max_element(checkpoints.begin(), checkpoints.end());
  for (int t = 0; t < total; ++t) {
    auto next = (*made)->Suggest(history, 1, state);
    if (!next.ok() || next->empty()) {
      std::cerr << "suggest failed: " << (next.ok() ? "none" : next.status().ToString()) << "\n";
      std::exit(1);
    }
    std::vector<double> x;
    for (const auto& v : next->front()) x.push_back(std::get<double>(v));
    const Evaluation e = p.evaluate(x);
    TrialView view{.index = t, .assignment = next->front()};
    view.outcome = e.feasible ? TrialView::Outcome::kSucceeded : TrialView::Outcome::kFailed;
    if (e.feasible || pof) {
      view.objectives = e.objectives;
      view.objective = e.objectives[0];
    }
    if (pof) view.constraint_values = e.constraints;
    if (e.feasible) feasible_points.push_back(e.objectives);
    history.push_back(std::move(view));
    if (std::find(checkpoints.begin(), checkpoints.end(), t + 1) != checkpoints.end()) {
      out.push_back(searcher::Hypervolume(feasible_points, config.goals, p.reference));
    }
  }
  return out;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace
}  // namespace hyperlab::bench

int main(int argc, char** argv) {
  using namespace hyperlab::bench;
  Flags flags;
  flags.problems = {"zdt1", "zdt2", "dtlz2", "binh_korn"};
  flags.strategies = {"bayesian", "random"};
  if (!ParseFlags(argc, argv, flags)) {
    std::cerr << "usage: multiobjective_bench [--seeds=10] [--checkpoints=50,100] [--problems=...] "
                 "[--strategies=bayesian,random] [--optuna=FILE] [--format=table|json]\n";
    return 2;
  }
  Json rows = Json::array();
  for (const Problem& p : Problems()) {
    if (std::find(flags.problems.begin(), flags.problems.end(), p.name) == flags.problems.end()) continue;
    for (const std::string& s : flags.strategies) {
      std::vector<std::vector<double>> runs(flags.checkpoints.size());
      const auto start = std::chrono::steady_clock::now();
      for (int seed = 0; seed < flags.seeds; ++seed) {
        const std::vector<double> hv = Run(p, s, seed, flags.checkpoints);
        for (size_t c = 0; c < hv.size(); ++c) runs[c].push_back(hv[c]);
      }
      std::fprintf(stderr, "hyperlab %s %s: %d seeds in %.1f s\n", p.name.c_str(), s.c_str(), flags.seeds,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      for (size_t c = 0; c < flags.checkpoints.size(); ++c) {
        rows.push_back({{"problem", p.name},
                        {"sampler", s},
                        {"source", "hyperlab"},
                        {"trials", flags.checkpoints[c]},
                        {"median", Median(runs[c])},
                        {"runs", runs[c]}});
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
  // Table: one line per problem and checkpoint, one column per sampler (median hypervolume, higher is
  // better).
  std::vector<std::string> samplers;
  std::map<std::pair<std::string, int>, std::map<std::string, double>> cells;
  std::vector<std::pair<std::string, int>> order;
  for (const Json& r : rows) {
    const std::string name = r["source"].get<std::string>() == "hyperlab"
                                 ? "hyperlab-" + r["sampler"].get<std::string>()
                                 : "optuna-" + r["sampler"].get<std::string>();
    if (std::find(samplers.begin(), samplers.end(), name) == samplers.end()) samplers.push_back(name);
    const auto key = std::make_pair(r["problem"].get<std::string>(), r["trials"].get<int>());
    if (std::find(order.begin(), order.end(), key) == order.end()) order.push_back(key);
    cells[key][name] = r["median"].get<double>();
  }
  std::cout << "median hypervolume over " << flags.seeds << " seeds (higher is better)\n";
  std::printf("%-10s %6s", "problem", "trials");
  for (const auto& s : samplers) std::printf(" %16s", s.c_str());
  std::printf("\n");
  for (const auto& key : order) {
    std::printf("%-10s %6d", key.first.c_str(), key.second);
    for (const auto& s : samplers) {
      auto it = cells[key].find(s);
      if (it == cells[key].end()) {
        std::printf(" %16s", "-");
      } else {
        std::printf(" %16.4f", it->second);
      }
    }
    std::printf("\n");
  }
  return 0;
}
