#include "coordinator/listen_policy.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hyperlab::coordinator {

bool IsLoopbackAddress(absl::string_view listen) {
  absl::string_view host = listen;
  if (absl::ConsumePrefix(&host, "ipv4:") || absl::ConsumePrefix(&host, "ipv6:") ||
      absl::ConsumePrefix(&host, "dns:")) {
  }
  if (absl::StartsWith(host, "[")) {
    const size_t close = host.find(']');
    if (close == absl::string_view::npos) return false;
    host = host.substr(1, close - 1);
  } else if (const size_t colon = host.rfind(':'); colon != absl::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (host == "localhost" || host == "::1") return true;
  std::vector<absl::string_view> octets = absl::StrSplit(host, '.');
  return octets.size() == 4 && octets[0] == "127";
}

absl::Status CheckListenPolicy(const std::string& listen, bool auth, bool allow_remote) {
  if (listen.empty() || auth || allow_remote || IsLoopbackAddress(listen)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("--listen ", listen,
                   ": refusing to serve beyond loopback without authentication; give --auth-tokens FILE, ",
                   "or --insecure-allow-remote if the network is trusted"));
}

}  // namespace hyperlab::coordinator
