// hyperlab-coordinator: serves the journal in --data-dir over gRPC until SIGTERM or SIGINT (then it stops
// accepting calls, lets running ones finish for up to 5 s, and closes the journal). Events go to stderr as
// structured key=value lines.
//
// Everything it creates is private to its user (issue 14, #17): the umask is 077, so journal files and
// backups are 0600/0700 whatever the caller's umask, and --data-dir is made 0700 (private_dir.h: created so,
// or tightened when this user owns it; refused when another user owns a group/world-accessible one).
#include <signal.h>
#include <sys/stat.h>

#include <iostream>
#include <thread>

#include "CLI/CLI.hpp"
#include "coordinator/dashboard/dashboard_server.h"
#include "coordinator/private_dir.h"
#include "coordinator/server.h"

int main(int argc, char** argv) {
  umask(077);
  hyperlab::coordinator::ServerOptions options;
  options.listen = "127.0.0.1:7411";
  double lease_seconds = 30;
  CLI::App app{"hyperlab-coordinator: runs studies and hands their trials to workers"};
  app.add_option("--listen", options.listen, "HOST:PORT to serve on (port 0 picks one)")
      ->capture_default_str();
  app.add_option("--data-dir", options.data_dir, "directory of the journal (RocksDB)")->capture_default_str();
  app.add_option("--lease-seconds", lease_seconds, "a trial's lease lasts this long after its last heartbeat")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 86400.0));
  app.add_option(
      "--auth-tokens", options.auth_tokens_file,
      "file of `TOKEN ROLE [NAME]` lines (roles: read, submit, worker, admin); turns authentication on");
  app.add_flag("--insecure-allow-remote", options.insecure_allow_remote,
               "allow a non-loopback --listen without --auth-tokens");
  app.add_flag("--insecure-plaintext-tokens", options.tls.insecure_plaintext_tokens,
               "accept bearer tokens without TLS on a non-loopback --listen (only on an encrypted network: "
               "anyone on the path can read and replay them)");
  app.add_option("--tls-cert", options.tls.cert_file, "PEM certificate chain: serve TLS");
  app.add_option("--tls-key", options.tls.key_file, "PEM private key of --tls-cert");
  app.add_option("--tls-client-ca", options.tls.client_ca_file,
                 "PEM CA bundle: require client certificates signed by it (mTLS)");
  app.add_option("--metrics-listen", options.metrics_listen,
                 "HOST:PORT for Prometheus metrics (GET /metrics)");
  std::string http_listen;
  app.add_option("--http-listen", http_listen,
                 "HOST:PORT for the web dashboard and its JSON API (docs/dashboard.md); same TLS and tokens");
  bool quiet = false;
  app.add_flag("--quiet", quiet, "no structured event log on stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  options.core.lease_timeout_ms = static_cast<int64_t>(lease_seconds * 1000);
  if (!quiet) options.event_log = &std::cerr;

  // Signals are taken by one thread with sigwait, so shutdown runs outside any signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<hyperlab::coordinator::PrivateDirAction> data_dir =
      hyperlab::coordinator::EnsurePrivateDirectory("--data-dir", options.data_dir);
  if (!data_dir.ok()) {
    std::cerr << "hyperlab-coordinator: " << absl::StatusCodeToString(data_dir.status().code()) << ": "
              << data_dir.status().message() << "\n";
    return data_dir.status().code() == absl::StatusCode::kFailedPrecondition ? 2 : 1;
  }
  if (*data_dir == hyperlab::coordinator::PrivateDirAction::kTightened) {
    std::cerr << "hyperlab-coordinator: --data-dir " << options.data_dir
              << ": its group and others could enter it; its mode is now owner-only\n";
  }
  auto server = hyperlab::coordinator::CoordinatorServer::Start(options);
  if (!server.ok()) {
    std::cerr << "hyperlab-coordinator: " << absl::StatusCodeToString(server.status().code()) << ": "
              << server.status().message() << "\n";
    const absl::StatusCode code = server.status().code();
    return code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kFailedPrecondition ||
                   code == absl::StatusCode::kNotFound
               ? 2
               : 1;
  }
  std::unique_ptr<hyperlab::coordinator::dashboard::DashboardServer> dashboard;
  if (!http_listen.empty()) {
    auto started = hyperlab::coordinator::dashboard::DashboardServer::Start(
        {.listen = http_listen, .tls = options.tls, .insecure_allow_remote = options.insecure_allow_remote},
        {.core = (*server)->core(),
         .notifier = (*server)->notifier(),
         .authorizer = (*server)->authorizer()});
    if (!started.ok()) {
      std::cerr << "hyperlab-coordinator: " << absl::StatusCodeToString(started.status().code()) << ": "
                << started.status().message() << "\n";
      (*server)->Shutdown();
      return started.status().code() == absl::StatusCode::kUnavailable ? 1 : 2;
    }
    dashboard = std::move(*started);
  }
  std::cout << "hyperlab-coordinator: serving " << options.data_dir << " on port " << (*server)->port();
  if ((*server)->metrics_port() != 0) std::cout << ", metrics on port " << (*server)->metrics_port();
  if (dashboard) std::cout << ", dashboard on port " << dashboard->port();
  std::cout << std::endl;
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    std::cout << "hyperlab-coordinator: signal " << signal << ", shutting down" << std::endl;
    (*server)->Shutdown();
  });
  (*server)->Wait();
  if (dashboard) dashboard->Stop();  // Before the core and the notifier go.
  waiter.join();
  std::cout << "hyperlab-coordinator: stopped" << std::endl;
  return 0;
}
