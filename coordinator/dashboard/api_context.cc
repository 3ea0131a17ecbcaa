#include "coordinator/dashboard/api_context.h"

#include <httplib.h>

#include <string>
#include <utility>

#include "coordinator/dashboard/http_error.h"

namespace hyperlab::coordinator::dashboard {

void Route(httplib::Server& server, const ApiContext& context, const char* method, const char* pattern,
           Access access, ApiHandler handler) {
  auto guarded = [context, access, handler = std::move(handler)](const httplib::Request& request,
                                                                 httplib::Response& response) {
    std::string principal;
    if (absl::Status s = CheckAccess(*context.auth, request, access, &principal); !s.ok()) {
      SendError(response, s, "Authorization");
      return;
    }
    handler(request, response, principal);
  };
  if (std::string(method) == "POST") {
    server.Post(pattern, std::move(guarded));
  } else {
    server.Get(pattern, std::move(guarded));
  }
}

}  // namespace hyperlab::coordinator::dashboard
