#include "coordinator/server.h"

#include <chrono>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "searcher/status_macros.h"

namespace hyperlab::coordinator {

absl::StatusOr<std::unique_ptr<CoordinatorServer>> CoordinatorServer::Start(const ServerOptions& options,
                                                                            const Clock* clock) {
  std::unique_ptr<CoordinatorServer> server(new CoordinatorServer());
  server->options_ = options;
  if (clock == nullptr) clock = &server->real_clock_;
  ASSIGN_OR_RETURN(server->journal_,
                   storage::RocksDbJournal::Open(options.data_dir, {.read_only = options.read_only}));
  ASSIGN_OR_RETURN(server->core_, Coordinator::Open(server->journal_.get(), clock, options.core));
  server->study_service_ = std::make_unique<StudyServiceImpl>(server->core_.get());
  server->worker_service_ = std::make_unique<WorkerServiceImpl>(server->core_.get());
  server->admin_service_ = std::make_unique<AdminServiceImpl>(server->core_.get());

  grpc::EnableDefaultHealthCheckService(true);
  // Debian links with --as-needed: without this explicit call reflection silently does not register.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  if (!options.listen.empty()) {
    builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &server->port_);
  }
  builder.RegisterService(server->study_service_.get());
  builder.RegisterService(server->worker_service_.get());
  builder.RegisterService(server->admin_service_.get());
  builder.SetMaxReceiveMessageSize(16 << 20);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || (!options.listen.empty() && server->port_ == 0)) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
  }
  server->server_->GetHealthCheckService()->SetServingStatus(true);
  if (!options.read_only) server->expire_thread_ = std::thread([s = server.get()] { s->ExpireLoop(); });
  return server;
}

CoordinatorServer::~CoordinatorServer() { Shutdown(); }

std::shared_ptr<grpc::Channel> CoordinatorServer::InProcessChannel() {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  return server_->InProcessChannel(args);
}

void CoordinatorServer::ExpireLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, std::chrono::milliseconds(options_.expire_interval_ms));
    if (stopping_) break;
    lock.unlock();
    absl::Status status = core_->ExpireLeases();
    if (!status.ok()) std::cerr << "hyperlab-coordinator: expiring leases: " << status << "\n";
    lock.lock();
  }
}

void CoordinatorServer::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (server_) {
    server_->GetHealthCheckService()->SetServingStatus(false);
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }
  if (expire_thread_.joinable()) expire_thread_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  stop_cv_.notify_all();
}

void CoordinatorServer::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  stop_cv_.wait(lock, [this] { return stopped_; });
}

}  // namespace hyperlab::coordinator
