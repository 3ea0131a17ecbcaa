// AdminService over gRPC: the operator's view of the coordinator (status, workers, drain/evict, requeue or
// fail a trial, backup, storage statistics). Thin handlers over the Coordinator core; every handler first
// checks the caller's role and the request's limits (admission.h).
// Thread safety: safe for concurrent calls (the core is).
#ifndef HYPERLAB_COORDINATOR_ADMIN_SERVICE_H_
#define HYPERLAB_COORDINATOR_ADMIN_SERVICE_H_

#include <string>

#include "coordinator/authorizer.h"
#include "coordinator/coordinator.h"
#include "hyperlab/v1/services.grpc.pb.h"

namespace hyperlab::coordinator {

// What the server knows about itself that the core does not.
struct AdminServiceOptions {
  std::string data_dir;
  bool tls_enabled = false;
};

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // `core` and `auth` must outlive the service.
  AdminServiceImpl(Coordinator* core, const Authorizer* auth, AdminServiceOptions options)
      : core_(core), auth_(auth), options_(std::move(options)) {}

  grpc::Status GetStatus(grpc::ServerContext* context, const v1::GetStatusRequest* request,
                         v1::GetStatusResponse* response) override;
  grpc::Status ListWorkers(grpc::ServerContext* context, const v1::ListWorkersRequest* request,
                           v1::ListWorkersResponse* response) override;
  grpc::Status Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                      v1::BackupResponse* response) override;
  grpc::Status DrainWorker(grpc::ServerContext* context, const v1::DrainWorkerRequest* request,
                           v1::WorkerStatus* response) override;
  grpc::Status UndrainWorker(grpc::ServerContext* context, const v1::DrainWorkerRequest* request,
                             v1::WorkerStatus* response) override;
  grpc::Status EvictWorker(grpc::ServerContext* context, const v1::EvictWorkerRequest* request,
                           v1::EvictWorkerResponse* response) override;
  grpc::Status RequeueTrial(grpc::ServerContext* context, const v1::TrialActionRequest* request,
                            v1::Trial* response) override;
  grpc::Status FailTrial(grpc::ServerContext* context, const v1::TrialActionRequest* request,
                         v1::Trial* response) override;
  grpc::Status GetStorageStats(grpc::ServerContext* context, const v1::GetStorageStatsRequest* request,
                               v1::StorageStats* response) override;

  // The full status (core status plus build, storage, auth and TLS), also used for metrics.
  v1::GetStatusResponse FullStatus() const;

 private:
  v1::StorageStats Storage() const;

  Coordinator* const core_;
  const Authorizer* const auth_;
  const AdminServiceOptions options_;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_ADMIN_SERVICE_H_
