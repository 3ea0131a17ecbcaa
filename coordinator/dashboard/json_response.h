// Writing JSON answers: the content type, no caching (the data changes while a study runs) and the
// headers every API answer carries.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COORDINATOR_DASHBOARD_JSON_RESPONSE_H_
#define HYPERLAB_COORDINATOR_DASHBOARD_JSON_RESPONSE_H_

#include "nlohmann/json.hpp"

namespace httplib {
struct Response;
}  // namespace httplib

namespace hyperlab::coordinator::dashboard {

// Sets `body` (serialised; invalid UTF-8 replaced, never thrown on) with status `http`.
void SendJson(httplib::Response& response, const nlohmann::json& body, int http = 200);

}  // namespace hyperlab::coordinator::dashboard

#endif  // HYPERLAB_COORDINATOR_DASHBOARD_JSON_RESPONSE_H_
