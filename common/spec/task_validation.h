// Validation of a study's task (synthetic, command, train) against its parameters: required functions
// and parameters, `{name}` placeholders in a command's argv, environment names, the trainer's knobs.
// Errors are INVALID_ARGUMENT naming the field path (spec_errors.h).
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COMMON_SPEC_TASK_VALIDATION_H_
#define HYPERLAB_COMMON_SPEC_TASK_VALIDATION_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "hyperlab/v1/study.pb.h"

namespace hyperlab {

// What the task's checks need of each parameter, by name: its domain's kind, and whether it is a
// conditional child (absent from a trial when inactive: parameter_tree.h).
struct ParameterKind {
  v1::ParameterSpec::DomainCase domain = v1::ParameterSpec::DOMAIN_NOT_SET;
  bool conditional = false;
};
using ParameterKinds = std::map<std::string, ParameterKind>;

absl::Status ValidateTask(const v1::TaskSpec& task, const ParameterKinds& kinds);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_SPEC_TASK_VALIDATION_H_
