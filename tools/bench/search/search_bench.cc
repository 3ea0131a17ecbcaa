// search_bench: sample efficiency and suggest latency of Hyperlab's search strategies, beside Optuna.
//
// Regret: each strategy runs sequentially (one suggestion, one result) on Branin and Hartmann-6 for 10 seeds;
// the simple regret (best value found minus the known minimum) is recorded at each checkpoint and the
// median over seeds is printed. Grid search gets, for a checkpoint of T trials, the largest grid of at most
// T points (points_per_double = floor(T^(1/d))), the best a grid can do with that budget.
// Latency: the bayesian strategy in 6 dimensions with N completed trials (Hartmann-6 at random points):
// `--calls` successive Suggest calls, each followed by one more completed trial, as a running study does
// (hyperparameter refits included when they fall due); p50 and max are printed.
// Checks: 8 parallel slots with asynchronous completions never hold two trials at the same point; and a
// study "restarted" at every step (a fresh strategy object given the history and the saved state) suggests
// exactly what an uninterrupted one does.
// Optuna's figures come from optuna_bench.py (`--optuna=FILE`, its JSON output); run_search_bench.sh runs
// both.
//
// Usage: search_bench [--mode=all|regret|latency|checks] [--seeds=10] [--checkpoints=20,50,100]
//                     [--sizes=100,1000,5000] [--calls=15] [--optuna=FILE] [--format=table|json]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "searcher/grid_strategy.h"
#include "searcher/random_strategy.h"
#include "searcher/strategy.h"
#include "tools/bench/search/benchmark_functions.h"

namespace hyperlab::bench {
namespace {

using searcher::AlgorithmConfig;
using searcher::Assignment;
using searcher::TrialView;
using Json = nlohmann::json;

struct Flags {
  std::string mode = "all";
  int seeds = 10;
  std::vector<int> checkpoints = {20, 50, 100};
  std::vector<int> sizes = {100, 1000, 5000};
  int calls = 15;
  std::string optuna;
  std::string format = "table";
  std::string functions = "branin,hartmann6";
  std::string strategies = "bayesian,random,grid";
};

std::vector<int> IntList(const std::string& text) {
  std::vector<int> out;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int v = 0;
    if (!absl::SimpleAtoi(part, &v)) {
      std::cerr << "search_bench: not a number: " << part << "\n";
      std::exit(2);
    }
    out.push_back(v);
  }
  return out;
}

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');
    const std::string key = arg.substr(0, eq), value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (key == "--mode")
      flags.mode = value;
    else if (key == "--seeds")
      flags.seeds = IntList(value).at(0);
    else if (key == "--checkpoints")
      flags.checkpoints = IntList(value);
    else if (key == "--sizes")
      flags.sizes = IntList(value);
    else if (key == "--calls")
      flags.calls = IntList(value).at(0);
    else if (key == "--optuna")
      flags.optuna = value;
    else if (key == "--format")
      flags.format = value;
    else if (key == "--functions")
      flags.functions = value;
    else if (key == "--strategies")
      flags.strategies = value;
    else {
      std::cerr << "search_bench: unknown flag " << arg << "\n";
      std::exit(2);
    }
  }
  return flags;
}

std::vector<double> Numbers(const Assignment& a) {
  std::vector<double> x;
  for (const auto& v : a) x.push_back(std::get<double>(v));
  return x;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::unique_ptr<searcher::Strategy> Make(const BenchmarkFunction& f, AlgorithmConfig config) {
  auto strategy = searcher::MakeStrategy(f.space, config);
  if (!strategy.ok()) {
    std::cerr << "search_bench: " << strategy.status() << "\n";
    std::exit(1);
  }
  return *std::move(strategy);
}

// Best-so-far regret at each checkpoint of one sequential run.
std::vector<double> RunSequential(const BenchmarkFunction& f, AlgorithmConfig::Kind kind, uint64_t seed,
                                  const std::vector<int>& checkpoints) {
  const std::unique_ptr<searcher::Strategy> strategy = Make(f, {.kind = kind, .seed = seed});
  std::vector<TrialView> history;
  std::string state;
  double best = 1e300;
  std::vector<double> out;
  const int total = *std::max_element(checkpoints.begin(), checkpoints.end());
  for (int t = 0; t < total; ++t) {
    auto next = strategy->Suggest(history, 1, state);
    if (!next.ok() || next->empty()) break;
    const double value = f.evaluate(Numbers(next->front()));
    best = std::min(best, value);
    history.push_back({.index = t,
                       .assignment = next->front(),
                       .outcome = TrialView::Outcome::kSucceeded,
                       .objective = value});
    if (std::find(checkpoints.begin(), checkpoints.end(), t + 1) != checkpoints.end()) {
      out.push_back(best - f.minimum);
    }
  }
  return out;
}

double GridRegret(const BenchmarkFunction& f, int budget) {
  const int d = static_cast<int>(f.space.parameters.size());
  int points = 1;
  while (std::pow(points + 1, d) <= budget) ++points;
  searcher::GridStrategy grid(f.space, points);
  double best = 1e300;
  for (int64_t i = 0; i < *grid.Capacity(); ++i) best = std::min(best, f.evaluate(Numbers(grid.Point(i))));
  return best - f.minimum;
}

Json Regret(const Flags& flags) {
  Json rows = Json::array();
  const auto wanted = [](const std::string& list, const std::string& name) {
    for (absl::string_view part : absl::StrSplit(list, ',')) {
      if (part == name) return true;
    }
    return false;
  };
  for (const BenchmarkFunction& f : {BraninFunction(), Hartmann6Function()}) {
    if (!wanted(flags.functions, f.name)) continue;
    for (auto [name, kind] : {std::pair{"bayesian", AlgorithmConfig::Kind::kBayesian},
                              std::pair{"random", AlgorithmConfig::Kind::kRandom}}) {
      if (!wanted(flags.strategies, name)) continue;
      std::vector<std::vector<double>> runs(flags.checkpoints.size());
      for (int seed = 0; seed < flags.seeds; ++seed) {
        const std::vector<double> r = RunSequential(f, kind, static_cast<uint64_t>(seed), flags.checkpoints);
        for (size_t c = 0; c < r.size(); ++c) runs[c].push_back(r[c]);
      }
      for (size_t c = 0; c < flags.checkpoints.size(); ++c) {
        rows.push_back({{"function", f.name},
                        {"sampler", name},
                        {"source", "hyperlab"},
                        {"trials", flags.checkpoints[c]},
                        {"median", Median(runs[c])},
                        {"runs", runs[c]}});
      }
    }
    for (int checkpoint : flags.checkpoints) {
      if (!wanted(flags.strategies, "grid")) break;
      const double r = GridRegret(f, checkpoint);
      rows.push_back({{"function", f.name},
                      {"sampler", "grid"},
                      {"source", "hyperlab"},
                      {"trials", checkpoint},
                      {"median", r},
                      {"runs", {r}}});
    }
  }
  return rows;
}

Json Latency(const Flags& flags) {
  const BenchmarkFunction f = Hartmann6Function();
  Json rows = Json::array();
  for (int size : flags.sizes) {
    const std::unique_ptr<searcher::Strategy> strategy =
        Make(f, {.kind = AlgorithmConfig::Kind::kBayesian, .seed = 1});
    searcher::RandomStrategy random(f.space, 99);
    std::vector<TrialView> history;
    for (int t = 0; t < size - 1; ++t) {
      const Assignment a = random.Sample(t);
      history.push_back({.index = t,
                         .assignment = a,
                         .outcome = TrialView::Outcome::kSucceeded,
                         .objective = f.evaluate(Numbers(a))});
    }
    std::string state;
    (void)strategy->Suggest(history, 1, state);  // The study so far: leaves a saved fit, as in a real run.
    std::vector<double> ms;
    for (int call = 0; call < flags.calls; ++call) {
      const Assignment a = random.Sample(static_cast<int64_t>(history.size()));
      history.push_back({.index = static_cast<int64_t>(history.size()),
                         .assignment = a,
                         .outcome = TrialView::Outcome::kSucceeded,
                         .objective = f.evaluate(Numbers(a))});
      const auto start = std::chrono::steady_clock::now();
      auto next = strategy->Suggest(history, 1, state);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      if (!next.ok()) std::exit(1);
    }
    rows.push_back({{"sampler", "bayesian"},
                    {"source", "hyperlab"},
                    {"trials", size},
                    {"p50_ms", Median(ms)},
                    {"max_ms", *std::max_element(ms.begin(), ms.end())}});
  }
  return rows;
}

Json Checks() {
  const BenchmarkFunction f = Hartmann6Function();
  Json out;
  // 8 slots, asynchronous: each step the oldest running trial completes and one suggestion refills the slot.
  {
    const std::unique_ptr<searcher::Strategy> strategy =
        Make(f, {.kind = AlgorithmConfig::Kind::kBayesian, .seed = 3});
    std::vector<TrialView> history;
    std::string state;
    int shared = 0;
    double best = 1e300;
    auto add = [&](int count) {
      auto next = strategy->Suggest(history, count, state);
      for (const Assignment& a : *next) {
        history.push_back({.index = static_cast<int64_t>(history.size()), .assignment = a});
      }
    };
    add(8);
    for (size_t done = 0; history.size() < 100; ++done) {
      std::set<Assignment> running;
      int n_running = 0;
      for (const TrialView& t : history) {
        if (t.outcome != TrialView::Outcome::kPending) continue;
        running.insert(t.assignment);
        ++n_running;
      }
      shared += n_running - static_cast<int>(running.size());
      TrialView& finished = history[done];
      finished.outcome = TrialView::Outcome::kSucceeded;
      finished.objective = f.evaluate(Numbers(finished.assignment));
      best = std::min(best, *finished.objective);
      add(1);
    }
    out["parallel8"] = {{"trials", history.size()},
                        {"steps_with_shared_points", shared},
                        {"regret_at_completed", best - f.minimum}};
  }
  // Restart at every step versus no restart, with 4 slots.
  {
    const AlgorithmConfig config{.kind = AlgorithmConfig::Kind::kBayesian, .seed = 5};
    const std::unique_ptr<searcher::Strategy> uninterrupted = Make(f, config);
    std::vector<TrialView> history;
    std::string state;
    int differences = 0, steps = 0;
    for (size_t done = 0; history.size() < 60; ++steps) {
      const int count = history.empty() ? 4 : 1;
      std::string restarted_state = state;  // As journaled.
      auto a = uninterrupted->Suggest(history, count, state);
      auto b = Make(f, config)->Suggest(history, count, restarted_state);
      if (*a != *b || state != restarted_state) ++differences;
      for (const Assignment& x : *a)
        history.push_back({.index = static_cast<int64_t>(history.size()), .assignment = x});
      history[done].outcome = TrialView::Outcome::kSucceeded;
      history[done].objective = f.evaluate(Numbers(history[done].assignment));
      ++done;
    }
    out["restart"] = {{"steps", steps}, {"differences", differences}};
  }
  return out;
}

std::string Fixed(double v, int precision) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", precision, v);
  return buf;
}

void PrintTable(const Json& result) {
  if (result.contains("regret")) {
    std::map<std::pair<std::string, std::string>, std::map<int, double>> table;
    std::vector<std::pair<std::string, std::string>> order;
    std::set<int> checkpoints;
    for (const Json& row : result["regret"]) {
      const std::pair<std::string, std::string> key{
          row["function"],
          absl::StrCat(row["source"].get<std::string>(), " ", row["sampler"].get<std::string>())};
      if (!table.count(key)) order.push_back(key);
      table[key][row["trials"]] = row["median"];
      checkpoints.insert(row["trials"].get<int>());
    }
    std::stable_sort(order.begin(), order.end(), [](auto& a, auto& b) { return a.first < b.first; });
    std::printf("Median simple regret over seeds (lower is better)\n%-10s %-24s", "function", "sampler");
    for (int c : checkpoints) std::printf(" %10s", absl::StrCat("@", c).c_str());
    std::printf("\n");
    for (const auto& key : order) {
      std::printf("%-10s %-24s", key.first.c_str(), key.second.c_str());
      for (int c : checkpoints) {
        const auto it = table[key].find(c);
        std::printf(" %10s", it == table[key].end() ? "-" : Fixed(it->second, 4).c_str());
      }
      std::printf("\n");
    }
  }
  if (result.contains("latency")) {
    std::printf("\nSuggest latency, 6-D (Hartmann-6), ms\n%-24s %8s %10s %10s\n", "sampler", "trials", "p50",
                "max");
    for (const Json& row : result["latency"]) {
      std::printf(
          "%-24s %8d %10s %10s\n",
          absl::StrCat(row["source"].get<std::string>(), " ", row["sampler"].get<std::string>()).c_str(),
          row["trials"].get<int>(), Fixed(row["p50_ms"], 1).c_str(), Fixed(row["max_ms"], 1).c_str());
    }
  }
  if (result.contains("checks")) std::printf("\nChecks: %s\n", result["checks"].dump().c_str());
}

}  // namespace
}  // namespace hyperlab::bench

int main(int argc, char** argv) {
  using namespace hyperlab::bench;
  const Flags flags = ParseFlags(argc, argv);
  Json result;
  Json optuna;
  if (!flags.optuna.empty()) {
    std::ifstream in(flags.optuna);
    if (!in) {
      std::cerr << "search_bench: cannot read " << flags.optuna << "\n";
      return 2;
    }
    optuna = Json::parse(in);
  }
  if (flags.mode == "all" || flags.mode == "regret") {
    result["regret"] = Regret(flags);
    if (optuna.contains("regret"))
      for (const Json& row : optuna["regret"]) result["regret"].push_back(row);
  }
  if (flags.mode == "all" || flags.mode == "latency") {
    result["latency"] = Latency(flags);
    if (optuna.contains("latency"))
      for (const Json& row : optuna["latency"]) result["latency"].push_back(row);
  }
  if (flags.mode == "all" || flags.mode == "checks") result["checks"] = Checks();
  if (flags.format == "json") {
    std::cout << result.dump(2) << "\n";
  } else {
    PrintTable(result);
  }
  return 0;
}
