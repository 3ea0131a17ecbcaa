// What a name of an environment variable must be to be set at all: non-empty, no '=' (it would split the
// NAME=value entry) and no NUL (it would cut it). The study check (task.command.env) and the worker's
// --pass-env flag both apply it; which names are allowed is the worker's policy (child_environment.h).
#ifndef HYPERLAB_COMMON_SPEC_ENV_NAME_H_
#define HYPERLAB_COMMON_SPEC_ENV_NAME_H_

#include "absl/strings/string_view.h"

namespace hyperlab {

inline bool IsSettableEnvName(absl::string_view name) {
  return !name.empty() && name.find('=') == absl::string_view::npos &&
         name.find('\0') == absl::string_view::npos;
}

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_SPEC_ENV_NAME_H_
