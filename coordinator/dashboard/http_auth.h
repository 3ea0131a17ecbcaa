// Who may call which dashboard route: the gRPC access policy (auth_policy.h) applied to HTTP requests.
//
// The browser sends the same bearer tokens as the CLI (`Authorization: Bearer <token>`), and each route
// is checked as the gRPC method that does the same thing, so the one policy table decides both:
//   kView       -> StudyService/GetStudy      (read, submit, admin)
//   kAnnotate   -> StudyService/AddTrialNote  (submit, admin): notes and conclusions
//   kAdminister -> AdminService/DrainWorker   (admin): worker actions
// Without --auth-tokens every request is allowed (the coordinator then listens on loopback only).
// Refusals are logged and counted by the Authorizer like gRPC ones; the peer is "http:<address>".
//
// Thread safety: pure functions over an immutable Authorizer.
#ifndef HYPERLAB_COORDINATOR_DASHBOARD_HTTP_AUTH_H_
#define HYPERLAB_COORDINATOR_DASHBOARD_HTTP_AUTH_H_

#include <string>

#include "absl/status/status.h"
#include "coordinator/authorizer.h"

namespace httplib {
struct Request;
}  // namespace httplib

namespace hyperlab::coordinator::dashboard {

enum class Access { kView, kAnnotate, kAdminister };

// The gRPC method whose policy decides `access`.
const char* MethodFor(Access access);

// OK, UNAUTHENTICATED (no or unknown token) or PERMISSION_DENIED (the role does not allow it).
// `principal` (may be null) gets the token's NAME.
absl::Status CheckAccess(const Authorizer& authorizer, const httplib::Request& request, Access access,
                         std::string* principal = nullptr);

}  // namespace hyperlab::coordinator::dashboard

#endif  // HYPERLAB_COORDINATOR_DASHBOARD_HTTP_AUTH_H_
