// What every RPC handler does first: the access check (authorizer.h) and the request limits
// (request_limits.h), as one gRPC status: OK to go on, or the refusal to return as it is.
//
// Example (in a handler of a class with an `auth_` member, `context` and `request` parameters):
//   HYPERLAB_ADMIT("StudyService", CreateStudy);  // returns the refusal, if any
//   std::string principal;
//   HYPERLAB_ADMIT_AS("WorkerService", AcquireTrials, principal);  // and names the caller's token
// A callback-API handler (which returns a reactor, not a status) calls Admit itself.
//
// Thread safety: pure function over thread-safe parts.
#ifndef HYPERLAB_COORDINATOR_ADMISSION_H_
#define HYPERLAB_COORDINATOR_ADMISSION_H_

#include <string>

#include "absl/strings/string_view.h"
#include "coordinator/authorizer.h"
#include "coordinator/grpc_status.h"
#include "coordinator/request_limits.h"
#include "grpcpp/server_context.h"

namespace hyperlab::coordinator {

template <typename Request>
grpc::Status Admit(const Authorizer& auth, const grpc::ServerContextBase* context, absl::string_view method,
                   const Request& request, std::string* principal = nullptr) {
  absl::Status status = auth.Check(*context, method, principal);
  if (status.ok()) status = ValidateRequest(request);
  return ToGrpcStatus(status);
}

}  // namespace hyperlab::coordinator

// Returns the refusal from the enclosing handler when Admit refuses the call.
#define HYPERLAB_ADMIT(service, method)                                                                   \
  if (grpc::Status hyperlab_refused_ =                                                                    \
          ::hyperlab::coordinator::Admit(*auth_, context, "/hyperlab.v1." service "/" #method, *request); \
      !hyperlab_refused_.ok())                                                                            \
  return hyperlab_refused_

// The same, keeping the caller's token NAME in `principal` (a std::string declared by the handler).
#define HYPERLAB_ADMIT_AS(service, method, principal)                                    \
  if (grpc::Status hyperlab_refused_ = ::hyperlab::coordinator::Admit(                   \
          *auth_, context, "/hyperlab.v1." service "/" #method, *request, &(principal)); \
      !hyperlab_refused_.ok())                                                           \
  return hyperlab_refused_

#endif  // HYPERLAB_COORDINATOR_ADMISSION_H_
