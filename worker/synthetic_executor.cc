#include "worker/synthetic_executor.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/spec/parameter_value.h"
#include "common/spec/synthetic_functions.h"

namespace hyperlab::worker {
namespace {

constexpr auto kSyntheticStopPoll = std::chrono::milliseconds(50);

// The value of the parameter `name` as a number; INVALID_ARGUMENT when missing or not numeric.
absl::StatusOr<double> NumericParameter(const v1::Trial& trial, const std::string& function,
                                        const std::string& name) {
  for (const v1::Parameter& parameter : trial.parameters()) {
    if (parameter.name() != name) continue;
    const std::optional<double> number = NumericValue(parameter.value());
    if (!number)
      return absl::InvalidArgumentError(absl::StrCat(function, ": parameter '", name, "' is not a number"));
    return *number;
  }
  return absl::InvalidArgumentError(absl::StrCat(function, ": missing parameter '", name, "'"));
}

absl::StatusOr<double> Evaluate(const std::string& function, const v1::Trial& trial) {
  const SyntheticFunction* fn = FindSyntheticFunction(function);
  if (fn == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown synthetic function '", function, "' (known: ", SyntheticFunctionNames(), ")"));
  }
  std::vector<double> x;
  for (const SyntheticFunction::Parameter& parameter : fn->parameters) {
    ASSIGN_OR_RETURN(x.emplace_back(), NumericParameter(trial, function, parameter.name));
  }
  return fn->evaluate(x);
}

}  // namespace

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
