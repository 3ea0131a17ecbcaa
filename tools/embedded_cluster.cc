#include "tools/embedded_cluster.h"

#include "absl/strings/str_cat.h"
#include "searcher/status_macros.h"
#include "worker/command_executor.h"

namespace hyperlab::tools {

absl::StatusOr<std::unique_ptr<EmbeddedCluster>> EmbeddedCluster::Start(const EmbeddedOptions& options) {
  ASSIGN_OR_RETURN(worker::CommandAllowlist allowlist,
                   worker::CommandAllowlist::Make(options.allowed_commands));
  std::unique_ptr<EmbeddedCluster> cluster(new EmbeddedCluster());
  ASSIGN_OR_RETURN(cluster->server_, coordinator::CoordinatorServer::Start({.data_dir = options.data_dir}));
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
