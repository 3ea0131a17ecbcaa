#include "coordinator/study_service.h"

#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "coordinator/admission.h"
#include "coordinator/grpc_status.h"

namespace hyperlab::coordinator {
namespace {

grpc::Status Reply(absl::StatusOr<v1::Study> study, v1::Study* response) {
  if (!study.ok()) return ToGrpcStatus(study.status());
  *response = std::move(*study);
  return grpc::Status::OK;
}

// Makes a trial what a StudyService reply may show: without its lease id, which is the capability to
// report and complete the trial and belongs to the worker holding the lease alone. Every Trial a
// StudyService reply carries goes through here.
void HideLease(v1::Trial& trial) { trial.clear_lease_id(); }

// A WatchStudy refused before it started: finishes at once with `status`.
class RefusedWatch final : public grpc::ServerWriteReactor<v1::Study> {
 public:
  explicit RefusedWatch(grpc::Status status) { Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

// One WatchStudy stream. Subscribes to the study's changes, then sends the current state; each
// notification sends the newest state, or, while a write is in flight, marks the stream dirty so that
// OnWriteDone sends the newest state once (coalescing). A state other than ACTIVE is sent with the
// final OK status. Finish is called exactly once and never while a write is in flight (a cancel during a
// write finishes the stream when the write returns). Deletes itself in OnDone, after unsubscribing.
class StudyWatch final : public grpc::ServerWriteReactor<v1::Study> {
 public:
  StudyWatch(Coordinator* core, ChangeNotifier* changes, int64_t study_id)
      : core_(core), changes_(changes), study_ref_(absl::StrCat(study_id)) {
    absl::StatusOr<int64_t> handle = changes_->Subscribe(study_id, [this] { Send(); });
    if (!handle.ok()) {
      FinishOnce(ToGrpcStatus(handle.status()));
      return;
    }
    handle_ = *handle;
    Send();  // After subscribing: a change from now on is either in this state or notified.
  }

  void OnWriteDone(bool ok) override {
    std::optional<grpc::Status> finish;
    bool again = false;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (pending_finish_) {
        finish = std::move(pending_finish_);
      } else if (!ok) {
        finish = grpc::Status(grpc::StatusCode::CANCELLED, "WatchStudy: the client went away");
      } else {
        again = dirty_;
      }
      if (finish) finished_ = true;
    }
    if (finish) {
      Finish(*std::move(finish));
    } else if (again) {
      Send();
    }
  }

  void OnCancel() override {
    FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "WatchStudy: cancelled by the client"));
  }

  void OnDone() override {
    // After Unsubscribe no callback runs or will run, so nothing can touch this reactor any more.
    if (handle_ != 0) changes_->Unsubscribe(handle_);
    delete this;
  }

 private:
  // Writes the study's newest state, unless a write is in flight (then OnWriteDone will) or the stream
  // is finishing.
  void Send() {
    {
      absl::MutexLock lock(&mu_);
      if (finished_ || pending_finish_) return;
      if (writing_) {
        dirty_ = true;
        return;
      }
      writing_ = true;
      dirty_ = false;
    }
    absl::StatusOr<v1::Study> study = core_->GetStudy(study_ref_);
    if (!study.ok()) {
      {
        absl::MutexLock lock(&mu_);
        writing_ = false;
      }
      FinishOnce(ToGrpcStatus(study.status()));
      return;
    }
    const bool last = study->state() != v1::Study::ACTIVE;
    {
      absl::MutexLock lock(&mu_);
      message_ = *std::move(study);  // No write is in flight: gRPC holds no pointer to it.
      if (last) finished_ = true;
    }
    if (last) {
      StartWriteAndFinish(&message_, grpc::WriteOptions(), grpc::Status::OK);
    } else {
      StartWrite(&message_);
    }
  }

  void FinishOnce(grpc::Status status) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_ || pending_finish_) return;
      if (writing_) {
        pending_finish_ = std::move(status);
        return;
      }
      finished_ = true;
    }
    Finish(std::move(status));
  }

  Coordinator* const core_;
  ChangeNotifier* const changes_;
  const std::string study_ref_;
  int64_t handle_ = 0;  // Set in the constructor, read in OnDone.

  absl::Mutex mu_;
  v1::Study message_;                           // The message being written (owned by writing_).
  bool writing_ ABSL_GUARDED_BY(mu_) = false;   // From claiming a write to OnWriteDone.
  bool dirty_ ABSL_GUARDED_BY(mu_) = false;     // A change arrived during the write.
  bool finished_ ABSL_GUARDED_BY(mu_) = false;  // Finish or StartWriteAndFinish was called.
  std::optional<grpc::Status> pending_finish_ ABSL_GUARDED_BY(mu_);  // Finish once the write returns.
};

}  // namespace

grpc::Status StudyServiceImpl::CreateStudy(grpc::ServerContext* context,
                                           const v1::CreateStudyRequest* request,
                                           v1::CreateStudyResponse* response) {
  std::string principal;
  HYPERLAB_ADMIT_AS("StudyService", CreateStudy, principal);
  std::vector<std::string> warnings;
  auto created = core_->CreateStudy(request->spec(), &warnings, principal);
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
  *response = *std::move(trial);
  HideLease(*response);
  return grpc::Status::OK;
}

grpc::Status StudyServiceImpl::EnqueueTrial(grpc::ServerContext* context,
                                            const v1::EnqueueTrialRequest* request, v1::Trial* response) {
  std::string principal;
  HYPERLAB_ADMIT_AS("StudyService", EnqueueTrial, principal);
  // The study's owner only (an admin may act for anyone).
  if (auth_->IsAdmin(*context)) principal.clear();
  auto trial = core_->EnqueueTrial(request->study(), request->parameters(), request->note(), principal);
  if (!trial.ok()) return ToGrpcStatus(trial.status());
  *response = *std::move(trial);
  HideLease(*response);
  return grpc::Status::OK;
}

grpc::Status StudyServiceImpl::DeleteStudy(grpc::ServerContext* context,
                                           const v1::DeleteStudyRequest* request,
                                           v1::DeleteStudyResponse* response) {
  HYPERLAB_ADMIT("StudyService", DeleteStudy);
  auto trials = core_->DeleteStudy(request->study(), request->force());
  if (!trials.ok()) return ToGrpcStatus(trials.status());
  response->set_trials_deleted(*trials);
  return grpc::Status::OK;
}

grpc::ServerWriteReactor<v1::Study>* StudyServiceImpl::WatchStudy(grpc::CallbackServerContext* context,
                                                                  const v1::WatchStudyRequest* request) {
  if (grpc::Status refused = Admit(*auth_, context, "/hyperlab.v1.StudyService/WatchStudy", *request);
      !refused.ok()) {
    return new RefusedWatch(std::move(refused));
  }
  if (changes_ == nullptr) {
    return new RefusedWatch(
        grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "WatchStudy: this server has no change notifications"));
  }
  absl::StatusOr<v1::Study> study = core_->GetStudy(request->study());
  if (!study.ok()) return new RefusedWatch(ToGrpcStatus(study.status()));
  return new StudyWatch(core_, changes_, study->id());
}

grpc::Status StudyServiceImpl::ListTrials(grpc::ServerContext* context, const v1::ListTrialsRequest* request,
                                          v1::ListTrialsResponse* response) {
  HYPERLAB_ADMIT("StudyService", ListTrials);
  auto trials = core_->ListTrials(request->study(), request->with_measurements());
  if (!trials.ok()) return ToGrpcStatus(trials.status());
  for (v1::TrialWithMeasurements& t : *trials) {
    HideLease(*t.mutable_trial());
    *response->add_trials() = std::move(t);
  }
  return grpc::Status::OK;
}

grpc::Status StudyServiceImpl::GetBestTrial(grpc::ServerContext* context,
                                            const v1::GetBestTrialRequest* request, v1::Trial* response) {
  HYPERLAB_ADMIT("StudyService", GetBestTrial);
  auto best = core_->BestTrial(request->study());
  if (!best.ok()) return ToGrpcStatus(best.status());
  *response = *std::move(best);
  HideLease(*response);
  return grpc::Status::OK;
}

grpc::Status StudyServiceImpl::GetParetoFront(grpc::ServerContext* context,
                                              const v1::GetParetoFrontRequest* request,
                                              v1::GetParetoFrontResponse* response) {
  HYPERLAB_ADMIT("StudyService", GetParetoFront);
  auto front = core_->ParetoFront(request->study());
  if (!front.ok()) return ToGrpcStatus(front.status());
  *response = *std::move(front);
  for (v1::Trial& trial : *response->mutable_trials()) HideLease(trial);
  return grpc::Status::OK;
}

}  // namespace hyperlab::coordinator
