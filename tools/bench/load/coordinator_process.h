// A hyperlab-coordinator child process for the load generator: started on a free loopback port with a
// journal directory, killed with SIGKILL and restarted on the same port and journal (to measure recovery),
// stopped with SIGTERM at the end. Its stdout and stderr go to a log file.
//
// Example:
//   ASSIGN_OR_RETURN(auto c, CoordinatorProcess::Start({.binary = bin, .data_dir = dir, .log_path = log}));
//   ... "127.0.0.1:" + c->port() ...
//   RETURN_IF_ERROR(c->Kill());
//   RETURN_IF_ERROR(c->Restart());
//
// Thread safety: not thread-safe; one driver thread owns it.
#ifndef HYPERLAB_TOOLS_BENCH_LOAD_COORDINATOR_PROCESS_H_
#define HYPERLAB_TOOLS_BENCH_LOAD_COORDINATOR_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hyperlab::bench::load {

struct CoordinatorProcessOptions {
  std::string binary;
  std::string data_dir;
  // Appended to `--listen 127.0.0.1:PORT --data-dir DIR --quiet`.
  std::vector<std::string> extra_args;
  std::string log_path;
  // How long to wait for "serving ... on port N" on stdout before giving up.
  double start_timeout_seconds = 300;
};

class CoordinatorProcess {
 public:
  // Starts the coordinator on port 0 and waits until it says which port it serves on. FAILED_PRECONDITION
  // when the process exits or does not say so in time (the message names the log).
  static absl::StatusOr<std::unique_ptr<CoordinatorProcess>> Start(const CoordinatorProcessOptions& options);
  ~CoordinatorProcess();
  CoordinatorProcess(const CoordinatorProcess&) = delete;
  CoordinatorProcess& operator=(const CoordinatorProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // SIGKILL, then waits for the process to be gone.
  absl::Status Kill();
  // Starts it again on the same port and journal; returns once it says it serves.
  absl::Status Restart();
  // SIGTERM; SIGKILL after 10 s.
  void Stop();
  // User + system CPU seconds of the current process so far; -1 when unknown.
  double CpuSeconds() const;
  // Resident memory in MiB; -1 when unknown.
  double RssMiB() const;

 private:
  explicit CoordinatorProcess(CoordinatorProcessOptions options) : options_(std::move(options)) {}
  // Spawns on `port` (0: any) and waits for the serving line; sets pid_ and port_.
  absl::Status Launch(int port);

  CoordinatorProcessOptions options_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace hyperlab::bench::load

#endif  // HYPERLAB_TOOLS_BENCH_LOAD_COORDINATOR_PROCESS_H_
