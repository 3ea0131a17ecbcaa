#include "searcher/bounded_bfgs.h"

#include <cmath>

namespace hyperlab::searcher {
namespace {

// Variables held at a bound by the gradient are fixed for the step.
Eigen::VectorXd FreeMask(const Eigen::VectorXd& x, const Eigen::VectorXd& g, const Eigen::VectorXd& lower,
                         const Eigen::VectorXd& upper) {
  Eigen::VectorXd mask = Eigen::VectorXd::Ones(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if ((x(i) <= lower(i) && g(i) > 0) || (x(i) >= upper(i) && g(i) < 0)) mask(i) = 0;
  }
  return mask;
}

}  // namespace

double MinimizeBounded(const DifferentiableFunction& f, const Eigen::VectorXd& lower,
                       const Eigen::VectorXd& upper, const BoundedBfgsOptions& options, Eigen::VectorXd& x) {
  const Eigen::Index n = x.size();
  x = x.cwiseMax(lower).cwiseMin(upper);
  Eigen::VectorXd g(n);
  double fx = f(x, &g);
  int evaluations = 1;
  if (!std::isfinite(fx)) return fx;
  Eigen::MatrixXd h = Eigen::MatrixXd::Identity(n, n);  // Inverse Hessian approximation.
  for (int iteration = 0; iteration < options.max_iterations && evaluations < options.max_evaluations;
       ++iteration) {
    const Eigen::VectorXd mask = FreeMask(x, g, lower, upper);
    const Eigen::VectorXd projected_gradient = g.cwiseProduct(mask);
    if (projected_gradient.lpNorm<Eigen::Infinity>() < options.gradient_tolerance) break;
    Eigen::VectorXd direction = -(mask.asDiagonal() * h * projected_gradient);
    if (direction.dot(g) >= 0) {  // Not a descent direction: restart from steepest descent.
      h.setIdentity();
      direction = -projected_gradient;
    }
    // First step: at most unit length, since the scale of the problem is unknown.
    double step = iteration == 0 ? std::min(1.0, 1.0 / direction.norm()) : 1.0;
    Eigen::VectorXd x_new(n), g_new(n);
    double f_new = 0;
    bool accepted = false;
    for (int backtrack = 0; backtrack < 30 && evaluations < options.max_evaluations; ++backtrack) {
      x_new = (x + step * direction).cwiseMax(lower).cwiseMin(upper);
      f_new = f(x_new, &g_new);
      ++evaluations;
      if (std::isfinite(f_new) && f_new <= fx + 1e-4 * g.dot(x_new - x)) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const Eigen::VectorXd s = x_new - x, y = g_new - g;
    const double improvement = fx - f_new;
    x = x_new;
    g = g_new;
    fx = f_new;
    const double sy = s.dot(y);
    if (sy > 1e-10 * s.norm() * y.norm()) {
      const double rho = 1.0 / sy;
      const Eigen::MatrixXd v = Eigen::MatrixXd::Identity(n, n) - rho * y * s.transpose();
      h = v.transpose() * h * v + rho * s * s.transpose();
    }
    if (improvement < options.value_tolerance * (std::abs(fx) + 1)) break;
  }
  return fx;
}

}  // namespace hyperlab::searcher
