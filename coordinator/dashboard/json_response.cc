#include "coordinator/dashboard/json_response.h"

#include <httplib.h>

namespace hyperlab::coordinator::dashboard {

void SendJson(httplib::Response& response, const nlohmann::json& body, int http) {
  response.status = http;
  response.set_header("Cache-Control", "no-store");
  response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       "application/json; charset=utf-8");
}

}  // namespace hyperlab::coordinator::dashboard
