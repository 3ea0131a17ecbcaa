#include "coordinator/study_service.h"

#include "coordinator/admission.h"
#include "coordinator/grpc_status.h"

namespace hyperlab::coordinator {
namespace {

grpc::Status Reply(absl::StatusOr<v1::Study> study, v1::Study* response) {
  if (!study.ok()) return ToGrpcStatus(study.status());
  *response = std::move(*study);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status StudyServiceImpl::CreateStudy(grpc::ServerContext* context,
                                           const v1::CreateStudyRequest* request,
                                           v1::CreateStudyResponse* response) {
  HYPERLAB_ADMIT("StudyService", CreateStudy);
  std::vector<std::string> warnings;
  auto created = core_->CreateStudy(request->spec(), &warnings);
  if (!created.ok()) return ToGrpcStatus(created.status());
  *response->mutable_study() = std::move(created->first);
  response->set_existed(created->second);
  for (std::string& w : warnings) response->add_warnings(std::move(w));
  return grpc::Status::OK;
}

grpc::Status StudyServiceImpl::GetStudy(grpc::ServerContext* context, const v1::GetStudyRequest* request,
                                        v1::Study* response) {
  HYPERLAB_ADMIT("StudyService", GetStudy);
  return Reply(core_->GetStudy(request->study()), response);
}

grpc::Status StudyServiceImpl::ListStudies(grpc::ServerContext* context,
                                           const v1::ListStudiesRequest* request,
                                           v1::ListStudiesResponse* response) {
  HYPERLAB_ADMIT("StudyService", ListStudies);
  for (v1::Study& study : core_->ListStudies(request->tag())) *response->add_studies() = std::move(study);
  return grpc::Status::OK;
}

grpc::Status StudyServiceImpl::CancelStudy(grpc::ServerContext* context,
                                           const v1::CancelStudyRequest* request, v1::Study* response) {
  HYPERLAB_ADMIT("StudyService", CancelStudy);
  return Reply(core_->CancelStudy(request->study()), response);
}

grpc::Status StudyServiceImpl::PauseStudy(grpc::ServerContext* context, const v1::PauseStudyRequest* request,
                                          v1::Study* response) {
  HYPERLAB_ADMIT("StudyService", PauseStudy);
  return Reply(core_->PauseStudy(request->study()), response);
}

grpc::Status StudyServiceImpl::ResumeStudy(grpc::ServerContext* context,
                                           const v1::ResumeStudyRequest* request, v1::Study* response) {
  HYPERLAB_ADMIT("StudyService", ResumeStudy);
  return Reply(core_->ResumeStudy(request->study()), response);
}

grpc::Status StudyServiceImpl::SetStudyBudget(grpc::ServerContext* context,
                                              const v1::SetStudyBudgetRequest* request, v1::Study* response) {
  HYPERLAB_ADMIT("StudyService", SetStudyBudget);
  return Reply(core_->SetStudyBudget(request->study(), request->max_trials()), response);
}

grpc::Status StudyServiceImpl::ConcludeStudy(grpc::ServerContext* context,
                                             const v1::ConcludeStudyRequest* request, v1::Study* response) {
  HYPERLAB_ADMIT("StudyService", ConcludeStudy);
  return Reply(core_->ConcludeStudy(request->study(), request->conclusion()), response);
}

grpc::Status StudyServiceImpl::AddTrialNote(grpc::ServerContext* context,
                                            const v1::AddTrialNoteRequest* request, v1::Trial* response) {
  HYPERLAB_ADMIT("StudyService", AddTrialNote);
  auto trial = core_->AddTrialNote(request->study(), request->trial_id(), request->text());
  if (!trial.ok()) return ToGrpcStatus(trial.status());
  *response = std::move(*trial);
  return grpc::Status::OK;
}

grpc::Status StudyServiceImpl::WatchStudy(grpc::ServerContext* context, const v1::WatchStudyRequest* request,
                                          grpc::ServerWriter<v1::Study>* writer) {
  HYPERLAB_ADMIT("StudyService", WatchStudy);
  uint64_t seen = ~uint64_t{0};
  while (!context->IsCancelled()) {
    auto next = core_->WaitForChange(request->study(), seen, /*timeout_ms=*/500);
    if (!next.ok()) return ToGrpcStatus(next.status());
    if (next->second == seen) continue;
    seen = next->second;
    if (!writer->Write(next->first)) return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
    if (next->first.state() != v1::Study::ACTIVE) return grpc::Status::OK;
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled");
}

grpc::Status StudyServiceImpl::ListTrials(grpc::ServerContext* context, const v1::ListTrialsRequest* request,
                                          v1::ListTrialsResponse* response) {
  HYPERLAB_ADMIT("StudyService", ListTrials);
  auto trials = core_->ListTrials(request->study(), request->with_measurements());
  if (!trials.ok()) return ToGrpcStatus(trials.status());
  for (v1::TrialWithMeasurements& t : *trials) *response->add_trials() = std::move(t);
  return grpc::Status::OK;
}

grpc::Status StudyServiceImpl::GetBestTrial(grpc::ServerContext* context,
                                            const v1::GetBestTrialRequest* request, v1::Trial* response) {
  HYPERLAB_ADMIT("StudyService", GetBestTrial);
  auto best = core_->BestTrial(request->study());
  if (!best.ok()) return ToGrpcStatus(best.status());
  *response = std::move(*best);
  return grpc::Status::OK;
}

}  // namespace hyperlab::coordinator
