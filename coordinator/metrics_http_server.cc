#include "coordinator/metrics_http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "coordinator/http_limits.h"

namespace hyperlab::coordinator {

MetricsHttpServer::MetricsHttpServer() : http_(std::make_unique<httplib::Server>()) {}

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& listen, std::function<std::string()> render) {
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics-listen: expected HOST:PORT, got '", listen, "'"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";

  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer());
  httplib::Server& http = *server->http_;
  ApplyHttpLimits(http, {.threads = kThreads,
                         .idle_seconds = kIdleSeconds,
                         .io_timeout_seconds = kIoTimeoutSeconds,
                         .max_requests_per_connection = kMaxRequestsPerConnection,
                         .max_body_bytes = kMaxBodyBytes});
  http.set_pre_routing_handler([](const httplib::Request& request, httplib::Response& response) {
    if (request.method == "GET" || request.method == "HEAD")
      return httplib::Server::HandlerResponse::Unhandled;
    response.status = 405;
    response.set_content("only GET and HEAD\n", "text/plain");
    return httplib::Server::HandlerResponse::Handled;
  });
  http.Get("/metrics", [render = std::move(render)](const httplib::Request&, httplib::Response& response) {
    response.set_content(render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok\n", "text/plain");
  });
  http.set_error_handler([](const httplib::Request&, httplib::Response& response) {
    if (response.body.empty()) {
      response.set_content(response.status == 404 ? "not found; try /metrics\n" : "bad request\n",
                           "text/plain");
    }
  });
  const int bound = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return absl::UnavailableError(absl::StrCat("--metrics-listen: cannot listen on ", listen,
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
    return absl::UnavailableError(absl::StrCat("--metrics-listen: ", listen, ": the server stopped at once"));
  }
  return server;
}

MetricsHttpServer::~MetricsHttpServer() { Stop(); }

void MetricsHttpServer::Stop() {
  if (stopped_.exchange(true)) return;
  http_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace hyperlab::coordinator
