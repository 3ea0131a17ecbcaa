// Minimisation with box bounds by projected BFGS: a small bounded quasi-Newton method for a few dozen
// variables (here the Gaussian-process hyperparameters).
//
// Why our own: the searcher links Abseil and Eigen only (no nlopt), and the problems are tiny, so a dense
// inverse-Hessian BFGS restricted to the free variables (those not held at a bound by their gradient), with
// a projected backtracking (Armijo) line search, is simple and robust. Deterministic: no randomness.
//
// Example:
//   BoundedBfgsOptions options;
//   Eigen::VectorXd x = x0;
//   double f = MinimizeBounded(objective, lower, upper, options, x);
//
// Thread safety: a pure function; safe to call concurrently if `objective` is.
#ifndef HYPERLAB_SEARCHER_BOUNDED_BFGS_H_
#define HYPERLAB_SEARCHER_BOUNDED_BFGS_H_

#include <functional>

#include "Eigen/Core"

namespace hyperlab::searcher {

// Returns f(x) and writes its gradient to *gradient. A non-finite value means "outside the domain": the
// line search backs off.
using DifferentiableFunction = std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd* gradient)>;

struct BoundedBfgsOptions {
  int max_iterations = 60;           // BFGS steps.
  int max_evaluations = 150;         // Function evaluations, line searches included.
  double gradient_tolerance = 1e-5;  // Stop when the projected gradient's largest entry is below this.
  double value_tolerance = 1e-9;     // Stop when a step improves f by less than this, relative to |f| + 1.
};

// Minimises `f` over lower <= x <= upper starting from `x` (projected onto the box first); leaves the best
// point found in `x` and returns its value.
double MinimizeBounded(const DifferentiableFunction& f, const Eigen::VectorXd& lower,
                       const Eigen::VectorXd& upper, const BoundedBfgsOptions& options, Eigen::VectorXd& x);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_BOUNDED_BFGS_H_
