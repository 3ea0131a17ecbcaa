// The Prometheus endpoint: `GET /metrics` answers with what the render function returns (text/plain;
// version=0.0.4), `GET /healthz` with "ok", HEAD likewise without a body, other paths 404, other methods
// 405.
//
// Served by cpp-httplib (Debian's libcpp-httplib-dev) rather than by hand, because the hand-written server
// took one connection at a time and blocked on a slow reader (issue 14, #13). Bounds that hold for any
// client that reaches the port:
//   - kThreads connections are served at once; more wait in the accept queue;
//   - a connection that sends nothing is closed after kIdleSeconds, one that sends or reads too slowly
//     after kIoTimeoutSeconds without progress; at most kMaxRequestsPerConnection requests per connection;
//   - a request body is refused over kMaxBodyBytes (no route takes one);
//   - Stop closes the listening socket at once and returns within about 2 x kIoTimeoutSeconds whatever the
//     clients do: a client that stops reading is dropped after one blocked send and one wait for
//     writability, kIoTimeoutSeconds each (3.9 s measured with a reader stalled in a 32 MB body).
// The endpoint has no authentication: put it on a network only the scraper reaches (deploy/k8s admits only
// pods labelled hyperlab.dev/scrape). What it shows: counts and latencies, never study names or tokens.
//
// Example:
//   ASSIGN_OR_RETURN(auto http, MetricsHttpServer::Start("0.0.0.0:9411", [&] { return metrics.Render(...);
//   }));
//   ... http->Stop();
//
// Thread safety: Stop may be called from any thread; the render function runs on the server's threads,
// several at once.
#ifndef HYPERLAB_COORDINATOR_METRICS_HTTP_SERVER_H_
#define HYPERLAB_COORDINATOR_METRICS_HTTP_SERVER_H_

#include <atomic>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace hyperlab::coordinator {

class MetricsHttpServer {
 public:
  static constexpr int kThreads = 16;
  static constexpr time_t kIdleSeconds = 1;
  static constexpr time_t kIoTimeoutSeconds = 2;
  static constexpr size_t kMaxRequestsPerConnection = 16;
  static constexpr size_t kMaxBodyBytes = 8192;

  // Listens on HOST:PORT (port 0 picks one; HOST is a name, an IPv4 address or [IPv6]; empty: every IPv4
  // interface). INVALID_ARGUMENT for a malformed address, UNAVAILABLE when it cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(const std::string& listen,
                                                                  std::function<std::string()> render);
  ~MetricsHttpServer();

  int port() const { return port_; }
  // Stops accepting, drops connections as described above and joins the threads. Idempotent.
  void Stop();

 private:
  MetricsHttpServer();

  std::unique_ptr<httplib::Server> http_;
  int port_ = 0;
  std::atomic<bool> loop_returned_{false};  // The accept loop ended (after Stop, or on an accept error).
  std::atomic<bool> stopped_{false};
  std::thread thread_;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_METRICS_HTTP_SERVER_H_
