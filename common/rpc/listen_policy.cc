#include "common/rpc/listen_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace hyperlab {
namespace {

// The host part of HOST:PORT or [HOST]:PORT; empty when malformed.
std::string HostOf(absl::string_view address) {
  absl::string_view host = address;
  for (absl::string_view scheme : {"ipv4:", "ipv6:", "dns:"}) {
    if (absl::ConsumePrefix(&host, scheme)) break;
  }
  absl::ConsumePrefix(&host, "///");  // dns:///host:port
  if (absl::StartsWith(host, "[")) {
    const size_t close = host.find(']');
    if (close == absl::string_view::npos) return "";
    return std::string(host.substr(1, close - 1));
  }
  const size_t colon = host.rfind(':');
  if (colon == absl::string_view::npos) return "";
  host = host.substr(0, colon);
  if (absl::StrContains(host, ':')) return "";  // An unbracketed IPv6 address with a port is ambiguous.
  return std::string(host);
}

}  // namespace

bool IsLoopbackAddress(absl::string_view address) {
  const std::string host = HostOf(address);
  if (host == "localhost") return true;
  in_addr v4 = {};
  // inet_pton takes four decimal octets only: no names, no "127.1", no hex or octal forms.
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6 = {};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

absl::Status CheckListenPolicy(const std::string& listen, bool auth, bool allow_remote) {
  if (listen.empty() || auth || allow_remote || IsLoopbackAddress(listen)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("--listen ", listen,
                   ": refusing to serve beyond loopback without authentication; give --auth-tokens FILE, ",
                   "or --insecure-allow-remote if the network is trusted"));
}

absl::Status CheckTokenTransport(absl::string_view flag, const std::string& address, bool tokens, bool tls,
                                 bool allow_plaintext_tokens) {
  if (address.empty() || !tokens || tls || allow_plaintext_tokens || IsLoopbackAddress(address)) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      flag, " ", address,
      ": refusing to carry bearer tokens in plaintext beyond loopback (anyone on the path could replay "
      "them); turn TLS on (coordinator --tls-cert/--tls-key, clients --tls-ca), or give "
      "--insecure-plaintext-tokens if the network itself is encrypted"));
}

}  // namespace hyperlab
