#include "tools/bench/load/null_coordinator.h"

#include <atomic>

#include "grpcpp/server_builder.h"
#include "hyperlab/v1/services.grpc.pb.h"

namespace hyperlab::bench::load {
namespace {

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* context) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

class NullWorkerService final : public v1::WorkerService::CallbackService {
  grpc::ServerUnaryReactor* RegisterWorker(grpc::CallbackServerContext* context,
                                           const v1::RegisterWorkerRequest*,
                                           v1::RegisterWorkerResponse* response) override {
    response->set_lease_timeout_ms(30000);
    return Done(context);
  }

  grpc::ServerUnaryReactor* AcquireTrials(grpc::CallbackServerContext* context,
                                          const v1::AcquireTrialsRequest* request,
                                          v1::AcquireTrialsResponse* response) override {
    for (int i = 0; i < request->max_trials(); ++i) {
      const int64_t id = next_trial_.fetch_add(1, std::memory_order_relaxed);
      v1::Trial* trial = response->add_assignments()->mutable_trial();
      trial->set_study_id(1);
      trial->set_id(id);
      trial->set_state(v1::Trial::RUNNING);
      trial->set_lease_id("null");
      const double x[2] = {-5 + static_cast<double>(id % 1500) / 100, static_cast<double>(id % 1501) / 100};
      for (int p = 0; p < 2; ++p) {
        v1::Parameter* parameter = trial->add_parameters();
        parameter->set_name(p == 0 ? "x1" : "x2");
        parameter->mutable_value()->set_double_value(x[p]);
      }
    }
    return Done(context);
  }

  grpc::ServerUnaryReactor* ReportTrials(grpc::CallbackServerContext* context,
                                         const v1::ReportTrialsRequest* request,
                                         v1::ReportTrialsResponse* response) override {
    for (int i = 0; i < request->reports_size(); ++i) response->add_results()->mutable_status()->set_code(0);
    return Done(context);
  }

  grpc::ServerUnaryReactor* CompleteTrials(grpc::CallbackServerContext* context,
                                           const v1::CompleteTrialsRequest* request,
                                           v1::CompleteTrialsResponse* response) override {
    for (int i = 0; i < request->completions_size(); ++i) response->add_results()->set_code(0);
    return Done(context);
  }

  std::atomic<int64_t> next_trial_{0};
};

// One message, then open until the client cancels.
class HeldStream final : public grpc::ServerWriteReactor<v1::Study> {
 public:
  HeldStream() {
    study_.set_id(1);
    study_.set_state(v1::Study::ACTIVE);
    StartWrite(&study_);
  }
  void OnWriteDone(bool) override {}
  void OnCancel() override { Finish(grpc::Status::OK); }
  void OnDone() override { delete this; }

 private:
  v1::Study study_;
};

class NullStudyService final : public v1::StudyService::CallbackService {
  grpc::ServerUnaryReactor* CreateStudy(grpc::CallbackServerContext* context,
                                        const v1::CreateStudyRequest* request,
                                        v1::CreateStudyResponse* response) override {
    response->mutable_study()->set_id(next_study_.fetch_add(1, std::memory_order_relaxed));
    *response->mutable_study()->mutable_spec() = request->spec();
    return Done(context);
  }

  grpc::ServerUnaryReactor* GetStudy(grpc::CallbackServerContext* context, const v1::GetStudyRequest*,
                                     v1::Study*) override {
    return Done(context);
  }

  grpc::ServerUnaryReactor* CancelStudy(grpc::CallbackServerContext* context, const v1::CancelStudyRequest*,
                                        v1::Study*) override {
    return Done(context);
  }

  grpc::ServerWriteReactor<v1::Study>* WatchStudy(grpc::CallbackServerContext*,
                                                  const v1::WatchStudyRequest*) override {
    return new HeldStream();
  }

  std::atomic<int64_t> next_study_{1};
};

}  // namespace

class NullCoordinator::Services {
 public:
  NullWorkerService workers;
  NullStudyService studies;
};

absl::StatusOr<std::unique_ptr<NullCoordinator>> NullCoordinator::Start() {
  std::unique_ptr<NullCoordinator> null(new NullCoordinator());
  null->services_ = std::make_unique<Services>();
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &null->port_);
  builder.RegisterService(&null->services_->workers);
  builder.RegisterService(&null->services_->studies);
  null->server_ = builder.BuildAndStart();
  if (null->server_ == nullptr || null->port_ == 0) {
    return absl::UnavailableError("--null-coordinator: cannot serve on 127.0.0.1");
  }
  return null;
}

NullCoordinator::~NullCoordinator() {
  if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now());
}

}  // namespace hyperlab::bench::load
