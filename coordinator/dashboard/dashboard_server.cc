#include "coordinator/dashboard/dashboard_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "coordinator/dashboard/api_context.h"
#include "coordinator/dashboard/http_error.h"
#include "coordinator/dashboard/static_assets.h"
#include "coordinator/http_limits.h"
#include "common/rpc/listen_policy.h"
#include "common/base/status_macros.h"

namespace hyperlab::coordinator::dashboard {
namespace {

constexpr char kFlag[] = "--http-listen";

// Headers on every answer: no sniffing, no framing by other sites, scripts only from this origin.
void SecurityHeaders(httplib::Response& response) {
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("X-Frame-Options", "DENY");
  response.set_header("Referrer-Policy", "no-referrer");
  response.set_header("Content-Security-Policy",
                      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                      "frame-ancestors 'none'");
}

void ServeAsset(const httplib::Request& request, httplib::Response& response) {
  const StaticAsset* asset = FindAsset(request.path);
  if (asset == nullptr) {
    response.status = 404;
    response.set_content("not found; the dashboard is at /\n", "text/plain");
    return;
  }
  // Vite names built files by content hash, so they never change; index.html always may.
  response.set_header("Cache-Control", absl::StartsWith(request.path, "/assets/")
                                           ? "public, max-age=31536000, immutable"
                                           : "no-cache");
  response.set_content(std::string(asset->data), std::string(asset->content_type));
}

absl::StatusOr<std::pair<std::string, int>> SplitListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(kFlag, ": expected HOST:PORT, got '", listen, "'"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  return std::make_pair(host, port);
}

absl::StatusOr<std::unique_ptr<httplib::Server>> MakeHttp(const ServerTlsOptions& tls) {
  if (!tls.enabled()) {
    if (!tls.key_file.empty() || !tls.client_ca_file.empty()) {
      return absl::InvalidArgumentError("--tls-key and --tls-client-ca need --tls-cert");
    }
    return std::make_unique<httplib::Server>();
  }
  if (tls.key_file.empty()) return absl::InvalidArgumentError("--tls-cert needs --tls-key");
  // Read first, so that a missing file is named the way the gRPC side names it.
  RETURN_IF_ERROR(ReadPemFile("--tls-cert", tls.cert_file).status());
  RETURN_IF_ERROR(ReadPemFile("--tls-key", tls.key_file).status());
  if (!tls.client_ca_file.empty())
    RETURN_IF_ERROR(ReadPemFile("--tls-client-ca", tls.client_ca_file).status());
  auto server =
      std::make_unique<httplib::SSLServer>(tls.cert_file.c_str(), tls.key_file.c_str(),
                                           tls.client_ca_file.empty() ? nullptr : tls.client_ca_file.c_str());
  if (!server->is_valid()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kFlag, ": the TLS certificate, key or client CA was refused"));
  }
  return std::unique_ptr<httplib::Server>(std::move(server));
}

}  // namespace

absl::StatusOr<std::unique_ptr<DashboardServer>> DashboardServer::Start(const DashboardOptions& options,
                                                                        const DashboardDeps& deps) {
  ASSIGN_OR_RETURN(auto address, SplitListen(options.listen));
  const auto& [host, port] = address;
  const bool tokens = deps.authorizer->enabled();
  RETURN_IF_ERROR(CheckListenPolicy(options.listen, tokens, options.insecure_allow_remote));
  RETURN_IF_ERROR(CheckTokenTransport(kFlag, options.listen, tokens, options.tls.enabled(),
                                      options.tls.insecure_plaintext_tokens));

  std::unique_ptr<DashboardServer> server(new DashboardServer());
  ASSIGN_OR_RETURN(server->http_, MakeHttp(options.tls));
  server->streams_ = std::make_unique<EventStreams>(deps.notifier, options.events);
  httplib::Server& http = *server->http_;
  ApplyHttpLimits(http, {.threads = kThreads,
                         .idle_seconds = kIdleSeconds,
                         .io_timeout_seconds = kIoTimeoutSeconds,
                         .max_requests_per_connection = kMaxRequestsPerConnection,
                         .max_body_bytes = kMaxBodyBytes});
  http.set_pre_routing_handler([](const httplib::Request& request, httplib::Response& response) {
    SecurityHeaders(response);
    const bool api = absl::StartsWith(request.path, "/api/");
    if (request.method == "GET" || request.method == "HEAD" || (api && request.method == "POST")) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    response.set_header("Allow", api ? "GET, HEAD, POST" : "GET, HEAD");
    SendHttpError(response, 405, "METHOD_NOT_ALLOWED", "method",
                  absl::StrCat("method ", request.method.substr(0, 16), " not allowed on ",
                               request.path.substr(0, 200)));
    return httplib::Server::HandlerResponse::Handled;
  });
  const ApiContext context{.core = deps.core, .auth = deps.authorizer, .streams = server->streams_.get()};
  AddStudyRoutes(http, context);
  AddTrialRoutes(http, context);
  AddWorkerRoutes(http, context);
  http.Get(R"(/(?!api/).*)", ServeAsset);
  http.set_error_handler([](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty()) return;
    const int status = response.status;
    if (status == 404) {
      SendHttpError(response, 404, "NOT_FOUND", "path",
                    absl::StrCat("no route ", request.path.substr(0, 200)));
    } else if (status == 413) {
      SendHttpError(response, 413, "PAYLOAD_TOO_LARGE", "body",
                    absl::StrCat("over ", kMaxBodyBytes, " bytes"));
    } else if (status == 411) {
      SendHttpError(response, 411, "LENGTH_REQUIRED", "Content-Length", "a POST needs a Content-Length");
    } else {
      SendHttpError(response, status, "BAD_REQUEST", "", absl::StrCat("HTTP ", status));
    }
  });
  const int bound = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return absl::UnavailableError(absl::StrCat(kFlag, ": cannot listen on ", options.listen,
                                               " (address in use, or not an address of this host)"));
  }
  server->port_ = bound;
  server->thread_ = std::thread([s = server.get()] {
    s->http_->listen_after_bind();
    s->loop_returned_ = true;
  });
  // httplib's stop() is a no-op until the accept loop runs, so Start returns only once it does.
  while (!http.is_running() && !server->loop_returned_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (server->loop_returned_) {
    server->thread_.join();
    return absl::UnavailableError(absl::StrCat(kFlag, ": ", options.listen, ": the server stopped at once"));
  }
  return server;
}

DashboardServer::~DashboardServer() { Stop(); }

void DashboardServer::Stop() {
  if (stopped_.exchange(true)) return;
  if (streams_) streams_->Stop();
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace hyperlab::coordinator::dashboard
