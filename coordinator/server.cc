#include "coordinator/server.h"

#include <chrono>
#include <iostream>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/rpc/listen_policy.h"
#include "common/rpc/message_size.h"
#include "coordinator/request_limits.h"
#include "coordinator/rpc_metrics_interceptor.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "common/base/status_macros.h"

namespace hyperlab::coordinator {
namespace {

// Services whose health is reported by name (and the whole server under "").
constexpr const char* kServices[] = {"hyperlab.v1.StudyService", "hyperlab.v1.WorkerService",
                                     "hyperlab.v1.ClientService", "hyperlab.v1.AdminService"};

}  // namespace

absl::StatusOr<std::unique_ptr<CoordinatorServer>> CoordinatorServer::Start(const ServerOptions& options,
                                                                            const Clock* clock) {
  std::unique_ptr<CoordinatorServer> server(new CoordinatorServer());
  server->options_ = options;
  if (clock == nullptr) clock = &server->real_clock_;
  std::optional<TokenStore> tokens;
  if (!options.auth_tokens_file.empty()) {
    ASSIGN_OR_RETURN(tokens, TokenStore::Load(options.auth_tokens_file));
  }
  RETURN_IF_ERROR(CheckListenPolicy(options.listen, tokens.has_value(), options.insecure_allow_remote));
  RETURN_IF_ERROR(CheckTokenTransport("--listen", options.listen, tokens.has_value(), options.tls.enabled(),
                                      options.tls.insecure_plaintext_tokens));
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials, MakeServerCredentials(options.tls));
  if (options.event_log != nullptr) server->log_ = std::make_unique<EventLog>(options.event_log);
  server->metrics_ = std::make_unique<CoordinatorMetrics>();
  server->authorizer_ =
      std::make_unique<Authorizer>(std::move(tokens), server->log_.get(), server->metrics_.get());

  ASSIGN_OR_RETURN(server->journal_,
                   storage::RocksDbJournal::Open(options.data_dir, {.read_only = options.read_only}));
  server->notifier_ = std::make_unique<ChangeNotifierImpl>();
  CoordinatorOptions core_options = options.core;
  core_options.notifier = server->notifier_.get();
  core_options.log = server->log_.get();
  core_options.metrics = server->metrics_.get();
  ASSIGN_OR_RETURN(server->core_, Coordinator::Open(server->journal_.get(), clock, core_options));
  const Authorizer* auth = server->authorizer_.get();
  server->study_service_ =
      std::make_unique<StudyServiceImpl>(server->core_.get(), auth, server->notifier_.get());
  server->worker_service_ = std::make_unique<WorkerServiceImpl>(server->core_.get(), auth);
  server->client_service_ = std::make_unique<ClientServiceImpl>(server->core_.get(), auth);
  server->admin_service_ = std::make_unique<AdminServiceImpl>(
      server->core_.get(), auth,
      AdminServiceOptions{.data_dir = options.data_dir, .tls_enabled = options.tls.enabled()});

  grpc::EnableDefaultHealthCheckService(true);
  // Debian links with --as-needed: without this explicit call reflection silently does not register.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  if (!options.listen.empty()) builder.AddListeningPort(options.listen, credentials, &server->port_);
  builder.RegisterService(server->study_service_.get());
  builder.RegisterService(server->worker_service_.get());
  builder.RegisterService(server->client_service_.get());
  builder.RegisterService(server->admin_service_.get());
  SetServerMessageSizes(builder, options.max_request_bytes);
  // gRPC sets SO_REUSEPORT by default, which would let a second coordinator bind the same port and take
  // half the connections (two coordinators over one journal directory fail anyway, but a different one
  // would split the cluster silently). Off: the second one fails to start, naming the port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<RpcMetricsInterceptorFactory>(server->metrics_.get()));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || (!options.listen.empty() && server->port_ == 0)) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
  }
  grpc::HealthCheckServiceInterface* health = server->server_->GetHealthCheckService();
  health->SetServingStatus(true);
  for (const char* service : kServices) health->SetServingStatus(service, true);
  if (!options.metrics_listen.empty()) {
    ASSIGN_OR_RETURN(
        server->metrics_http_,
        MetricsHttpServer::Start(options.metrics_listen, [s = server.get()] { return s->RenderMetrics(); }));
  }
  if (!options.read_only) server->expire_thread_ = std::thread([s = server.get()] { s->ExpireLoop(); });
  if (server->log_ != nullptr) {
    server->log_->Info("coordinator_started", {{"listen", options.listen},
                                               {"port", absl::StrCat(server->port_)},
                                               {"data_dir", options.data_dir},
                                               {"auth", auth->enabled() ? "tokens" : "off"},
                                               {"tls", !options.tls.enabled()               ? "off"
                                                       : options.tls.client_ca_file.empty() ? "tls"
                                                                                            : "mtls"},
                                               {"metrics_port", absl::StrCat(server->metrics_port())},
                                               {"version", HYPERLAB_VERSION}});
  }
  return server;
}

std::string CoordinatorServer::RenderMetrics() const {
  return metrics_->Render(admin_service_->FullStatus());
}

CoordinatorServer::~CoordinatorServer() { Shutdown(); }

std::shared_ptr<grpc::Channel> CoordinatorServer::InProcessChannel() {
  grpc::ChannelArguments args;
  SetClientMessageSizes(args);
  return server_->InProcessChannel(args);
}

void CoordinatorServer::ExpireLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, std::chrono::milliseconds(options_.expire_interval_ms));
    if (stopping_) break;
    lock.unlock();
    absl::Status status = core_->ExpireLeases();
    if (!status.ok()) {
      if (log_ != nullptr) {
        log_->Error("expire_leases_failed", {{"error", std::string(status.message())}});
      } else {
        std::cerr << "hyperlab-coordinator: expiring leases: " << status << "\n";
      }
    }
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
  if (log_ != nullptr) log_->Info("coordinator_stopping", {{"listen", options_.listen}});
  if (server_) {
    server_->GetHealthCheckService()->SetServingStatus(false);
    for (const char* service : kServices) server_->GetHealthCheckService()->SetServingStatus(service, false);
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }
  if (metrics_http_) metrics_http_->Stop();
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
