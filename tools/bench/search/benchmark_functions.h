// Branin and Hartmann-6 with their search spaces and known minima, for the search benchmarks.
//
// The same formulas as worker/synthetic_executor.cc (the cluster's `synthetic` task), repeated here so the
// benchmark links only the searcher. Both are minimised.
// Thread safety: pure functions and constants.
#ifndef HYPERLAB_TOOLS_BENCH_SEARCH_BENCHMARK_FUNCTIONS_H_
#define HYPERLAB_TOOLS_BENCH_SEARCH_BENCHMARK_FUNCTIONS_H_

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "searcher/search_space.h"

namespace hyperlab::bench {

struct BenchmarkFunction {
  std::string name;
  searcher::SearchSpace space;
  double minimum;
  double (*evaluate)(const std::vector<double>& x);
};

inline double Branin(const std::vector<double>& x) {
  constexpr double kPi = std::numbers::pi;
  constexpr double b = 5.1 / (4 * kPi * kPi), c = 5 / kPi, r = 6, s = 10, t = 1 / (8 * kPi);
  const double u = x[1] - b * x[0] * x[0] + c * x[0] - r;
  return u * u + s * (1 - t) * std::cos(x[0]) + s;
}

inline double Hartmann6(const std::vector<double>& x) {
  static constexpr double kAlpha[4] = {1.0, 1.2, 3.0, 3.2};
  static constexpr double kA[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                      {0.05, 10, 17, 0.1, 8, 14},
                                      {3, 3.5, 1.7, 10, 17, 8},
                                      {17, 8, 0.05, 10, 0.1, 14}};
  static constexpr double kP[4][6] = {{1312, 1696, 5569, 124, 8283, 5886},
                                      {2329, 4135, 8307, 3736, 1004, 9991},
                                      {2348, 1451, 3522, 2883, 3047, 6650},
                                      {4047, 8828, 8732, 5743, 1091, 381}};
  double sum = 0;
  for (int i = 0; i < 4; ++i) {
    double inner = 0;
    for (int j = 0; j < 6; ++j) {
      const double d = x[j] - kP[i][j] * 1e-4;
      inner += kA[i][j] * d * d;
    }
    sum += kAlpha[i] * std::exp(-inner);
  }
  return -sum;
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
