// The per-call access check: reads the caller's `authorization: Bearer <token>` metadata, finds its role in
// the TokenStore and asks the policy (auth_policy.h) whether that role may call the method.
//
// Without a TokenStore (no --auth-tokens; the in-process cluster of `hyperlab run`) every call is allowed.
// A missing, malformed or unknown token is UNAUTHENTICATED; a known token whose role does not allow the
// method is PERMISSION_DENIED naming the role needed. Messages never contain the token. Each refusal is
// logged (event=auth_refused with method, peer and, for a known token, its NAME) and counted.
//
// Example (first line of a handler):
//   if (absl::Status s = auth->Check(*context, "/hyperlab.v1.StudyService/CreateStudy"); !s.ok()) ...
//
// Thread safety: immutable after construction; safe for concurrent use.
#ifndef HYPERLAB_COORDINATOR_AUTHORIZER_H_
#define HYPERLAB_COORDINATOR_AUTHORIZER_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "coordinator/auth_tokens.h"
#include "coordinator/event_log.h"
#include "coordinator/metrics.h"
#include "grpcpp/server_context.h"

namespace hyperlab::coordinator {

class Authorizer {
 public:
  // `tokens` empty: authentication off. `log` and `metrics` may be null; they must outlive the authorizer.
  Authorizer(std::optional<TokenStore> tokens, EventLog* log, CoordinatorMetrics* metrics)
      : tokens_(std::move(tokens)), log_(log), metrics_(metrics) {}

  bool enabled() const { return tokens_.has_value(); }

  // OK, UNAUTHENTICATED or PERMISSION_DENIED (see above). When allowed and `principal` is given, it gets
  // the token's NAME ("" without authentication or for a token without a name). `context` is a synchronous
  // handler's grpc::ServerContext or a callback handler's grpc::CallbackServerContext.
  absl::Status Check(const grpc::ServerContextBase& context, absl::string_view method,
                     std::string* principal = nullptr) const;
  // The same decision from the raw `authorization` value (empty when absent); `peer` is for the log.
  absl::Status CheckHeader(absl::string_view authorization, absl::string_view method, absl::string_view peer,
                           std::string* principal = nullptr) const;

  // Whether the call carries a known token of role admin (false without authentication): a call a study's
  // owner alone may make (EnqueueTrial) is also an admin's.
  bool IsAdmin(const grpc::ServerContextBase& context) const;

 private:
  absl::Status Refuse(absl::Status status, absl::string_view method, absl::string_view peer,
                      absl::string_view principal) const;

  const std::optional<TokenStore> tokens_;
  EventLog* const log_;
  CoordinatorMetrics* const metrics_;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_AUTHORIZER_H_
