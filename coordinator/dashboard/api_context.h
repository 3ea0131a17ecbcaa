// What the dashboard's API handlers share: the coordinator core they are thin over, the access check and
// the live-update streams, and the wrapper that runs a handler only for a caller allowed to.
//
// Handlers convert (path, query, body -> core call -> JSON) and hold no state (docs/architecture.md, rule 3).
//
// Thread safety: the pointed-to objects are safe for concurrent use; handlers run on several threads.
#ifndef HYPERLAB_COORDINATOR_DASHBOARD_API_CONTEXT_H_
#define HYPERLAB_COORDINATOR_DASHBOARD_API_CONTEXT_H_

#include <functional>
#include <string>

#include "coordinator/authorizer.h"
#include "coordinator/coordinator.h"
#include "coordinator/dashboard/event_streams.h"
#include "coordinator/dashboard/http_auth.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace hyperlab::coordinator::dashboard {

struct ApiContext {
  Coordinator* core = nullptr;
  const Authorizer* auth = nullptr;
  EventStreams* streams = nullptr;
};

// A handler given the caller's principal (token NAME, "" without authentication).
using ApiHandler =
    std::function<void(const httplib::Request&, httplib::Response&, const std::string& principal)>;

// Adds `handler` for `method` ("GET" or "POST") and `pattern` (httplib regex), run only when the request
// passes CheckAccess(`access`); otherwise it answers 401 or 403 with the JSON error.
void Route(httplib::Server& server, const ApiContext& context, const char* method, const char* pattern,
           Access access, ApiHandler handler);

// The route groups (study_routes.cc, trial_routes.cc, worker_routes.cc).
void AddStudyRoutes(httplib::Server& server, const ApiContext& context);
void AddTrialRoutes(httplib::Server& server, const ApiContext& context);
void AddWorkerRoutes(httplib::Server& server, const ApiContext& context);

}  // namespace hyperlab::coordinator::dashboard

#endif  // HYPERLAB_COORDINATOR_DASHBOARD_API_CONTEXT_H_
