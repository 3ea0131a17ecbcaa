// The `synthetic` task's objectives: test functions with known minima (Branin, Hartmann-6). One table that
// the study-spec check (which names exist, which parameters they read), the worker (their values) and the
// search benchmark (their domains and minima) all read.
//
// A function reads its parameters x1, x2, ... in order; all are minimised.
// Thread safety: pure functions and constants.
#ifndef HYPERLAB_COMMON_SPEC_SYNTHETIC_FUNCTIONS_H_
#define HYPERLAB_COMMON_SPEC_SYNTHETIC_FUNCTIONS_H_

#include <array>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace hyperlab {

struct SyntheticFunction {
  std::string name;
  // The parameters it reads, in order, with the domain where its minimum is known.
  struct Parameter {
    std::string name;
    double min = 0;
    double max = 0;
  };
  std::vector<Parameter> parameters;
  double minimum = 0;  // The global minimum over that domain.
  double (*evaluate)(const std::vector<double>& x) = nullptr;  // x.size() == parameters.size().
};

// Branin-Hoo on x1 in [-5, 10], x2 in [0, 15]. Global minimum 0.397887 at (-pi, 12.275), (pi, 2.275)
// and (9.42478, 2.475).
double Branin(double x1, double x2);

// Hartmann 6-D on [0, 1]^6. Global minimum -3.32237 at
// (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573).
double Hartmann6(const std::array<double, 6>& x);

// Every synthetic function, in the order error messages list them.
const std::vector<SyntheticFunction>& SyntheticFunctions();

// The function called `name`, or nullptr.
const SyntheticFunction* FindSyntheticFunction(absl::string_view name);

// "branin, hartmann6": the known names, for error messages.
std::string SyntheticFunctionNames();

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_SPEC_SYNTHETIC_FUNCTIONS_H_
