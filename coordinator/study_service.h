// StudyService over gRPC: thin handlers that convert requests and call the Coordinator core.
// Every handler first checks the caller's role and the request's limits (admission.h).
// Thread safety: safe for concurrent calls (the core is).
#ifndef HYPERLAB_COORDINATOR_STUDY_SERVICE_H_
#define HYPERLAB_COORDINATOR_STUDY_SERVICE_H_

#include "coordinator/authorizer.h"
#include "coordinator/coordinator.h"
#include "hyperlab/v1/services.grpc.pb.h"

namespace hyperlab::coordinator {

class StudyServiceImpl final : public v1::StudyService::Service {
 public:
  // `core` and `auth` must outlive the service.
  StudyServiceImpl(Coordinator* core, const Authorizer* auth) : core_(core), auth_(auth) {}

  grpc::Status CreateStudy(grpc::ServerContext* context, const v1::CreateStudyRequest* request,
                           v1::CreateStudyResponse* response) override;
  grpc::Status GetStudy(grpc::ServerContext* context, const v1::GetStudyRequest* request,
                        v1::Study* response) override;
  grpc::Status ListStudies(grpc::ServerContext* context, const v1::ListStudiesRequest* request,
                           v1::ListStudiesResponse* response) override;
  grpc::Status CancelStudy(grpc::ServerContext* context, const v1::CancelStudyRequest* request,
                           v1::Study* response) override;
  // Sends the study now and after each change, until it ends or the client goes away.
  grpc::Status WatchStudy(grpc::ServerContext* context, const v1::WatchStudyRequest* request,
                          grpc::ServerWriter<v1::Study>* writer) override;
  grpc::Status ListTrials(grpc::ServerContext* context, const v1::ListTrialsRequest* request,
                          v1::ListTrialsResponse* response) override;
  grpc::Status GetBestTrial(grpc::ServerContext* context, const v1::GetBestTrialRequest* request,
                            v1::Trial* response) override;
  grpc::Status PauseStudy(grpc::ServerContext* context, const v1::PauseStudyRequest* request,
                          v1::Study* response) override;
  grpc::Status ResumeStudy(grpc::ServerContext* context, const v1::ResumeStudyRequest* request,
                           v1::Study* response) override;
  grpc::Status SetStudyBudget(grpc::ServerContext* context, const v1::SetStudyBudgetRequest* request,
                              v1::Study* response) override;
  grpc::Status ConcludeStudy(grpc::ServerContext* context, const v1::ConcludeStudyRequest* request,
                             v1::Study* response) override;
  grpc::Status AddTrialNote(grpc::ServerContext* context, const v1::AddTrialNoteRequest* request,
                            v1::Trial* response) override;

 private:
  Coordinator* const core_;
  const Authorizer* const auth_;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_STUDY_SERVICE_H_
