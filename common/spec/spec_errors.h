// The error forms of study-spec validation: "<field path>: <what>" (INVALID_ARGUMENT), the limit form
// "<path>: <value>, over the limit <name> = <limit>" of proto/limits.h, and a parameter's name after its
// path. Shared by spec_validation.cc and task_validation.cc.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COMMON_SPEC_SPEC_ERRORS_H_
#define HYPERLAB_COMMON_SPEC_SPEC_ERRORS_H_

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace hyperlab::spec_errors {

inline absl::Status Invalid(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

// "<path>: <value>, over the limit <name> = <limit>" (the form proto/limits.h describes).
template <typename T, typename L>
absl::Status OverLimit(absl::string_view path, T value, absl::string_view name, L limit) {
  return Invalid(path, absl::StrCat(value, ", over the limit ", name, " = ", limit));
}

// `status` with " (name '<name>')" after its field path, so a problem in a parameter's domain names the
// parameter as well as its index. The name is an identifier by then, so it holds no ": ".
inline absl::Status WithParameterName(const absl::Status& status, absl::string_view name) {
  const absl::string_view message = status.message();
  const size_t colon = message.find(": ");
  if (colon == absl::string_view::npos) return status;
  return absl::Status(status.code(),
                      absl::StrCat(message.substr(0, colon), " (name '", name, "')", message.substr(colon)));
}

// Non-empty, at most max_name_length, [A-Za-z_][A-Za-z0-9_./-]* (defined in spec_validation.cc).
absl::Status CheckMetricName(absl::string_view path, absl::string_view name);

}  // namespace hyperlab::spec_errors

#endif  // HYPERLAB_COMMON_SPEC_SPEC_ERRORS_H_
