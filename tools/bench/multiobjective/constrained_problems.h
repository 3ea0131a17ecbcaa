// Constrained test problems shared by constrained_bench.cc (Hyperlab) and, written again in Python,
// optuna_constrained_bench.py (Optuna): the same definitions, domains, bounds and reference points.
// Every constraint is c_k(x) <= bound_k; every objective is minimised.
//
//   gardner   1 objective, x, y in [0, 6]: sin(x) + y subject to sin(x) sin(y) <= -0.95 (Gardner et al.,
//             "Bayesian optimization with inequality constraints", ICML 2014, problem 2). Two small
//             feasible islands (about 2% of the square); the unconstrained minimum (3 pi / 2, 0) is
//             infeasible; the constrained minimum is -1 + asin(0.95) = 0.2532 at (3 pi / 2, 1.2532).
//   townsend  1 objective, x in [-2.25, 2.5], y in [-2.5, 1.75]: the modified Townsend function
//             -cos((x - 0.1) y)^2 - x sin(3x + y) inside a cardioid-like curve: x^2 + y^2 - r(t)^2 <= 0,
//             r(t)^2 = (2 cos t - cos 2t / 2 - cos 3t / 4 - cos 4t / 8)^2 + (2 sin t)^2, t = atan2(x, y).
//             About 64% feasible; the unconstrained minimum (-3.37) is outside; the constrained minimum is
//             -2.0239884 at (2.0052938, 1.1944509), on the boundary.
//   srn       2 objectives, x, y in [-20, 20] (Srinivas and Deb 1994): f1 = 2 + (x - 2)^2 + (y - 1)^2,
//             f2 = 9x - (y - 1)^2, subject to x^2 + y^2 <= 225 and x - 3y + 10 <= 0 (about 16% feasible).
//             Hypervolume reference point (250, 50).
//
// Thread safety: pure functions.
#ifndef HYPERLAB_TOOLS_BENCH_MULTIOBJECTIVE_CONSTRAINED_PROBLEMS_H_
#define HYPERLAB_TOOLS_BENCH_MULTIOBJECTIVE_CONSTRAINED_PROBLEMS_H_

#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace hyperlab::bench {

struct ConstrainedEvaluation {
  std::vector<double> objectives;
  std::vector<double> constraints;  // c_k(x); feasible when each is <= its bound.
};

struct ConstrainedProblem {
  std::string name;
  std::vector<std::pair<double, double>> domain;
  std::vector<double> bounds;     // Upper bound of each constraint.
  std::vector<double> reference;  // Hypervolume reference point (several objectives only).
  double optimum = 0;             // The constrained minimum (one objective only).
  ConstrainedEvaluation (*evaluate)(const std::vector<double>& x) = nullptr;

  bool Feasible(const ConstrainedEvaluation& e) const {
    for (size_t k = 0; k < bounds.size(); ++k) {
      if (!(e.constraints[k] <= bounds[k])) return false;
    }
    return true;
  }
};

inline ConstrainedEvaluation Gardner(const std::vector<double>& x) {
  return {{std::sin(x[0]) + x[1]}, {std::sin(x[0]) * std::sin(x[1])}};
}

inline ConstrainedEvaluation Townsend(const std::vector<double>& x) {
  const double a = x[0], b = x[1];
  const double f = -std::pow(std::cos((a - 0.1) * b), 2) - a * std::sin(3 * a + b);
  const double t = std::atan2(a, b);
  const double r2 =
      std::pow(2 * std::cos(t) - 0.5 * std::cos(2 * t) - 0.25 * std::cos(3 * t) - 0.125 * std::cos(4 * t),
               2) +
      std::pow(2 * std::sin(t), 2);
  return {{f}, {a * a + b * b - r2}};
}

inline ConstrainedEvaluation Srn(const std::vector<double>& x) {
  const double a = x[0], b = x[1];
  return {{2 + (a - 2) * (a - 2) + (b - 1) * (b - 1), 9 * a - (b - 1) * (b - 1)},
          {a * a + b * b, a - 3 * b + 10}};
}

inline std::vector<ConstrainedProblem> ConstrainedProblems() {
  return {{"gardner", {{0, 6}, {0, 6}}, {-0.95}, {}, 0.2532, Gardner},
          {"townsend", {{-2.25, 2.5}, {-2.5, 1.75}}, {0}, {}, -2.0239884, Townsend},
          {"srn", {{-20, 20}, {-20, 20}}, {225, 0}, {250, 50}, 0, Srn}};
}

}  // namespace hyperlab::bench

#endif  // HYPERLAB_TOOLS_BENCH_MULTIOBJECTIVE_CONSTRAINED_PROBLEMS_H_
