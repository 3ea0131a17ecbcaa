// The environment of a user's program (the `command` executor's child): built from an explicit minimal
// set, never inherited from the worker, so that the worker's token and whatever else its operator's shell
// holds never reach a trial.
//
// A child's environment holds exactly:
//   1. From the worker's environment, only HOME, USER, LOGNAME, LANG, LC_*, TZ and TMPDIR, plus the names
//      the worker's operator passes through (hyperlab-worker --pass-env NAME), when set.
//   2. PATH: the worker's own (kDefaultChildPath when it has none). It is the PATH the allowlist looked
//      the program up in (command_allowlist.h), so that a program named `python3` finds itself, its
//      prefix and its interpreter where the worker found it; it is the operator's setting, never the
//      study's.
//   3. The study's task.command.env, vetted by CheckStudyEnvName below.
//   4. HYPERLAB_TRIAL_ID, HYPERLAB_STUDY_ID, HYPERLAB_STUDY_NAME and HYPERLAB_PARAMS.
// A variable of 1 whose value contains one of the policy's secrets (the worker's token) is left out
// whatever its name; HYPERLAB_TOKEN can never be passed through.
//
// The study's variables are an allowlist by shape and a denylist by class: a name must match
// [A-Z_][A-Z0-9_]* and must not be one through which a variable changes what code runs or where it comes
// from: loader hooks (LD_*, DYLD_*, GCONV_PATH, MALLOC_*, GLIBC_TUNABLES...), shell hooks (BASH_ENV, ENV,
// BASH_*, SHELLOPTS, PS4, IFS, PROMPT_COMMAND, CDPATH...), interpreter hooks (PYTHON*, PERL*, RUBY*,
// NODE_*, JAVA_*, CLASSPATH, LUA_*, R_*, JULIA_*, GEM_*, PIP_*...), program lookup and configuration
// (PATH, HOME, XDG_*, GIT_*, SSL_*, *_PROXY, EDITOR, PAGER, *_OPTIONS, *_OPTS...) and the worker's own
// HYPERLAB_* names. Values must not contain NUL. The worker's operator may allow a refused name by exact
// name (hyperlab-worker --allow-env NAME); HYPERLAB_* names cannot be allowed.
//
// Thread safety: pure functions of their arguments.
#ifndef HYPERLAB_WORKER_CHILD_ENVIRONMENT_H_
#define HYPERLAB_WORKER_CHILD_ENVIRONMENT_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/map.h"

namespace hyperlab::worker {

// The PATH a child gets when the worker has none.
inline constexpr char kDefaultChildPath[] = "/usr/local/bin:/usr/bin:/bin";

struct ChildEnvironmentPolicy {
  // Names passed from the worker's environment besides the fixed ones (--pass-env). Default: none.
  std::vector<std::string> pass_env;
  // Names a study may set although their class is refused (--allow-env). Default: none.
  std::set<std::string> allow_env;
  // Values that must never reach a child (the worker's token). Default: none.
  std::vector<std::string> secrets;
};

// OK when a study may set `name`; otherwise INVALID_ARGUMENT "task.command.env: variable 'NAME' is
// refused: <why> (...--allow-env NAME...)". The message names the variable, never its value.
absl::Status CheckStudyEnvName(absl::string_view name, const ChildEnvironmentPolicy& policy);

// INVALID_ARGUMENT when a --pass-env or --allow-env name is malformed or HYPERLAB_*: for the worker's
// startup.
absl::Status CheckPolicy(const ChildEnvironmentPolicy& policy);

// The child's environment as NAME=value entries, sorted by name. `parent` is the worker's environment
// (environ); `study_env` is task.command.env; `trial_vars` the HYPERLAB_* variables. Fails with
// CheckStudyEnvName's error, or INVALID_ARGUMENT for a value containing NUL.
absl::StatusOr<std::vector<std::string>> BuildChildEnvironment(
    const ChildEnvironmentPolicy& policy, const char* const* parent,
    const google::protobuf::Map<std::string, std::string>& study_env,
    const std::map<std::string, std::string>& trial_vars);

}  // namespace hyperlab::worker

#endif  // HYPERLAB_WORKER_CHILD_ENVIRONMENT_H_
