#include "common/spec/task_validation.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/base/status_macros.h"
#include "common/spec/command_template.h"
#include "common/spec/env_name.h"
#include "common/spec/knobs.h"
#include "common/spec/spec_errors.h"
#include "common/spec/synthetic_functions.h"
#include "proto/limits.h"

namespace hyperlab {
namespace {

using spec_errors::Invalid;
using spec_errors::OverLimit;

absl::Status CheckSynthetic(const v1::SyntheticTask& t, const ParameterKinds& kinds) {
  if (t.function().empty()) {
    return Invalid("task.synthetic.function", absl::StrCat("required: one of ", SyntheticFunctionNames()));
  }
  const SyntheticFunction* fn = FindSyntheticFunction(t.function());
  if (fn == nullptr) {
    return Invalid("task.synthetic.function",
                   absl::StrCat("unknown function '", t.function(), "'; known: ", SyntheticFunctionNames()));
  }
  if (!std::isfinite(t.delay_seconds()) || t.delay_seconds() < 0) {
    return Invalid("task.synthetic.delay_seconds",
                   absl::StrCat("must be finite and >= 0, got ", t.delay_seconds()));
  }
  for (const SyntheticFunction::Parameter& parameter : fn->parameters) {
    const std::string& name = parameter.name;
    auto it = kinds.find(name);
    if (it == kinds.end()) {
      return Invalid("task.synthetic", absl::StrCat(t.function(), " needs parameter '", name, "'"));
    }
    if (it->second.conditional) {
      return Invalid("task.synthetic", absl::StrCat(t.function(), " needs parameter '", name,
                                                    "' in every trial; it is a conditional child"));
    }
    if (it->second.domain == v1::ParameterSpec::kCategorical) {
      return Invalid("task.synthetic", absl::StrCat(t.function(), " needs parameter '", name,
                                                    "' to be numeric (double, integer or discrete)"));
    }
  }
  return absl::OkStatus();
}

// Checks the `{name}` placeholders of one argument (command_template.h): well formed, known names.
absl::Status CheckPlaceholders(const std::string& path, absl::string_view arg, const ParameterKinds& kinds) {
  absl::StatusOr<std::vector<TemplatePart>> parts = ParseCommandTemplate(arg);
  if (!parts.ok()) return Invalid(path, parts.status().message());
  for (const TemplatePart& part : *parts) {
    if (!part.placeholder) continue;
    auto it = kinds.find(part.text);
    if (it == kinds.end()) return Invalid(path, absl::StrCat("unknown parameter '{", part.text, "}'"));
    if (it->second.conditional) {
      return Invalid(path, absl::StrCat("'{", part.text,
                                        "}' is a conditional parameter, absent from trials where it is "
                                        "inactive; read it from the JSON in HYPERLAB_PARAMS, which "
                                        "holds the active parameters"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCommand(const v1::CommandTask& t, const ParameterKinds& kinds) {
  if (t.argv().empty()) return Invalid("task.command.argv", "must not be empty");
  if (t.argv(0).empty()) return Invalid("task.command.argv[0]", "must not be empty (it names the program)");
  for (int i = 0; i < t.argv_size(); ++i) {
    RETURN_IF_ERROR(CheckPlaceholders(absl::StrCat("task.command.argv[", i, "]"), t.argv(i), kinds));
  }
  if (!std::isfinite(t.timeout_seconds()) || t.timeout_seconds() < 0) {
    return Invalid("task.command.timeout_seconds",
                   absl::StrCat("must be finite and >= 0, got ", t.timeout_seconds()));
  }
  for (const auto& [name, value] : t.env()) {
    if (!IsSettableEnvName(name)) {
      return Invalid("task.command.env", absl::StrCat("invalid variable name '", name, "'"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckClient(const v1::ClientTask& t) {
  if (t.experiment().size() > kMaxExperimentLength) {
    return OverLimit("task.client.experiment", absl::StrCat(t.experiment().size(), " characters"),
                     "max_experiment_length", kMaxExperimentLength);
  }
  for (const char c : t.experiment()) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Invalid("task.client.experiment", "must not contain control characters");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateTask(const v1::TaskSpec& task, const ParameterKinds& kinds) {
  switch (task.kind_case()) {
    case v1::TaskSpec::kSynthetic:
      return CheckSynthetic(task.synthetic(), kinds);
    case v1::TaskSpec::kCommand:
      return CheckCommand(task.command(), kinds);
    case v1::TaskSpec::kTrain:
      return absl::OkStatus();  // Checked with the whole spec by ValidateTrainTask.
    case v1::TaskSpec::kClient:
      return CheckClient(task.client());
    case v1::TaskSpec::KIND_NOT_SET:
      break;
  }
  return Invalid("task", "required: one of synthetic, command, train, client");
}

}  // namespace hyperlab
