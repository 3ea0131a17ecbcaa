// A running coordinator: the journal, the core, the three services plus health and reflection on a gRPC
// server, the thread that expires leases, and the security and operability around them: bearer tokens and
// roles (authorizer.h), TLS or mTLS (tls_credentials.h), the loopback-only rule without tokens
// (listen_policy.h), structured event logs (event_log.h) and Prometheus metrics over HTTP (metrics.h).
//
// Used by hyperlab-coordinator (listening on a socket), by `hyperlab run` (in-process only) and by the
// CLI's --data-dir mode (a read-only journal served in-process, so every command has one code path).
//
// Example:
//   ASSIGN_OR_RETURN(auto server, CoordinatorServer::Start({.listen = "127.0.0.1:7411", .data_dir = dir}));
//   ... server->Shutdown();
//
// Thread safety: Shutdown may be called from any thread, once or more.
#ifndef HYPERLAB_COORDINATOR_SERVER_H_
#define HYPERLAB_COORDINATOR_SERVER_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "coordinator/admin_service.h"
#include "coordinator/authorizer.h"
#include "coordinator/change_notifier_impl.h"
#include "coordinator/client_service.h"
#include "common/base/clock.h"
#include "coordinator/coordinator.h"
#include "coordinator/event_log.h"
#include "coordinator/metrics.h"
#include "coordinator/metrics_http_server.h"
#include "coordinator/request_limits.h"
#include "coordinator/study_service.h"
#include "common/rpc/tls_credentials.h"
#include "coordinator/worker_service.h"
#include "grpcpp/grpcpp.h"
#include "storage/rocksdb_journal.h"

namespace hyperlab::coordinator {

struct ServerOptions {
  // HOST:PORT to listen on (port 0 picks a free one); empty: in-process channels only.
  std::string listen;
  // The journal's directory.
  std::string data_dir = "hyperlab-data";
  // Open the journal read-only (inspection); writes fail with FAILED_PRECONDITION. Default false.
  bool read_only = false;
  CoordinatorOptions core;
  // How often leases are checked for expiry. Default 200 ms.
  int64_t expire_interval_ms = 200;
  // Largest request message; gRPC refuses bigger ones with RESOURCE_EXHAUSTED. Default kMaxRequestBytes
  // (16 MiB, request_limits.h).
  int max_request_bytes = kMaxRequestBytes;
  // A token file (auth_tokens.h); empty: no authentication, and then `listen` must be loopback unless
  // insecure_allow_remote.
  std::string auth_tokens_file;
  bool insecure_allow_remote = false;
  // TLS (or mTLS with a client CA) on `listen`. Default: plaintext.
  ServerTlsOptions tls;
  // HOST:PORT of the Prometheus endpoint (GET /metrics); empty: none.
  std::string metrics_listen;
  // Where structured event lines go (e.g. &std::cerr); null: nowhere. Must outlive the server.
  std::ostream* event_log = nullptr;
};

class CoordinatorServer {
 public:
  // Opens the journal, loads the core and starts serving. UNAVAILABLE when the address cannot be bound or
  // the journal is locked by another coordinator; FAILED_PRECONDITION for a remote `listen` without
  // authentication (listen_policy.h); INVALID_ARGUMENT or NOT_FOUND for a bad token or TLS file. `clock`
  // (default: the real clock) must outlive the server.
  static absl::StatusOr<std::unique_ptr<CoordinatorServer>> Start(const ServerOptions& options,
                                                                  const Clock* clock = nullptr);
  ~CoordinatorServer();

  // The bound port (0 when not listening).
  int port() const { return port_; }
  // The bound metrics port (0 when none).
  int metrics_port() const { return metrics_http_ ? metrics_http_->port() : 0; }
  // The Prometheus exposition, as GET /metrics returns it.
  std::string RenderMetrics() const;
  // A channel to this server that does not touch the network.
  std::shared_ptr<grpc::Channel> InProcessChannel();
  Coordinator* core() { return core_.get(); }
  // What the web dashboard (dashboard/dashboard_server.h) is started with beside the core.
  ChangeNotifierImpl* notifier() { return notifier_.get(); }
  const Authorizer* authorizer() const { return authorizer_.get(); }

  // Stops taking calls, lets running calls finish (up to 5 s), stops the expiry thread. Idempotent.
  void Shutdown();
  // Blocks until Shutdown has been called and has finished.
  void Wait();

 private:
  CoordinatorServer() = default;
  void ExpireLoop();

  RealClock real_clock_;
  ServerOptions options_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<CoordinatorMetrics> metrics_;
  std::unique_ptr<Authorizer> authorizer_;
  // Outlives the core and the gRPC server: open WatchStudy streams unsubscribe when they end.
  std::unique_ptr<ChangeNotifierImpl> notifier_;
  std::unique_ptr<storage::RocksDbJournal> journal_;
  std::unique_ptr<Coordinator> core_;
  std::unique_ptr<StudyServiceImpl> study_service_;
  std::unique_ptr<WorkerServiceImpl> worker_service_;
  std::unique_ptr<ClientServiceImpl> client_service_;
  std::unique_ptr<AdminServiceImpl> admin_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<MetricsHttpServer> metrics_http_;
  int port_ = 0;

  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  bool stopped_ = false;   // GUARDED_BY(mu_)
  std::thread expire_thread_;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_SERVER_H_
