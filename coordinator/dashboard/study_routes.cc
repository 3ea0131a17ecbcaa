// GET /api/v1/studies, GET /api/v1/studies/{id}, POST /api/v1/studies/{id}/conclusion and
// GET /api/v1/studies/{id}/events (docs/dashboard.md).
#include <httplib.h>

#include "coordinator/dashboard/api_context.h"
#include "coordinator/dashboard/api_json.h"
#include "coordinator/dashboard/http_error.h"
#include "coordinator/dashboard/json_response.h"
#include "coordinator/dashboard/request_params.h"
#include "proto/limits.h"

namespace hyperlab::coordinator::dashboard {
namespace {

constexpr size_t kMaxTagLength = 256;

void ListStudies(const ApiContext& c, const httplib::Request& request, httplib::Response& response) {
  absl::StatusOr<std::string> tag = TextParam(request, "tag", kMaxTagLength);
  if (!tag.ok()) return SendError(response, tag.status(), "tag");
  nlohmann::json studies = nlohmann::json::array();
  for (const v1::Study& study : c.core->ListStudies(*tag)) studies.push_back(StudyJson(study));
  SendJson(response, {{"studies", std::move(studies)}});
}

void GetStudy(const ApiContext& c, const httplib::Request& request, httplib::Response& response) {
  absl::StatusOr<std::string> ref = ParseRef(request.matches[1].str(), "study");
  if (!ref.ok()) return SendError(response, ref.status(), "study");
  absl::StatusOr<v1::Study> study = c.core->GetStudy(*ref);
  if (!study.ok()) return SendError(response, study.status(), "study");
  SendJson(response, StudyJson(*study));
}

void Conclude(const ApiContext& c, const httplib::Request& request, httplib::Response& response) {
  absl::StatusOr<std::string> ref = ParseRef(request.matches[1].str(), "study");
  if (!ref.ok()) return SendError(response, ref.status(), "study");
  absl::StatusOr<nlohmann::json> body = JsonBody(request);
  if (!body.ok()) return SendError(response, body.status(), "body");
  absl::StatusOr<std::string> text = StringMember(*body, "text", kMaxNoteLength);
  if (!text.ok()) return SendError(response, text.status(), "text");
  absl::StatusOr<v1::Study> study = c.core->ConcludeStudy(*ref, *text);
  if (!study.ok()) {
    return SendError(response, study.status(),
                     study.status().code() == absl::StatusCode::kNotFound ? "study" : "text");
  }
  SendJson(response, StudyJson(*study));
}

void Events(const ApiContext& c, const httplib::Request& request, httplib::Response& response) {
  absl::StatusOr<std::string> ref = ParseRef(request.matches[1].str(), "study");
  if (!ref.ok()) return SendError(response, ref.status(), "study");
  absl::StatusOr<v1::Study> study = c.core->GetStudy(*ref);
  if (!study.ok()) return SendError(response, study.status(), "study");
  // Later reads go by id: a study's name may be given to another study after a delete.
  const std::string id = std::to_string(study->id());
  Coordinator* core = c.core;
  absl::Status opened = c.streams->Open(
      study->id(),
      [core, id] {
        absl::StatusOr<v1::Study> now = core->GetStudy(id);
        nlohmann::json body =
            now.ok() ? StudyJson(*now) : nlohmann::json{{"id", std::stoll(id)}, {"deleted", true}};
        return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      },
      response);
  if (!opened.ok()) {
    response.set_header("Retry-After", "5");
    SendError(response, opened, "");
  }
}

}  // namespace

void AddStudyRoutes(httplib::Server& server, const ApiContext& context) {
  Route(server, context, "GET", "/api/v1/studies", Access::kView,
        [context](const httplib::Request& q, httplib::Response& r, const std::string&) {
          ListStudies(context, q, r);
        });
  Route(server, context, "GET", R"(/api/v1/studies/([^/]+))", Access::kView,
        [context](const httplib::Request& q, httplib::Response& r, const std::string&) {
          GetStudy(context, q, r);
        });
  Route(server, context, "POST", R"(/api/v1/studies/([^/]+)/conclusion)", Access::kAnnotate,
        [context](const httplib::Request& q, httplib::Response& r, const std::string&) {
          Conclude(context, q, r);
        });
  Route(server, context, "GET", R"(/api/v1/studies/([^/]+)/events)", Access::kView,
        [context](const httplib::Request& q, httplib::Response& r, const std::string&) {
          Events(context, q, r);
        });
}

}  // namespace hyperlab::coordinator::dashboard
