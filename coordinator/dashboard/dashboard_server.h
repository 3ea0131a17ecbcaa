// The coordinator's web dashboard (issue 16): a single-page UI at `/` and a JSON API under `/api/v1/`,
// served over HTTP(S) on hyperlab-coordinator --http-listen HOST:PORT. docs/dashboard.md is the reference.
//
// Served by cpp-httplib (Debian's libcpp-httplib-dev), set up like the metrics endpoint
// (metrics_http_server.h): SO_REUSEADDR only (never SO_REUSEPORT), a bounded thread pool (kThreads),
// read/write timeouts, a keep-alive limit and a small body limit. Security is the gRPC port's:
//   - TLS with the same --tls-cert/--tls-key (and --tls-client-ca for mTLS) when given;
//   - the same bearer tokens and roles (http_auth.h): read views, submit writes notes and conclusions,
//     admin drains workers; the static front end itself needs no token (it holds no data);
//   - the same listen rules: a remote address needs tokens (or --insecure-allow-remote), and tokens on a
//     remote address need TLS (or --insecure-plaintext-tokens).
// Live updates are server-sent events (event_streams.h): at most EventStreamOptions::max_clients streams,
// each ended after max_duration, so kThreads - max_clients threads always remain for the other routes.
//
// Example:
//   ASSIGN_OR_RETURN(auto dash, DashboardServer::Start({.listen = "127.0.0.1:7412"},
//                                                      {core, notifier, authorizer}));
//   ... dash->Stop();   // before the core and the notifier go
//
// Thread safety: Stop may be called from any thread; handlers run on the server's threads.
#ifndef HYPERLAB_COORDINATOR_DASHBOARD_DASHBOARD_SERVER_H_
#define HYPERLAB_COORDINATOR_DASHBOARD_DASHBOARD_SERVER_H_

#include <atomic>
#include <ctime>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "coordinator/authorizer.h"
#include "coordinator/change_notifier.h"
#include "coordinator/coordinator.h"
#include "coordinator/dashboard/event_streams.h"
#include "common/rpc/tls_credentials.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace hyperlab::coordinator::dashboard {

struct DashboardOptions {
  // HOST:PORT (port 0 picks one; HOST a name, an IPv4 address or [IPv6]).
  std::string listen;
  // TLS as for gRPC (cert and key, optional client CA); default plaintext.
  ServerTlsOptions tls;
  // Allow a non-loopback `listen` without tokens (hyperlab-coordinator --insecure-allow-remote).
  bool insecure_allow_remote = false;
  EventStreamOptions events;
};

// What the dashboard is thin over; all must outlive the server (Stop first).
struct DashboardDeps {
  Coordinator* core = nullptr;
  ChangeNotifier* notifier = nullptr;
  const Authorizer* authorizer = nullptr;
};

class DashboardServer {
 public:
  static constexpr int kThreads = 32;
  static constexpr time_t kIdleSeconds = 5;
  static constexpr time_t kIoTimeoutSeconds = 5;
  static constexpr size_t kMaxRequestsPerConnection = 100;
  static constexpr size_t kMaxBodyBytes = 128 * 1024;  // A note or conclusion (64 KiB) as JSON.

  // INVALID_ARGUMENT for a malformed address or half-given TLS files, FAILED_PRECONDITION for the listen
  // rules above, NOT_FOUND for an unreadable TLS file, UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<DashboardServer>> Start(const DashboardOptions& options,
                                                                const DashboardDeps& deps);
  ~DashboardServer();

  int port() const { return port_; }
  // Ends live-update streams, stops accepting, joins the threads. Idempotent.
  void Stop();

 private:
  DashboardServer() = default;

  std::unique_ptr<EventStreams> streams_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = 0;
  std::atomic<bool> loop_returned_{false};
  std::atomic<bool> stopped_{false};
  std::thread thread_;
};

}  // namespace hyperlab::coordinator::dashboard

#endif  // HYPERLAB_COORDINATOR_DASHBOARD_DASHBOARD_SERVER_H_
