#include "common/spec/synthetic_functions.h"

#include <cmath>
#include <numbers>

#include "absl/strings/str_join.h"

namespace hyperlab {

double Branin(double x1, double x2) {
  constexpr double kPi = std::numbers::pi;
  constexpr double a = 1, b = 5.1 / (4 * kPi * kPi), c = 5 / kPi, r = 6, s = 10, t = 1 / (8 * kPi);
  const double u = x2 - b * x1 * x1 + c * x1 - r;
  return a * u * u + s * (1 - t) * std::cos(x1) + s;
}

double Hartmann6(const std::array<double, 6>& x) {
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

const std::vector<SyntheticFunction>& SyntheticFunctions() {
  static const std::vector<SyntheticFunction> kFunctions = [] {
    std::vector<SyntheticFunction> all;
    all.push_back({.name = "branin",
                   .parameters = {{"x1", -5, 10}, {"x2", 0, 15}},
                   .minimum = 0.397887357729739,
                   .evaluate = [](const std::vector<double>& x) { return Branin(x[0], x[1]); }});
    SyntheticFunction hartmann{.name = "hartmann6", .minimum = -3.32236801141551};
    for (const char* name : {"x1", "x2", "x3", "x4", "x5", "x6"}) hartmann.parameters.push_back({name, 0, 1});
    hartmann.evaluate = [](const std::vector<double>& x) { return Hartmann6({x[0], x[1], x[2], x[3], x[4], x[5]}); };
    all.push_back(std::move(hartmann));
    return all;
  }();
  return kFunctions;
}

const SyntheticFunction* FindSyntheticFunction(absl::string_view name) {
  for (const SyntheticFunction& f : SyntheticFunctions()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string SyntheticFunctionNames() {
  return absl::StrJoin(SyntheticFunctions(), ", ",
                       [](std::string* out, const SyntheticFunction& f) { out->append(f.name); });
}

}  // namespace hyperlab
