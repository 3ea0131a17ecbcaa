// Branin and Hartmann-6 with their search spaces and known minima, for the search benchmarks.
//
// Both are minimised.
// Thread safety: pure functions and constants.
#ifndef HYPERLAB_TOOLS_BENCH_SEARCH_BENCHMARK_FUNCTIONS_H_
#define HYPERLAB_TOOLS_BENCH_SEARCH_BENCHMARK_FUNCTIONS_H_

#include <string>
#include <vector>

#include "searcher/search_space.h"
#include "common/spec/synthetic_functions.h"

namespace hyperlab::bench {

struct BenchmarkFunction {
  std::string name;
  searcher::SearchSpace space;
  double minimum;
  double (*evaluate)(const std::vector<double>& x);
};

// The cluster's own `synthetic` objectives (common/spec/synthetic_functions.h), so the benchmark measures the
// functions the workers evaluate, on the domains where their minima are known.
inline BenchmarkFunction FromSynthetic(const std::string& name) {
  const SyntheticFunction& fn = *FindSyntheticFunction(name);
  BenchmarkFunction f{.name = fn.name, .minimum = fn.minimum, .evaluate = fn.evaluate};
  for (const SyntheticFunction::Parameter& p : fn.parameters) {
    f.space.parameters.push_back({.name = p.name, .min = p.min, .max = p.max});
  }
  return f;
}

inline BenchmarkFunction BraninFunction() { return FromSynthetic("branin"); }
inline BenchmarkFunction Hartmann6Function() { return FromSynthetic("hartmann6"); }

}  // namespace hyperlab::bench

#endif  // HYPERLAB_TOOLS_BENCH_SEARCH_BENCHMARK_FUNCTIONS_H_
