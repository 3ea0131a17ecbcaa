// Multi-objective test problems shared by multiobjective_bench.cc (Hyperlab) and, written again in Python,
// optuna_mo_bench.py (Optuna): the same definitions, domains and hypervolume reference points.
//
//   zdt1   2 objectives, 6 variables in [0, 1]; convex front f2 = 1 - sqrt(f1) (Zitzler, Deb, Thiele 2000).
//   zdt2   2 objectives, 6 variables in [0, 1]; concave front f2 = 1 - f1^2.
//   dtlz2  3 objectives, 6 variables in [0, 1] (k = 4); the front is the positive unit sphere's octant
//          (Deb, Thiele, Laumanns, Zitzler 2002).
//   binh_korn  2 objectives, x in [0, 5], y in [0, 3], two constraints (Binh and Korn 1997), the problem
//          of Optuna's constrained-optimisation example.
// All objectives are minimised. Reference points: (1.1, 1.1) for ZDT, (1.1, 1.1, 1.1) for DTLZ2,
// (140, 50) for Binh-Korn.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_TOOLS_BENCH_MULTIOBJECTIVE_PROBLEMS_H_
#define HYPERLAB_TOOLS_BENCH_MULTIOBJECTIVE_PROBLEMS_H_

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

namespace hyperlab::bench {

struct Evaluation {
  std::vector<double> objectives;
  bool feasible = true;
  std::vector<double> constraints;  // c_k(x), feasible when each is <= Problem::bounds[k]; empty: none.
};

struct Problem {
  std::string name;
  std::vector<std::pair<double, double>> domain;
  std::vector<double> reference;
  Evaluation (*evaluate)(const std::vector<double>& x) = nullptr;
  std::vector<double> bounds;  // Upper bound of each constraint.
};

inline double ZdtG(const std::vector<double>& x) {
  double sum = 0;
  for (size_t i = 1; i < x.size(); ++i) sum += x[i];
  return 1 + 9 * sum / static_cast<double>(x.size() - 1);
}

inline Evaluation Zdt1(const std::vector<double>& x) {
  const double g = ZdtG(x);
  return {{x[0], g * (1 - std::sqrt(x[0] / g))}};
}

inline Evaluation Zdt2(const std::vector<double>& x) {
  const double g = ZdtG(x);
  return {{x[0], g * (1 - (x[0] / g) * (x[0] / g))}};
}

inline Evaluation Dtlz2(const std::vector<double>& x) {
  double g = 0;
  for (size_t i = 2; i < x.size(); ++i) g += (x[i] - 0.5) * (x[i] - 0.5);
  const double a = x[0] * std::numbers::pi / 2, b = x[1] * std::numbers::pi / 2;
  return {{(1 + g) * std::cos(a) * std::cos(b), (1 + g) * std::cos(a) * std::sin(b), (1 + g) * std::sin(a)}};
}

inline Evaluation BinhKorn(const std::vector<double>& x) {
  const double f1 = 4 * x[0] * x[0] + 4 * x[1] * x[1];
  const double f2 = (x[0] - 5) * (x[0] - 5) + (x[1] - 5) * (x[1] - 5);
  const double c1 = (x[0] - 5) * (x[0] - 5) + x[1] * x[1] - 25;                // <= 0
  const double c2 = -(x[0] - 8) * (x[0] - 8) - (x[1] + 3) * (x[1] + 3) + 7.7;  // <= 0
  return {{f1, f2}, c1 <= 0 && c2 <= 0, {c1, c2}};
}

inline std::vector<Problem> Problems() {
  const std::vector<std::pair<double, double>> unit6(6, {0.0, 1.0});
  return {{"zdt1", unit6, {1.1, 1.1}, Zdt1},
          {"zdt2", unit6, {1.1, 1.1}, Zdt2},
          {"dtlz2", unit6, {1.1, 1.1, 1.1}, Dtlz2},
          {"binh_korn", {{0, 5}, {0, 3}}, {140, 50}, BinhKorn, {0, 0}}};
}

}  // namespace hyperlab::bench

#endif  // HYPERLAB_TOOLS_BENCH_MULTIOBJECTIVE_PROBLEMS_H_
