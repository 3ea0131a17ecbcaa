#include "coordinator/client_service.h"

#include "coordinator/admission.h"
#include "coordinator/grpc_status.h"

namespace hyperlab::coordinator {

grpc::Status ClientServiceImpl::AskTrials(grpc::ServerContext* context, const v1::AskTrialsRequest* request,
                                          v1::AskTrialsResponse* response) {
  std::string principal;
  HYPERLAB_ADMIT_AS("ClientService", AskTrials, principal);
  auto asked =
      core_->Ask(request->client_id(), request->study(), request->max_trials(), principal, request->host(),
                 request->version(), {request->completions().begin(), request->completions().end()});
  if (!asked.ok()) return ToGrpcStatus(asked.status());
  for (v1::Assignment& a : asked->assignments) *response->add_assignments() = std::move(a);
  for (v1::ItemStatus& r : asked->completion_results) *response->add_completion_results() = std::move(r);
  *response->mutable_study() = std::move(asked->study);
  response->set_lease_timeout_ms(core_->lease_timeout_ms());
  return grpc::Status::OK;
}

grpc::Status ClientServiceImpl::ReportTrials(grpc::ServerContext* context,
                                             const v1::ReportTrialsRequest* request,
                                             v1::ReportTrialsResponse* response) {
  std::string principal;
  HYPERLAB_ADMIT_AS("ClientService", ReportTrials, principal);
  auto results =
      core_->Report(request->worker_id(), {request->reports().begin(), request->reports().end()}, principal);
  if (!results.ok()) return ToGrpcStatus(results.status());
  for (v1::TrialReportResult& r : *results) *response->add_results() = std::move(r);
  return grpc::Status::OK;
}

grpc::Status ClientServiceImpl::CompleteTrials(grpc::ServerContext* context,
                                               const v1::CompleteTrialsRequest* request,
                                               v1::CompleteTrialsResponse* response) {
  std::string principal;
  HYPERLAB_ADMIT_AS("ClientService", CompleteTrials, principal);
  auto results = core_->Complete(request->worker_id(),
                                 {request->completions().begin(), request->completions().end()}, principal);
  if (!results.ok()) return ToGrpcStatus(results.status());
  for (v1::ItemStatus& r : *results) *response->add_results() = std::move(r);
  return grpc::Status::OK;
}

}  // namespace hyperlab::coordinator
