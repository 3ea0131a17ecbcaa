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
#include <optional>
#include <thread>

#include "CLI/CLI.hpp"
#include "coordinator/dashboard/dashboard_server.h"
#include "coordinator/private_dir.h"
#include "coordinator/server.h"

namespace {

using hyperlab::coordinator::CoordinatorServer;
using hyperlab::coordinator::dashboard::DashboardServer;

struct Flags {
  hyperlab::coordinator::ServerOptions options;
  std::string http_listen;
};

// Parses the command line into `flags`; the exit code when the process is to end here (--help, bad usage).
std::optional<int> ParseFlags(int argc, char** argv, Flags& flags) {
  hyperlab::coordinator::ServerOptions& options = flags.options;
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
  app.add_option("--http-listen", flags.http_listen,
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
  return std::nullopt;
}

void PrintError(const absl::Status& status) {
  std::cerr << "hyperlab-coordinator: " << absl::StatusCodeToString(status.code()) << ": " << status.message()
            << "\n";
}

// Makes --data-dir private to this user (created 0700, or tightened); the exit code when it cannot be.
std::optional<int> EnsurePrivateDataDir(const std::string& data_dir) {
  absl::StatusOr<hyperlab::coordinator::PrivateDirAction> action =
      hyperlab::coordinator::EnsurePrivateDirectory("--data-dir", data_dir);
  if (!action.ok()) {
    PrintError(action.status());
    return action.status().code() == absl::StatusCode::kFailedPrecondition ? 2 : 1;
  }
  if (*action == hyperlab::coordinator::PrivateDirAction::kTightened) {
    std::cerr << "hyperlab-coordinator: --data-dir " << data_dir
              << ": its group and others could enter it; its mode is now owner-only\n";
  }
  return std::nullopt;
}

// Prints why the server did not start; the exit code: 2 for bad settings, else 1.
int ServerStartFailure(const absl::Status& status) {
  PrintError(status);
  const absl::StatusCode code = status.code();
  return code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kFailedPrecondition ||
                 code == absl::StatusCode::kNotFound
             ? 2
             : 1;
}

// Starts the dashboard beside `server` (same TLS and tokens); when it cannot, shuts the server down and
// returns the exit code.
std::optional<int> StartDashboard(const Flags& flags, CoordinatorServer& server,
                                  std::unique_ptr<DashboardServer>& dashboard) {
  auto started = DashboardServer::Start(
      {.listen = flags.http_listen,
       .tls = flags.options.tls,
       .insecure_allow_remote = flags.options.insecure_allow_remote},
      {.core = server.core(), .notifier = server.notifier(), .authorizer = server.authorizer()});
  if (!started.ok()) {
    PrintError(started.status());
    server.Shutdown();
    return started.status().code() == absl::StatusCode::kUnavailable ? 1 : 2;
  }
  dashboard = std::move(*started);
  return std::nullopt;
}

// Serves until SIGTERM or SIGINT (blocked in every thread: one thread takes them with sigwait, so shutdown
// runs outside any signal handler), then stops the dashboard before the core and the notifier go.
void ServeUntilSignal(CoordinatorServer& server, DashboardServer* dashboard, const sigset_t& signals) {
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    std::cout << "hyperlab-coordinator: signal " << signal << ", shutting down" << std::endl;
    server.Shutdown();
  });
  server.Wait();
  if (dashboard) dashboard->Stop();  // Before the core and the notifier go.
  waiter.join();
  std::cout << "hyperlab-coordinator: stopped" << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  umask(077);
  Flags flags;
  if (std::optional<int> exit_code = ParseFlags(argc, argv, flags)) return *exit_code;

  // Signals are taken by one thread with sigwait, so shutdown runs outside any signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (std::optional<int> exit_code = EnsurePrivateDataDir(flags.options.data_dir)) return *exit_code;
  auto server = CoordinatorServer::Start(flags.options);
  if (!server.ok()) return ServerStartFailure(server.status());
  std::unique_ptr<DashboardServer> dashboard;
  if (!flags.http_listen.empty()) {
    if (std::optional<int> exit_code = StartDashboard(flags, **server, dashboard)) return *exit_code;
  }
  std::cout << "hyperlab-coordinator: serving " << flags.options.data_dir << " on port " << (*server)->port();
  if ((*server)->metrics_port() != 0) std::cout << ", metrics on port " << (*server)->metrics_port();
  if (dashboard) std::cout << ", dashboard on port " << dashboard->port();
  std::cout << std::endl;
  ServeUntilSignal(**server, dashboard.get(), signals);
  return 0;
}
