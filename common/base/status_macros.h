// RETURN_IF_ERROR and ASSIGN_OR_RETURN for absl::Status / absl::StatusOr.
//
// Abseil 20220623 (Debian 12) ships no status macros, so the project defines them once here.
// Example:
//   RETURN_IF_ERROR(journal.Write(batch));
//   ASSIGN_OR_RETURN(Study study, FindStudy(name));
#ifndef HYPERLAB_COMMON_BASE_STATUS_MACROS_H_
#define HYPERLAB_COMMON_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HYPERLAB_CONCAT_INNER_(a, b) a##b
#define HYPERLAB_CONCAT_(a, b) HYPERLAB_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::absl::Status hyperlab_status_ = (expr);          \
    if (!hyperlab_status_.ok()) return hyperlab_status_; \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(HYPERLAB_CONCAT_(hyperlab_statusor_, __LINE__), lhs, expr)

#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                           \
  if (!statusor.ok()) return statusor.status();     \
  lhs = std::move(statusor).value()

#endif  // HYPERLAB_COMMON_BASE_STATUS_MACROS_H_
