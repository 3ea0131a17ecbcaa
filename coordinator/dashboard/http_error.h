// JSON errors of the dashboard's HTTP API: one shape for every refusal, and one mapping from absl::Status.
//
// Every error body is
//   {"error": {"status": 400, "code": "INVALID_ARGUMENT", "field": "limit", "message": "..."}}
// with `field` naming the path segment, query parameter or body member at fault ("" when none is).
// Codes map as: INVALID_ARGUMENT 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404,
// ALREADY_EXISTS and FAILED_PRECONDITION 409, RESOURCE_EXHAUSTED 429, UNAVAILABLE 503, others 500.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COORDINATOR_DASHBOARD_HTTP_ERROR_H_
#define HYPERLAB_COORDINATOR_DASHBOARD_HTTP_ERROR_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace httplib {
struct Response;
}  // namespace httplib

namespace hyperlab::coordinator::dashboard {

// The HTTP status for an absl status code (see above).
int HttpStatusOf(absl::StatusCode code);

// Fills `response` with the error body above for `status` (which must not be OK).
void SendError(httplib::Response& response, const absl::Status& status, absl::string_view field = "");

// The same body for an HTTP-level refusal that no absl code names (405, 411, 413, ...).
void SendHttpError(httplib::Response& response, int http, absl::string_view code, absl::string_view field,
                   absl::string_view message);

// `status` with `prefix` taken off the start of its message (the lab library words its errors as
// "--where: ..."; the API names the field separately).
absl::Status WithoutPrefix(const absl::Status& status, absl::string_view prefix);

}  // namespace hyperlab::coordinator::dashboard

#endif  // HYPERLAB_COORDINATOR_DASHBOARD_HTTP_ERROR_H_
