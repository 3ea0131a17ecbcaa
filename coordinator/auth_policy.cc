#include "coordinator/auth_policy.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hyperlab::coordinator {
namespace {

constexpr absl::string_view kReadMethods[] = {
    "/hyperlab.v1.StudyService/GetStudy",     "/hyperlab.v1.StudyService/ListStudies",
    "/hyperlab.v1.StudyService/WatchStudy",   "/hyperlab.v1.StudyService/ListTrials",
    "/hyperlab.v1.StudyService/GetBestTrial", "/hyperlab.v1.AdminService/GetStatus",
    "/hyperlab.v1.AdminService/ListWorkers",  "/hyperlab.v1.StudyService/GetParetoFront",
};
constexpr absl::string_view kSubmitMethods[] = {
    "/hyperlab.v1.StudyService/CreateStudy",
    "/hyperlab.v1.StudyService/CancelStudy",
    "/hyperlab.v1.StudyService/PauseStudy",
    "/hyperlab.v1.StudyService/ResumeStudy",
    "/hyperlab.v1.StudyService/SetStudyBudget",
    "/hyperlab.v1.StudyService/ConcludeStudy",
    "/hyperlab.v1.StudyService/AddTrialNote",
    "/hyperlab.v1.StudyService/EnqueueTrial",
    "/hyperlab.v1.StudyService/DeleteStudy",
    // The user's own code running client tasks (the Python client).
    "/hyperlab.v1.ClientService/AskTrials",
    "/hyperlab.v1.ClientService/ReportTrials",
    "/hyperlab.v1.ClientService/CompleteTrials",
};
constexpr absl::string_view kWorkerServicePrefix = "/hyperlab.v1.WorkerService/";

template <size_t N>
bool In(const absl::string_view (&list)[N], absl::string_view method) {
  for (absl::string_view m : list) {
    if (m == method) return true;
  }
  return false;
}

}  // namespace

std::string RoleName(Role role) {
  switch (role) {
    case Role::kRead:
      return "read";
    case Role::kSubmit:
      return "submit";
    case Role::kWorker:
      return "worker";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

absl::StatusOr<Role> ParseRole(absl::string_view name) {
  for (Role role : {Role::kRead, Role::kSubmit, Role::kWorker, Role::kAdmin}) {
    if (name == RoleName(role)) return role;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown role '", name.substr(0, 32), "' (expected read, submit, worker or admin)"));
}

Role RequiredRole(absl::string_view method) {
  if (In(kReadMethods, method)) return Role::kRead;
  if (In(kSubmitMethods, method)) return Role::kSubmit;
  if (absl::StartsWith(method, kWorkerServicePrefix)) return Role::kWorker;
  return Role::kAdmin;
}

bool RoleAllows(Role role, absl::string_view method) {
  const Role needed = RequiredRole(method);
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kWorker:
      return needed == Role::kWorker;
    case Role::kSubmit:
      return needed == Role::kRead || needed == Role::kSubmit;
    case Role::kRead:
      return needed == Role::kRead;
  }
  return false;
}

}  // namespace hyperlab::coordinator
