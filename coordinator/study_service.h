// StudyService over gRPC: thin handlers that convert requests and call the Coordinator core.
// Every handler first checks the caller's role and the request's limits (admission.h).
//
// WatchStudy uses gRPC's callback API, so an open stream holds no thread: each stream is a reactor that
// subscribes to the study's change notifications (change_notifier.h) and writes the newest state when
// one arrives; changes that arrive while a write is in flight are coalesced into one later write. The
// other methods are synchronous.
//
// No reply carries a trial's lease id: a lease id is what lets a worker report and complete the trial,
// so only the worker that holds the lease gets it (from AcquireTrials).
//
// Thread safety: safe for concurrent calls (the core and the notifier are).
#ifndef HYPERLAB_COORDINATOR_STUDY_SERVICE_H_
#define HYPERLAB_COORDINATOR_STUDY_SERVICE_H_

#include "coordinator/authorizer.h"
#include "coordinator/change_notifier.h"
#include "coordinator/coordinator.h"
#include "hyperlab/v1/services.grpc.pb.h"

namespace hyperlab::coordinator {

class StudyServiceImpl final
    : public v1::StudyService::WithCallbackMethod_WatchStudy<v1::StudyService::Service> {
 public:
  // `core`, `auth` and `changes` must outlive the service; `changes` is where the core announces every
  // change it applies. Without `changes` (null), WatchStudy is UNIMPLEMENTED.
  StudyServiceImpl(Coordinator* core, const Authorizer* auth, ChangeNotifier* changes = nullptr)
      : core_(core), auth_(auth), changes_(changes) {}

  grpc::Status CreateStudy(grpc::ServerContext* context, const v1::CreateStudyRequest* request,
                           v1::CreateStudyResponse* response) override;
  grpc::Status GetStudy(grpc::ServerContext* context, const v1::GetStudyRequest* request,
                        v1::Study* response) override;
  grpc::Status ListStudies(grpc::ServerContext* context, const v1::ListStudiesRequest* request,
                           v1::ListStudiesResponse* response) override;
  grpc::Status CancelStudy(grpc::ServerContext* context, const v1::CancelStudyRequest* request,
                           v1::Study* response) override;
  // Sends the study now and after each change (the newest state, when several changes came during one
  // write), until it is no longer ACTIVE (OK, after sending that state) or the client cancels (CANCELLED).
  // RESOURCE_EXHAUSTED when the notifier holds its most subscriptions.
  grpc::ServerWriteReactor<v1::Study>* WatchStudy(grpc::CallbackServerContext* context,
                                                  const v1::WatchStudyRequest* request) override;
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
  grpc::Status EnqueueTrial(grpc::ServerContext* context, const v1::EnqueueTrialRequest* request,
                            v1::Trial* response) override;
  grpc::Status AddTrialNote(grpc::ServerContext* context, const v1::AddTrialNoteRequest* request,
                            v1::Trial* response) override;
  grpc::Status DeleteStudy(grpc::ServerContext* context, const v1::DeleteStudyRequest* request,
                           v1::DeleteStudyResponse* response) override;
  grpc::Status GetParetoFront(grpc::ServerContext* context, const v1::GetParetoFrontRequest* request,
                              v1::GetParetoFrontResponse* response) override;

 private:
  Coordinator* const core_;
  const Authorizer* const auth_;
  ChangeNotifier* const changes_;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_STUDY_SERVICE_H_
