#include "coordinator/admin_service.h"

#include "coordinator/grpc_status.h"

namespace hyperlab::coordinator {

grpc::Status AdminServiceImpl::GetStatus(grpc::ServerContext*, const v1::GetStatusRequest*,
                                         v1::GetStatusResponse* response) {
  *response = core_->Status();
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ListWorkers(grpc::ServerContext*, const v1::ListWorkersRequest*,
                                           v1::ListWorkersResponse* response) {
  for (v1::WorkerStatus& w : core_->Workers()) *response->add_workers() = std::move(w);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext*, const v1::BackupRequest* request,
                                      v1::BackupResponse* response) {
  auto bytes = core_->Backup(request->dir());
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  response->set_dir(request->dir());
  response->set_bytes(*bytes);
  return grpc::Status::OK;
}

}  // namespace hyperlab::coordinator
