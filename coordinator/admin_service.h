// AdminService over gRPC: the operator's view of the coordinator.
// Thread safety: safe for concurrent calls (the core is).
#ifndef HYPERLAB_COORDINATOR_ADMIN_SERVICE_H_
#define HYPERLAB_COORDINATOR_ADMIN_SERVICE_H_

#include "coordinator/coordinator.h"
#include "hyperlab/v1/services.grpc.pb.h"

namespace hyperlab::coordinator {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  explicit AdminServiceImpl(Coordinator* core) : core_(core) {}

  grpc::Status GetStatus(grpc::ServerContext* context, const v1::GetStatusRequest* request,
                         v1::GetStatusResponse* response) override;
  grpc::Status ListWorkers(grpc::ServerContext* context, const v1::ListWorkersRequest* request,
                           v1::ListWorkersResponse* response) override;
  grpc::Status Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                      v1::BackupResponse* response) override;

 private:
  Coordinator* const core_;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_ADMIN_SERVICE_H_
