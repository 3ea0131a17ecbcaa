// GET /api/v1/workers and POST /api/v1/workers/{id}/drain (docs/dashboard.md).
#include <httplib.h>

#include <chrono>

#include "coordinator/dashboard/api_context.h"
#include "coordinator/dashboard/api_json.h"
#include "coordinator/dashboard/http_error.h"
#include "coordinator/dashboard/json_response.h"
#include "coordinator/dashboard/request_params.h"

namespace hyperlab::coordinator::dashboard {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void ListWorkers(const ApiContext& c, const httplib::Request&, httplib::Response& response) {
  const int64_t now = NowMs();
  nlohmann::json workers = nlohmann::json::array();
  for (const v1::WorkerStatus& w : c.core->Workers()) {
    workers.push_back(WorkerJson(w, now, c.core->lease_timeout_ms()));
  }
  SendJson(response, {{"workers", std::move(workers)}, {"lease_timeout_ms", c.core->lease_timeout_ms()}});
}

void Drain(const ApiContext& c, const httplib::Request& request, httplib::Response& response) {
  absl::StatusOr<std::string> id = ParseRef(request.matches[1].str(), "worker");
  if (!id.ok()) return SendError(response, id.status(), "worker");
  bool drain = true;
  if (!request.body.empty()) {
    absl::StatusOr<nlohmann::json> body = JsonBody(request);
    if (!body.ok()) return SendError(response, body.status(), "body");
    auto it = body->find("drain");
    if (it != body->end()) {
      if (!it->is_boolean()) {
        return SendError(response, absl::InvalidArgumentError("drain: expected true or false"), "drain");
      }
      drain = it->get<bool>();
    }
  }
  absl::StatusOr<v1::WorkerStatus> worker = c.core->DrainWorker(*id, drain);
  if (!worker.ok()) return SendError(response, worker.status(), "worker");
  SendJson(response, WorkerJson(*worker, NowMs(), c.core->lease_timeout_ms()));
}

}  // namespace

void AddWorkerRoutes(httplib::Server& server, const ApiContext& context) {
  Route(server, context, "GET", "/api/v1/workers", Access::kView,
        [context](const httplib::Request& q, httplib::Response& r, const std::string&) {
          ListWorkers(context, q, r);
        });
  Route(server, context, "POST", R"(/api/v1/workers/([^/]+)/drain)", Access::kAdminister,
        [context](const httplib::Request& q, httplib::Response& r, const std::string&) {
          Drain(context, q, r);
        });
}

}  // namespace hyperlab::coordinator::dashboard
