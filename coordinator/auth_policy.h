// Roles and which RPCs each may call: the one table of the coordinator's access policy.
//
//   read   StudyService Get/List/Watch study, ListTrials, GetBestTrial, GetParetoFront; AdminService
//          GetStatus, ListWorkers
//   submit read + StudyService CreateStudy, CancelStudy, PauseStudy, ResumeStudy, SetStudyBudget,
//          ConcludeStudy, AddTrialNote, EnqueueTrial (its study's owner only), DeleteStudy;
//          ClientService (running client tasks' trials)
//   worker WorkerService only
//   admin  everything
// Methods are named by their full gRPC path, e.g. "/hyperlab.v1.StudyService/CreateStudy". A method not in
// the table (a new RPC nobody classified) is admin-only, so forgetting to classify fails closed.
// Health and reflection are not checked at all: probes and grpcurl work without a token.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COORDINATOR_AUTH_POLICY_H_
#define HYPERLAB_COORDINATOR_AUTH_POLICY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hyperlab::coordinator {

enum class Role { kRead, kSubmit, kWorker, kAdmin };

// "read", "submit", "worker", "admin".
std::string RoleName(Role role);
// INVALID_ARGUMENT naming the accepted roles for anything else.
absl::StatusOr<Role> ParseRole(absl::string_view name);

// The least role the method needs: kRead, kSubmit, kWorker or kAdmin.
Role RequiredRole(absl::string_view method);
// Whether `role` may call `method`.
bool RoleAllows(Role role, absl::string_view method);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_AUTH_POLICY_H_
