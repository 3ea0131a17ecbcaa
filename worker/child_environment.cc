#include "worker/child_environment.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/spec/env_name.h"

namespace hyperlab::worker {
namespace {

constexpr absl::string_view kLoader = "a dynamic loader or C library hook can run code in the program";
constexpr absl::string_view kShell = "a shell hook can run commands in a shell script";
constexpr absl::string_view kInterpreter = "an interpreter hook can load code into the program";
constexpr absl::string_view kLookup = "it changes where programs, libraries or configuration come from";
constexpr absl::string_view kTool = "a tool reads commands, options or trust settings from it";

struct Rule {
  absl::string_view pattern;
  absl::string_view reason;
};

// Refused names by exact name.
constexpr Rule kExact[] = {
    {"BASH_ENV", kShell},
    {"ENV", kShell},
    {"SHELLOPTS", kShell},
    {"BASHOPTS", kShell},
    {"PS4", kShell},
    {"PS1", kShell},
    {"PROMPT_COMMAND", kShell},
    {"IFS", kShell},
    {"CDPATH", kShell},
    {"GLOBIGNORE", kShell},
    {"ZDOTDIR", kShell},
    {"INPUTRC", kShell},
    {"SHELL", kShell},
    {"HISTFILE", kShell},
    {"PATH", kLookup},
    {"HOME", kLookup},
    {"TMPDIR", kLookup},
    {"GCONV_PATH", kLoader},
    {"GETCONF_DIR", kLoader},
    {"HOSTALIASES", kLoader},
    {"LOCALDOMAIN", kLoader},
    {"LOCPATH", kLoader},
    {"NIS_PATH", kLoader},
    {"NLSPATH", kLoader},
    {"RESOLV_HOST_CONF", kLoader},
    {"RES_OPTIONS", kLoader},
    {"TZDIR", kLoader},
    {"CLASSPATH", kInterpreter},
    {"TCLLIBPATH", kInterpreter},
    {"EDITOR", kTool},
    {"VISUAL", kTool},
    {"PAGER", kTool},
    {"BROWSER", kTool},
    {"LESSOPEN", kTool},
    {"LESSCLOSE", kTool},
    {"TERMINFO", kTool},
    {"MAIL", kTool},
    {"CURL_CA_BUNDLE", kTool},
    {"REQUESTS_CA_BUNDLE", kTool},
};

// Refused names by prefix.
constexpr Rule kPrefix[] = {
    {"LD_", kLoader},
    {"DYLD_", kLoader},
    {"MALLOC_", kLoader},
    {"GLIBC_", kLoader},
    {"BASH_", kShell},
    {"PYTHON", kInterpreter},
    {"PERL", kInterpreter},
    {"RUBY", kInterpreter},
    {"GEM_", kInterpreter},
    {"BUNDLE_", kInterpreter},
    {"NODE_", kInterpreter},
    {"NPM_", kInterpreter},
    {"JAVA_", kInterpreter},
    {"_JAVA_", kInterpreter},
    {"JDK_", kInterpreter},
    {"LUA_", kInterpreter},
    {"R_", kInterpreter},
    {"JULIA_", kInterpreter},
    {"PIP_", kInterpreter},
    {"CONDA", kInterpreter},
    {"VIRTUAL_ENV", kInterpreter},
    {"XDG_", kLookup},
    {"GIT_", kTool},
    {"SSH_", kTool},
    {"SSL_", kTool},
    {"OPENSSL_", kTool},
    {"GNUPG", kTool},
    {"KRB5", kTool},
    {"DBUS_", kTool},
    {"LC_", kLookup},
    {"HYPERLAB_", "the worker sets the HYPERLAB_* variables itself"},
};

// Refused names by suffix.
constexpr Rule kSuffix[] = {
    {"_PROXY", "it redirects the program's network traffic"},
    {"_OPTIONS", kTool},
    {"_OPTS", kTool},
};

// [A-Z_][A-Z0-9_]*
bool WellFormed(absl::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// Why `name` is in a refused class, or "" when it is not.
absl::string_view RefusedBecause(absl::string_view name) {
  for (const Rule& r : kExact) {
    if (name == r.pattern) return r.reason;
  }
  for (const Rule& r : kPrefix) {
    if (absl::StartsWith(name, r.pattern)) return r.reason;
  }
  for (const Rule& r : kSuffix) {
    if (absl::EndsWith(name, r.pattern)) return r.reason;
  }
  return "";
}

// Names every child gets from the worker's environment when set.
bool FixedPassThrough(absl::string_view name) {
  return name == "HOME" || name == "USER" || name == "LOGNAME" || name == "LANG" || name == "TZ" ||
         name == "TMPDIR" || name == "PATH" || absl::StartsWith(name, "LC_");
}

bool ContainsSecret(absl::string_view value, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (!secret.empty() && absl::StrContains(value, secret)) return true;
  }
  return false;
}

}  // namespace

absl::Status CheckStudyEnvName(absl::string_view name, const ChildEnvironmentPolicy& policy) {
  const std::string allow_hint =
      absl::StrCat(" (the worker's operator can allow it with hyperlab-worker --allow-env ", name, ")");
  if (absl::StartsWith(name, "HYPERLAB_")) {
    return absl::InvalidArgumentError(absl::StrCat("task.command.env: variable '", name,
                                                   "' is refused: the worker sets the HYPERLAB_* variables"));
  }
  if (!WellFormed(name)) {
    // A malformed name is not echoed: it may hold anything. Its length is enough to find it.
    return absl::InvalidArgumentError(
        absl::StrCat("task.command.env: a variable name of ", name.size(),
                     " characters is refused: names must match [A-Z_][A-Z0-9_]*",
                     WellFormed(absl::AsciiStrToUpper(name)) ? " (upper case only)" : ""));
  }
  if (policy.allow_env.count(std::string(name)) > 0) return absl::OkStatus();
  const absl::string_view reason = RefusedBecause(name);
  if (!reason.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("task.command.env: variable '", name, "' is refused: ", reason, allow_hint));
  }
  return absl::OkStatus();
}

absl::Status CheckPolicy(const ChildEnvironmentPolicy& policy) {
  for (const std::string& name : policy.pass_env) {
    if (!IsSettableEnvName(name)) {
      return absl::InvalidArgumentError("--pass-env: a name must be non-empty and contain no '='");
    }
    if (absl::StartsWith(name, "HYPERLAB_")) {
      return absl::InvalidArgumentError(
          absl::StrCat("--pass-env ", name, ": HYPERLAB_* variables are never passed to trials"));
    }
  }
  for (const std::string& name : policy.allow_env) {
    if (!WellFormed(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--allow-env ", name, ": names must match [A-Z_][A-Z0-9_]*"));
    }
    if (absl::StartsWith(name, "HYPERLAB_")) {
      return absl::InvalidArgumentError(
          absl::StrCat("--allow-env ", name, ": the worker sets the HYPERLAB_* variables itself"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> BuildChildEnvironment(
    const ChildEnvironmentPolicy& policy, const char* const* parent,
    const google::protobuf::Map<std::string, std::string>& study_env,
    const std::map<std::string, std::string>& trial_vars) {
  std::map<std::string, std::string> variables;
  for (const char* const* entry = parent; entry != nullptr && *entry != nullptr; ++entry) {
    const absl::string_view text(*entry);
    const size_t eq = text.find('=');
    if (eq == absl::string_view::npos) continue;
    const absl::string_view name = text.substr(0, eq), value = text.substr(eq + 1);
    bool passed = FixedPassThrough(name);
    for (const std::string& p : policy.pass_env) passed = passed || name == p;
    if (!passed || absl::StartsWith(name, "HYPERLAB_") || ContainsSecret(value, policy.secrets)) continue;
    variables[std::string(name)] = std::string(value);
  }
  if (variables.count("PATH") == 0) variables["PATH"] = kDefaultChildPath;
  for (const auto& [name, value] : study_env) {
    if (absl::Status s = CheckStudyEnvName(name, policy); !s.ok()) return s;
    if (value.find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("task.command.env: the value of '", name, "' contains a NUL character"));
    }
    variables[name] = value;
  }
  for (const auto& [name, value] : trial_vars) variables[name] = value;
  std::vector<std::string> out;
  out.reserve(variables.size());
  for (const auto& [name, value] : variables) out.push_back(absl::StrCat(name, "=", value));
  return out;
}

}  // namespace hyperlab::worker
