#include "coordinator/worker_service.h"

#include "coordinator/admission.h"
#include "coordinator/grpc_status.h"

namespace hyperlab::coordinator {

grpc::Status WorkerServiceImpl::RegisterWorker(grpc::ServerContext* context,
                                               const v1::RegisterWorkerRequest* request,
                                               v1::RegisterWorkerResponse* response) {
  std::string principal;
  HYPERLAB_ADMIT_AS("WorkerService", RegisterWorker, principal);
  absl::Status status = core_->RegisterWorker(request->worker(), principal);
  if (!status.ok()) return ToGrpcStatus(status);
  response->set_lease_timeout_ms(core_->lease_timeout_ms());
  return grpc::Status::OK;
}

grpc::Status WorkerServiceImpl::AcquireTrials(grpc::ServerContext* context,
                                              const v1::AcquireTrialsRequest* request,
                                              v1::AcquireTrialsResponse* response) {
  std::string principal;
  HYPERLAB_ADMIT_AS("WorkerService", AcquireTrials, principal);
  auto assignments = core_->Acquire(request->worker_id(), request->max_trials(), principal);
  if (!assignments.ok()) return ToGrpcStatus(assignments.status());
  for (v1::Assignment& a : *assignments) *response->add_assignments() = std::move(a);
  if (assignments->empty()) response->set_draining(core_->IsDraining(request->worker_id()));
  return grpc::Status::OK;
}

grpc::Status WorkerServiceImpl::ReportTrials(grpc::ServerContext* context,
                                             const v1::ReportTrialsRequest* request,
                                             v1::ReportTrialsResponse* response) {
  std::string principal;
  HYPERLAB_ADMIT_AS("WorkerService", ReportTrials, principal);
  auto results =
      core_->Report(request->worker_id(), {request->reports().begin(), request->reports().end()}, principal);
  if (!results.ok()) return ToGrpcStatus(results.status());
  for (v1::TrialReportResult& r : *results) *response->add_results() = std::move(r);
  return grpc::Status::OK;
}

grpc::Status WorkerServiceImpl::CompleteTrials(grpc::ServerContext* context,
                                               const v1::CompleteTrialsRequest* request,
                                               v1::CompleteTrialsResponse* response) {
  std::string principal;
  HYPERLAB_ADMIT_AS("WorkerService", CompleteTrials, principal);
  auto results = core_->Complete(request->worker_id(),
                                 {request->completions().begin(), request->completions().end()}, principal);
  if (!results.ok()) return ToGrpcStatus(results.status());
  for (v1::ItemStatus& r : *results) *response->add_results() = std::move(r);
  return grpc::Status::OK;
}

}  // namespace hyperlab::coordinator
