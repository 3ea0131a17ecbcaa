#include "worker/synthetic_executor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "searcher/status_macros.h"

namespace hyperlab::worker {
namespace {

constexpr auto kSyntheticStopPoll = std::chrono::milliseconds(50);

// The value of the parameter `name` as a number; INVALID_ARGUMENT when missing or not numeric.
absl::StatusOr<double> NumericParameter(const v1::Trial& trial, const std::string& function,
                                        const std::string& name) {
  for (const v1::Parameter& parameter : trial.parameters()) {
    if (parameter.name() != name) continue;
    switch (parameter.value().kind_case()) {
      case v1::ParameterValue::kDoubleValue:
        return parameter.value().double_value();
      case v1::ParameterValue::kIntValue:
        return static_cast<double>(parameter.value().int_value());
      default:
        return absl::InvalidArgumentError(absl::StrCat(function, ": parameter '", name, "' is not a number"));
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(function, ": missing parameter '", name, "'"));
}

absl::StatusOr<double> Evaluate(const std::string& function, const v1::Trial& trial) {
  if (function == "branin") {
    ASSIGN_OR_RETURN(const double x1, NumericParameter(trial, function, "x1"));
    ASSIGN_OR_RETURN(const double x2, NumericParameter(trial, function, "x2"));
    return Branin(x1, x2);
  }
  if (function == "hartmann6") {
    std::array<double, 6> x;
    for (size_t i = 0; i < x.size(); ++i) {
      ASSIGN_OR_RETURN(x[i], NumericParameter(trial, function, absl::StrCat("x", i + 1)));
    }
    return Hartmann6(x);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown synthetic function '", function, "' (known: branin, hartmann6)"));
}

}  // namespace

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

TrialOutcome SyntheticExecutor::Run(const v1::Assignment& assignment, TrialContext& context) {
  TrialOutcome outcome;
  const v1::SyntheticTask& task = assignment.task().synthetic();
  absl::StatusOr<double> value = Evaluate(task.function(), assignment.trial());
  if (!value.ok()) {
    outcome.state = v1::Trial::FAILED;
    outcome.reason = std::string(value.status().message());
    return outcome;
  }
  // NaN and negative delays count as none; the cap (11 days) keeps the duration cast in range.
  const double delay = task.delay_seconds() > 0 ? std::min(task.delay_seconds(), 1e6) : 0;
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(delay));
  for (auto now = std::chrono::steady_clock::now(); now < deadline; now = std::chrono::steady_clock::now()) {
    if (context.StopRequested()) {
      outcome.state = v1::Trial::STOPPED;
      outcome.reason = "stopped";
      return outcome;
    }
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(deadline - now, kSyntheticStopPoll));
  }
  outcome.state = v1::Trial::SUCCEEDED;
  outcome.metrics["value"] = *value;
  return outcome;
}

}  // namespace hyperlab::worker
