#include "tools/embedded_cluster.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "worker/command_executor.h"

namespace hyperlab::tools {

absl::Status JournalInUse(const absl::Status& status, const std::string& data_dir) {
  // RocksDB's two wordings (env/fs_posix.cc): another process holds the lock, or this process does.
  if (absl::StrContains(status.message(), "While lock file") ||
      absl::StrContains(status.message(), "lock hold by current process")) {
    return absl::FailedPreconditionError(
        absl::StrCat("data dir ", data_dir,
                     " is in use by another process (a hyperlab-coordinator or another `hyperlab run` has "
                     "its journal open): stop that process, or pass another --data-dir"));
  }
  return status;
}

absl::StatusOr<std::unique_ptr<EmbeddedCluster>> EmbeddedCluster::Start(const EmbeddedOptions& options) {
  ASSIGN_OR_RETURN(worker::CommandAllowlist allowlist,
                   worker::CommandAllowlist::Make(options.allowed_commands));
  std::unique_ptr<EmbeddedCluster> cluster(new EmbeddedCluster());
  absl::StatusOr<std::unique_ptr<coordinator::CoordinatorServer>> server =
      coordinator::CoordinatorServer::Start({.data_dir = options.data_dir});
  if (!server.ok()) return JournalInUse(server.status(), options.data_dir);
  cluster->server_ = std::move(*server);
  cluster->channel_ = cluster->server_->InProcessChannel();
  for (int i = 0; i < options.workers; ++i) {
    worker::WorkerOptions worker_options;
    worker_options.id = absl::StrCat("local-", i);
    worker_options.log_trials = options.log_trials;
    worker_options.idle_poll_ms = 50;
    worker_options.allowed_commands = allowlist.Announced();
    std::vector<std::unique_ptr<worker::Executor>> executors = worker::MakeDefaultExecutors();
    worker::ConfigureCommandExecutor(executors, {.allowlist = allowlist});
    cluster->workers_.push_back(std::make_unique<worker::Worker>(cluster->server_->InProcessChannel(),
                                                                 worker_options, std::move(executors)));
  }
  for (auto& w : cluster->workers_) cluster->threads_.emplace_back([w = w.get()] { w->Run(); });
  return cluster;
}

EmbeddedCluster::~EmbeddedCluster() { Stop(); }

void EmbeddedCluster::Stop() {
  for (auto& w : workers_) w->Stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  if (server_) server_->Shutdown();
}

}  // namespace hyperlab::tools
