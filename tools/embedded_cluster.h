// The single-process cluster of `hyperlab run`: a coordinator on the journal in a directory, served over
// an in-process channel, and N local workers (one slot each) pulling from it. No authentication (nothing
// listens on a socket).
//
// The parts are the real ones (RocksDB journal, gRPC services, worker pull loops); only the transport is
// in-process. Running it again on the same directory continues where the journal says.
// Thread safety: Stop may be called from any thread.
#ifndef HYPERLAB_TOOLS_EMBEDDED_CLUSTER_H_
#define HYPERLAB_TOOLS_EMBEDDED_CLUSTER_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "coordinator/server.h"
#include "worker/worker.h"

namespace hyperlab::tools {

struct EmbeddedOptions {
  std::string data_dir = "hyperlab-data";
  // Local workers, one slot each. Default 2.
  int workers = 2;
  // Workers log each trial to stderr. Default false (the CLI shows progress instead).
  bool log_trials = false;
  // Programs or directories the workers' command executor may run (worker/command_allowlist.h). Default:
  // none. `hyperlab run` passes the study's own program.
  std::vector<std::string> allowed_commands;
};

// `status` from opening the journal in `data_dir`: RocksDB's lock failure (another process, or this one,
// has the journal open for writing: "IO error: While lock file: D/LOCK: Resource temporarily
// unavailable", UNAVAILABLE) becomes FAILED_PRECONDITION saying the data dir is in use by another process
// and what to do; any other status is returned unchanged.
absl::Status JournalInUse(const absl::Status& status, const std::string& data_dir);

class EmbeddedCluster {
 public:
  // FAILED_PRECONDITION ("data dir D is in use by another process") when another coordinator or `hyperlab
  // run` holds the journal (JournalInUse); NOT_FOUND for an allowed command that does not exist.
  static absl::StatusOr<std::unique_ptr<EmbeddedCluster>> Start(const EmbeddedOptions& options);
  ~EmbeddedCluster();

  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  // Stops the workers, then the coordinator. Idempotent.
  void Stop();

 private:
  EmbeddedCluster() = default;

  std::unique_ptr<coordinator::CoordinatorServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::vector<std::unique_ptr<worker::Worker>> workers_;
  std::vector<std::thread> threads_;
};

}  // namespace hyperlab::tools

#endif  // HYPERLAB_TOOLS_EMBEDDED_CLUSTER_H_
