#include "tools/bench/load/study_watchers.h"

#include <chrono>

#include "grpcpp/alarm.h"
#include "grpcpp/client_context.h"
#include "tools/bench/load/worker_fleet.h"

namespace hyperlab::bench::load {

// One stream. One operation (start, read, finish or the reopen alarm) is in flight at a time with the
// watcher as its tag; `mu_` orders Open against Stop's Cancel from the driver thread, so no stream opens
// after it was cancelled.
class StudyWatchers::Watcher : public CqEvent {
 public:
  Watcher(StudyWatchers* owner, v1::StudyService::Stub* stub, grpc::CompletionQueue* cq)
      : owner_(owner), stub_(stub), cq_(cq) {}

  // Opens the stream, unless Cancel came first (then the watcher counts as stopped).
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    if (cancelled_) {
      owner_->WatcherStopped();
      return;
    }
    step_ = Step::kStart;
    // The reader lives in the call's arena, which the context owns: drop it before the context.
    stream_.reset();
    context_ = std::make_unique<grpc::ClientContext>();
    v1::WatchStudyRequest request;
    request.set_study(owner_->study_);
    opened_ = NowMicros();
    first_message_ = true;
    stream_ = stub_->PrepareAsyncWatchStudy(context_.get(), request, cq_);
    stream_->StartCall(this);
  }

  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }

  void OnDone(bool ok) override {
    switch (step_) {
      case Step::kStart:
      case Step::kRead:
        if (!ok) {
          step_ = Step::kFinish;
          stream_->Finish(&status_, this);
          return;
        }
        if (step_ == Step::kRead) {
          PhaseStats& stats = owner_->phases_->current();
          stats.CountWatchMessage();
          if (first_message_) stats.RecordLatency(Rpc::kWatch, NowMicros() - opened_);
          first_message_ = false;
        }
        step_ = Step::kRead;
        stream_->Read(&message_, this);
        return;
      case Step::kFinish: {
        const bool stopping = owner_->IsStopping();
        if (!status_.ok() && !stopping)
          owner_->phases_->current().RecordError(Rpc::kWatch, status_.error_code());
        if (status_.ok() || stopping) {
          owner_->WatcherStopped();
          return;
        }
        step_ = Step::kWait;
        alarm_ = std::make_unique<grpc::Alarm>();
        alarm_->Set(cq_,
                    std::chrono::system_clock::now() + std::chrono::milliseconds(owner_->error_backoff_ms_),
                    this);
        return;
      }
      case Step::kWait:
        Open();
        return;
    }
  }

 private:
  enum class Step { kStart, kRead, kFinish, kWait };

  StudyWatchers* const owner_;
  v1::StudyService::Stub* const stub_;
  grpc::CompletionQueue* const cq_;
  std::mutex mu_;
  Step step_ = Step::kStart;
  bool cancelled_ = false;                        // guarded by mu_
  std::unique_ptr<grpc::ClientContext> context_;  // guarded by mu_ (replaced by Open)
  std::unique_ptr<grpc::ClientAsyncReader<v1::Study>> stream_;
  std::unique_ptr<grpc::Alarm> alarm_;
  v1::Study message_;
  grpc::Status status_;
  int64_t opened_ = 0;
  bool first_message_ = true;
};

StudyWatchers::StudyWatchers(int count, std::string study,
                             std::vector<std::shared_ptr<grpc::Channel>> channels, CompletionQueuePool* pool,
                             PhaseClock* phases, int64_t error_backoff_ms)
    : count_(count),
      study_(std::move(study)),
      error_backoff_ms_(error_backoff_ms),
      channels_(std::move(channels)),
      pool_(pool),
      phases_(phases) {
  for (const auto& channel : channels_) stubs_.push_back(v1::StudyService::NewStub(channel));
}

StudyWatchers::~StudyWatchers() { Stop(); }

void StudyWatchers::Start() {
  for (int i = 0; i < count_; ++i) {
    watchers_.push_back(std::make_unique<Watcher>(this, stubs_[i % stubs_.size()].get(), pool_->queue(i)));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = count_;
  }
  for (auto& watcher : watchers_) watcher->Open();
}

void StudyWatchers::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  for (auto& watcher : watchers_) watcher->Cancel();
  std::unique_lock<std::mutex> lock(mu_);
  all_stopped_.wait(lock, [&] { return running_ == 0; });
}

bool StudyWatchers::IsStopping() {
  std::lock_guard<std::mutex> lock(mu_);
  return stopping_;
}

void StudyWatchers::WatcherStopped() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--running_ == 0) all_stopped_.notify_all();
}

}  // namespace hyperlab::bench::load
