#include "coordinator/admin_service.h"

#include <filesystem>
#include <system_error>

#include "coordinator/admission.h"
#include "coordinator/build_info.h"
#include "coordinator/grpc_status.h"

namespace hyperlab::coordinator {
namespace {

template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace

v1::StorageStats AdminServiceImpl::Storage() const {
  v1::StorageStats stats;
  const JournalCounts counts = core_->CountJournal();
  stats.set_data_dir(options_.data_dir);
  stats.set_studies(counts.studies);
  stats.set_trials(counts.trials);
  stats.set_measurements(counts.measurements);
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(options_.data_dir, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file(error)) continue;
    const auto size = it->file_size(error);
    if (error) {
      error.clear();  // A file removed while walking (compaction): skip it.
      continue;
    }
    stats.set_disk_bytes(stats.disk_bytes() + static_cast<int64_t>(size));
    stats.set_files(stats.files() + 1);
  }
  return stats;
}

v1::GetStatusResponse AdminServiceImpl::FullStatus() const {
  v1::GetStatusResponse status = core_->Status();
  *status.mutable_build() = GetBuildInfo();
  *status.mutable_storage() = Storage();
  status.set_auth_enabled(auth_->enabled());
  status.set_tls_enabled(options_.tls_enabled);
  status.set_lease_timeout_ms(core_->lease_timeout_ms());
  return status;
}

grpc::Status AdminServiceImpl::GetStatus(grpc::ServerContext* context, const v1::GetStatusRequest* request,
                                         v1::GetStatusResponse* response) {
  HYPERLAB_ADMIT("AdminService", GetStatus);
  *response = FullStatus();
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ListWorkers(grpc::ServerContext* context,
                                           const v1::ListWorkersRequest* request,
                                           v1::ListWorkersResponse* response) {
  HYPERLAB_ADMIT("AdminService", ListWorkers);
  for (v1::WorkerStatus& w : core_->Workers()) *response->add_workers() = std::move(w);
  response->set_lease_timeout_ms(core_->lease_timeout_ms());
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                                      v1::BackupResponse* response) {
  HYPERLAB_ADMIT("AdminService", Backup);
  auto bytes = core_->Backup(request->dir());
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  response->set_dir(request->dir());
  response->set_bytes(*bytes);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::DrainWorker(grpc::ServerContext* context,
                                           const v1::DrainWorkerRequest* request,
                                           v1::WorkerStatus* response) {
  HYPERLAB_ADMIT("AdminService", DrainWorker);
  return Reply(core_->DrainWorker(request->worker_id(), true), response);
}

grpc::Status AdminServiceImpl::UndrainWorker(grpc::ServerContext* context,
                                             const v1::DrainWorkerRequest* request,
                                             v1::WorkerStatus* response) {
  HYPERLAB_ADMIT("AdminService", UndrainWorker);
  return Reply(core_->DrainWorker(request->worker_id(), false), response);
}

grpc::Status AdminServiceImpl::EvictWorker(grpc::ServerContext* context,
                                           const v1::EvictWorkerRequest* request,
                                           v1::EvictWorkerResponse* response) {
  HYPERLAB_ADMIT("AdminService", EvictWorker);
  auto requeued = core_->EvictWorker(request->worker_id());
  if (!requeued.ok()) return ToGrpcStatus(requeued.status());
  for (v1::LeaseRef& ref : *requeued) *response->add_requeued() = std::move(ref);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::RequeueTrial(grpc::ServerContext* context,
                                            const v1::TrialActionRequest* request, v1::Trial* response) {
  HYPERLAB_ADMIT("AdminService", RequeueTrial);
  return Reply(core_->RequeueTrial(request->study(), request->trial_id(), request->reason()), response);
}

grpc::Status AdminServiceImpl::FailTrial(grpc::ServerContext* context, const v1::TrialActionRequest* request,
                                         v1::Trial* response) {
  HYPERLAB_ADMIT("AdminService", FailTrial);
  return Reply(core_->FailTrial(request->study(), request->trial_id(), request->reason()), response);
}

grpc::Status AdminServiceImpl::GetStorageStats(grpc::ServerContext* context,
                                               const v1::GetStorageStatsRequest* request,
                                               v1::StorageStats* response) {
  HYPERLAB_ADMIT("AdminService", GetStorageStats);
  *response = Storage();
  return grpc::Status::OK;
}

}  // namespace hyperlab::coordinator
