// A minimal HTTP/1.1 server for Prometheus scrapes: `GET /metrics` answers with what the render function
// returns (text/plain; version=0.0.4), `GET /healthz` with "ok", anything else 404 (405 for a method other
// than GET or HEAD). One connection at a time, closed after each response; a request must arrive within
// 2 s and fit in 8 KiB. Enough for a scraper and curl; not a general web server.
//
// Example:
//   ASSIGN_OR_RETURN(auto http, MetricsHttpServer::Start("0.0.0.0:9411", [&] { return metrics.Render(...);
//   }));
//   ... http->Stop();
//
// Thread safety: Stop may be called from any thread; the render function runs on the server's thread.
#ifndef HYPERLAB_COORDINATOR_METRICS_HTTP_SERVER_H_
#define HYPERLAB_COORDINATOR_METRICS_HTTP_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace hyperlab::coordinator {

class MetricsHttpServer {
 public:
  // Listens on HOST:PORT (port 0 picks one; HOST may be a name, an IPv4 address or [IPv6]).
  // INVALID_ARGUMENT for a malformed address, UNAVAILABLE when it cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(const std::string& listen,
                                                                  std::function<std::string()> render);
  ~MetricsHttpServer();

  int port() const { return port_; }
  // Stops accepting and joins the thread. Idempotent.
  void Stop();

 private:
  MetricsHttpServer() = default;
  void Loop();
  void Serve(int fd);

  std::function<std::string()> render_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};  // A pipe that wakes the loop for Stop.
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_METRICS_HTTP_SERVER_H_
