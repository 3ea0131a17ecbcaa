// Branin and Hartmann-6 with their search spaces and known minima, for the search benchmarks.
//
// Both are minimised.
// Thread safety: pure functions and constants.
#ifndef HYPERLAB_TOOLS_BENCH_SEARCH_BENCHMARK_FUNCTIONS_H_
#define HYPERLAB_TOOLS_BENCH_SEARCH_BENCHMARK_FUNCTIONS_H_

#include <cmath>
#include <string>
#include <vector>

#include "searcher/search_space.h"
#include "worker/synthetic_executor.h"

namespace hyperlab::bench {

struct BenchmarkFunction {
  std::string name;
  searcher::SearchSpace space;
  double minimum;
  double (*evaluate)(const std::vector<double>& x);
};

// The cluster's own `synthetic` objectives (worker/synthetic_executor.h), so the benchmark measures the
// functions the workers evaluate.
inline double Branin(const std::vector<double>& x) { return worker::Branin(x[0], x[1]); }

inline double Hartmann6(const std::vector<double>& x) {
  return worker::Hartmann6({x[0], x[1], x[2], x[3], x[4], x[5]});
}

inline BenchmarkFunction BraninFunction() {
  BenchmarkFunction f{.name = "branin", .minimum = 0.397887357729739, .evaluate = Branin};
  f.space.parameters.push_back({.name = "x1", .min = -5, .max = 10});
  f.space.parameters.push_back({.name = "x2", .min = 0, .max = 15});
  return f;
}

inline BenchmarkFunction Hartmann6Function() {
  BenchmarkFunction f{.name = "hartmann6", .minimum = -3.32236801141551, .evaluate = Hartmann6};
  for (const char* name : {"x1", "x2", "x3", "x4", "x5", "x6"}) {
    f.space.parameters.push_back({.name = name, .min = 0, .max = 1});
  }
  return f;
}

}  // namespace hyperlab::bench

#endif  // HYPERLAB_TOOLS_BENCH_SEARCH_BENCHMARK_FUNCTIONS_H_
