#include "coordinator/dashboard/http_error.h"

#include <httplib.h>

#include "absl/strings/match.h"
#include "coordinator/dashboard/json_response.h"
#include "nlohmann/json.hpp"

namespace hyperlab::coordinator::dashboard {

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

void SendHttpError(httplib::Response& response, int http, absl::string_view code, absl::string_view field,
                   absl::string_view message) {
  nlohmann::json body = {{"error",
                          {{"status", http},
                           {"code", std::string(code)},
                           {"field", std::string(field)},
                           {"message", std::string(message)}}}};
  SendJson(response, body, http);
  if (http == 401) response.set_header("WWW-Authenticate", "Bearer realm=\"hyperlab\"");
}

void SendError(httplib::Response& response, const absl::Status& status, absl::string_view field) {
  SendHttpError(response, HttpStatusOf(status.code()), absl::StatusCodeToString(status.code()), field,
                status.message());
}

absl::Status WithoutPrefix(const absl::Status& status, absl::string_view prefix) {
  absl::string_view message = status.message();
  if (absl::StartsWith(message, prefix)) message.remove_prefix(prefix.size());
  return absl::Status(status.code(), message);
}

}  // namespace hyperlab::coordinator::dashboard
