#include "coordinator/dashboard/http_auth.h"

#include <httplib.h>

#include "absl/strings/str_cat.h"

namespace hyperlab::coordinator::dashboard {

const char* MethodFor(Access access) {
  switch (access) {
    case Access::kView:
      return "/hyperlab.v1.StudyService/GetStudy";
    case Access::kAnnotate:
      return "/hyperlab.v1.StudyService/AddTrialNote";
    case Access::kAdminister:
      return "/hyperlab.v1.AdminService/DrainWorker";
  }
  return "/hyperlab.v1.AdminService/DrainWorker";
}

absl::Status CheckAccess(const Authorizer& authorizer, const httplib::Request& request, Access access,
                         std::string* principal) {
  const std::string peer = absl::StrCat("http:", request.remote_addr, ":", request.remote_port);
  return authorizer.CheckHeader(request.get_header_value("Authorization"), MethodFor(access), peer,
                                principal);
}

}  // namespace hyperlab::coordinator::dashboard
