#include "coordinator/authorizer.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hyperlab::coordinator {

absl::Status Authorizer::Check(const grpc::ServerContextBase& context, absl::string_view method,
                               std::string* principal) const {
  if (principal != nullptr) principal->clear();
  if (!tokens_) return absl::OkStatus();
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  absl::string_view header;
  if (it != metadata.end()) header = absl::string_view(it->second.data(), it->second.size());
  return CheckHeader(header, method, context.peer(), principal);
}

absl::Status Authorizer::CheckHeader(absl::string_view authorization, absl::string_view method,
                                     absl::string_view peer, std::string* principal) const {
  if (principal != nullptr) principal->clear();
  if (!tokens_) return absl::OkStatus();
  if (authorization.empty()) {
    return Refuse(
        absl::UnauthenticatedError(absl::StrCat(
            method,
            ": no token; send `authorization: Bearer <token>` (hyperlab --token or $HYPERLAB_TOKEN)")),
        method, peer, "");
  }
  constexpr absl::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme)) {
    return Refuse(absl::UnauthenticatedError(
                      absl::StrCat(method, ": the authorization metadata is not `Bearer <token>`")),
                  method, peer, "");
  }
  const absl::string_view token = absl::StripAsciiWhitespace(authorization.substr(kScheme.size()));
  absl::StatusOr<Principal> who = tokens_->Authenticate(token);
  if (!who.ok()) {
    return Refuse(absl::UnauthenticatedError(absl::StrCat(method, ": unknown token")), method, peer, "");
  }
  if (!RoleAllows(who->role, method)) {
    return Refuse(absl::PermissionDeniedError(absl::StrCat(
                      method, ": role '", RoleName(who->role), "' (token '", who->name,
                      "') may not call it; it needs role '", RoleName(RequiredRole(method)), "'")),
                  method, peer, who->name);
  }
  if (principal != nullptr) *principal = who->name;
  return absl::OkStatus();
}

bool Authorizer::IsAdmin(const grpc::ServerContextBase& context) const {
  if (!tokens_) return false;
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return false;
  const absl::string_view header(it->second.data(), it->second.size());
  constexpr absl::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() || !absl::EqualsIgnoreCase(header.substr(0, kScheme.size()), kScheme)) {
    return false;
  }
  absl::StatusOr<Principal> who =
      tokens_->Authenticate(absl::StripAsciiWhitespace(header.substr(kScheme.size())));
  return who.ok() && who->role == Role::kAdmin;
}

absl::Status Authorizer::Refuse(absl::Status status, absl::string_view method, absl::string_view peer,
                                absl::string_view principal) const {
  if (metrics_ != nullptr) metrics_->CountAuthRefused(static_cast<int>(status.code()));
  if (log_ != nullptr) {
    log_->Warn("auth_refused", {{"method", std::string(method)},
                                {"code", absl::StatusCodeToString(status.code())},
                                {"peer", std::string(peer)},
                                {"principal", principal.empty() ? "-" : std::string(principal)}});
  }
  return status;
}

}  // namespace hyperlab::coordinator
