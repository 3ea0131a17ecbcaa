#include "tools/bench/load/worker_fleet.h"

#include <chrono>
#include <cmath>
#include <numbers>

#include "absl/strings/str_cat.h"
#include "grpcpp/alarm.h"
#include "grpcpp/client_context.h"

namespace hyperlab::bench::load {
namespace {

double Branin(double x1, double x2) {
  constexpr double kPi = std::numbers::pi;
  const double b = 5.1 / (4 * kPi * kPi);
  const double c = 5 / kPi;
  const double t = 1 / (8 * kPi);
  const double r = x2 - b * x1 * x1 + c * x1 - 6;
  return r * r + 10 * (1 - t) * std::cos(x1) + 10;
}

// The objective of an assignment: Branin at (x1, x2) when both are numbers, else 0.
double Objective(const v1::Trial& trial) {
  double x[2] = {0, 0};
  int found = 0;
  for (const v1::Parameter& p : trial.parameters()) {
    const int i = p.name() == "x1" ? 0 : p.name() == "x2" ? 1 : -1;
    if (i < 0) continue;
    if (p.value().has_double_value()) {
      x[i] = p.value().double_value();
    } else if (p.value().has_int_value()) {
      x[i] = static_cast<double>(p.value().int_value());
    } else {
      continue;
    }
    ++found;
  }
  return found == 2 ? Branin(x[0], x[1]) : 0;
}

}  // namespace

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// One slot of one worker. Exactly one operation (a call or an alarm) is in flight at any time, with the
// slot as its tag, so its members are only touched by the thread that took that operation's event.
class WorkerFleet::Slot : public CqEvent {
 public:
  Slot(WorkerFleet* fleet, const v1::WorkerInfo* worker, v1::WorkerService::Stub* stub,
       grpc::CompletionQueue* cq)
      : fleet_(fleet), worker_(worker), stub_(stub), cq_(cq) {}

  // The other slots of the worker, which this one starts once the worker is registered.
  void set_siblings(std::vector<Slot*> siblings) { siblings_ = std::move(siblings); }

  // The worker's first slot registers, then starts its siblings; the others start at AcquireTrials.
  void Begin(bool registers) {
    if (registers) {
      StartRegister();
    } else {
      StartAcquire();
    }
  }

  void OnDone(bool ok) override {
    const Step step = step_;
    step_ = Step::kNone;
    if (step == Step::kWait) {
      if (!Continue()) return;
      Resume(after_wait_);
      return;
    }
    if (!ok) status_ = grpc::Status(grpc::StatusCode::UNAVAILABLE, "completion queue refused the call");
    const int64_t latency = NowMicros() - call_start_;
    PhaseStats& stats = fleet_->phases_->current();
    switch (step) {
      case Step::kRegister:
        Record(stats, Rpc::kRegister, latency);
        if (status_.ok()) {
          for (Slot* sibling : siblings_) sibling->StartAcquire();
          siblings_.clear();
          if (Continue()) Resume(held_.empty() ? Step::kAcquire : Step::kComplete);
        } else if (Continue()) {
          Wait(fleet_->options_.error_backoff_ms, Step::kRegister);
        }
        return;
      case Step::kAcquire:
        Record(stats, Rpc::kAcquire, latency);
        if (status_.ok()) {
          for (const v1::Assignment& a : acquire_response_.assignments()) held_.push_back(a.trial());
          if (held_.empty()) {
            stats.CountEmptyAcquire();
            if (Continue()) Wait(fleet_->options_.idle_backoff_ms, Step::kAcquire);
            return;
          }
          stats.CountAcquired(static_cast<int64_t>(held_.size()));
          reports_left_ = fleet_->options_.reports_per_trial;
          if (Continue()) Resume(reports_left_ > 0 ? Step::kReport : Step::kComplete);
        } else {
          AfterError(Step::kAcquire);
        }
        return;
      case Step::kReport:
        Record(stats, Rpc::kReport, latency);
        if (status_.ok()) {
          KeepReported(stats);
          --reports_left_;
          if (Continue())
            Resume(held_.empty() ? Step::kAcquire : reports_left_ > 0 ? Step::kReport : Step::kComplete);
        } else {
          AfterError(Step::kReport);
        }
        return;
      case Step::kComplete:
        Record(stats, Rpc::kComplete, latency);
        if (status_.ok()) {
          int64_t done = 0;
          for (int i = 0; i < complete_response_.results_size(); ++i) {
            const int code = complete_response_.results(i).code();
            if (code != 0) {
              stats.RecordError(Rpc::kComplete, code);
              continue;
            }
            ++done;
            if (i < static_cast<int>(held_.size())) {
              auto study = fleet_->study_index_.find(held_[i].study_id());
              if (study != fleet_->study_index_.end()) stats.CountCompletedIn(study->second);
            }
          }
          stats.CountCompleted(done);
          for (int64_t i = 0; i < done; ++i) fleet_->CountCompletion(call_start_);
          held_.clear();
          stop_early_.clear();
          if (Continue()) Resume(Step::kAcquire);
        } else {
          AfterError(Step::kComplete);
        }
        return;
      case Step::kNone:
      case Step::kWait:
        return;
    }
  }

 private:
  enum class Step { kNone, kRegister, kAcquire, kReport, kComplete, kWait };

  // False (and the slot, with the siblings it has not started, counts as stopped) once the fleet is
  // stopping.
  bool Continue() {
    if (!fleet_->stopping_.load(std::memory_order_acquire)) return true;
    for (size_t i = 0; i < siblings_.size(); ++i) fleet_->SlotStopped();
    siblings_.clear();
    fleet_->SlotStopped();
    return false;
  }

  void Record(PhaseStats& stats, Rpc rpc, int64_t latency) {
    if (status_.ok()) {
      stats.RecordLatency(rpc, latency);
    } else {
      stats.RecordError(rpc, status_.error_code());
    }
  }

  void AfterError(Step retry) {
    if (!Continue()) return;
    if (status_.error_code() == grpc::StatusCode::NOT_FOUND) {
      StartRegister();
    } else {
      Wait(fleet_->options_.error_backoff_ms, retry);
    }
  }

  // Drops the trials whose report was refused (lease lost, study cancelled); remembers which should stop.
  void KeepReported(PhaseStats& stats) {
    std::vector<v1::Trial> kept;
    for (int i = 0; i < report_response_.results_size() && i < static_cast<int>(held_.size()); ++i) {
      const v1::TrialReportResult& r = report_response_.results(i);
      if (r.status().code() != 0) {
        stats.RecordError(Rpc::kReport, r.status().code());
        continue;
      }
      if (r.should_stop()) stop_early_.push_back(held_[i].id());
      kept.push_back(std::move(held_[i]));
    }
    held_ = std::move(kept);
  }

  void Resume(Step step) {
    switch (step) {
      case Step::kRegister:
        StartRegister();
        return;
      case Step::kAcquire:
        StartAcquire();
        return;
      case Step::kReport:
        StartReport();
        return;
      case Step::kComplete:
        StartComplete();
        return;
      case Step::kNone:
      case Step::kWait:
        return;
    }
  }

  void Wait(int64_t ms, Step then) {
    step_ = Step::kWait;
    after_wait_ = then;
    alarm_ = std::make_unique<grpc::Alarm>();
    alarm_->Set(cq_, std::chrono::system_clock::now() + std::chrono::milliseconds(ms), this);
  }

  void NewCall(Step step) {
    step_ = step;
    // The readers live in the call's arena, which the context owns: drop them before the context.
    register_call_.reset();
    acquire_call_.reset();
    report_call_.reset();
    complete_call_.reset();
    context_ = std::make_unique<grpc::ClientContext>();
    context_->set_deadline(std::chrono::system_clock::now() +
                           std::chrono::milliseconds(fleet_->options_.call_timeout_ms));
    call_start_ = NowMicros();
  }

  void StartRegister() {
    NewCall(Step::kRegister);
    v1::RegisterWorkerRequest request;
    *request.mutable_worker() = *worker_;
    register_call_ = stub_->PrepareAsyncRegisterWorker(context_.get(), request, cq_);
    register_call_->StartCall();
    register_call_->Finish(&register_response_, &status_, this);
  }

  void StartAcquire() {
    NewCall(Step::kAcquire);
    v1::AcquireTrialsRequest request;
    request.set_worker_id(worker_->id());
    request.set_max_trials(fleet_->options_.max_acquire);
    acquire_response_.Clear();
    acquire_call_ = stub_->PrepareAsyncAcquireTrials(context_.get(), request, cq_);
    acquire_call_->StartCall();
    acquire_call_->Finish(&acquire_response_, &status_, this);
  }

  void StartReport() {
    NewCall(Step::kReport);
    v1::ReportTrialsRequest request;
    request.set_worker_id(worker_->id());
    const int step = fleet_->options_.reports_per_trial - reports_left_ + 1;
    for (const v1::Trial& trial : held_) {
      v1::TrialReport* report = request.add_reports();
      SetLease(trial, report->mutable_lease());
      v1::Measurement* m = report->add_measurements();
      m->set_step(step);
      (*m->mutable_metrics())["value"] = Objective(trial) + 1.0 / step;
    }
    report_response_.Clear();
    report_call_ = stub_->PrepareAsyncReportTrials(context_.get(), request, cq_);
    report_call_->StartCall();
    report_call_->Finish(&report_response_, &status_, this);
  }

  void StartComplete() {
    NewCall(Step::kComplete);
    v1::CompleteTrialsRequest request;
    request.set_worker_id(worker_->id());
    for (const v1::Trial& trial : held_) {
      v1::TrialCompletion* c = request.add_completions();
      SetLease(trial, c->mutable_lease());
      bool stop = false;
      for (int64_t id : stop_early_) stop = stop || id == trial.id();
      c->set_state(stop ? v1::Trial::STOPPED : v1::Trial::SUCCEEDED);
      (*c->mutable_metrics())["value"] = Objective(trial);
    }
    complete_response_.Clear();
    complete_call_ = stub_->PrepareAsyncCompleteTrials(context_.get(), request, cq_);
    complete_call_->StartCall();
    complete_call_->Finish(&complete_response_, &status_, this);
  }

  static void SetLease(const v1::Trial& trial, v1::LeaseRef* lease) {
    lease->set_study_id(trial.study_id());
    lease->set_trial_id(trial.id());
    lease->set_lease_id(trial.lease_id());
  }

  WorkerFleet* const fleet_;
  const v1::WorkerInfo* const worker_;
  v1::WorkerService::Stub* const stub_;
  grpc::CompletionQueue* const cq_;
  std::vector<Slot*> siblings_;  // started once registration succeeds

  Step step_ = Step::kNone;
  Step after_wait_ = Step::kNone;
  int64_t call_start_ = 0;
  int reports_left_ = 0;
  std::vector<v1::Trial> held_;
  std::vector<int64_t> stop_early_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::Alarm> alarm_;
  grpc::Status status_;
  v1::RegisterWorkerResponse register_response_;
  v1::AcquireTrialsResponse acquire_response_;
  v1::ReportTrialsResponse report_response_;
  v1::CompleteTrialsResponse complete_response_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::RegisterWorkerResponse>> register_call_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::AcquireTrialsResponse>> acquire_call_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::ReportTrialsResponse>> report_call_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::CompleteTrialsResponse>> complete_call_;
};

WorkerFleet::WorkerFleet(const FleetOptions& options, std::vector<std::shared_ptr<grpc::Channel>> channels,
                         CompletionQueuePool* pool, PhaseClock* phases)
    : options_(options), channels_(std::move(channels)), pool_(pool), phases_(phases) {
  for (const auto& channel : channels_) stubs_.push_back(v1::WorkerService::NewStub(channel));
  for (size_t i = 0; i < options_.study_ids.size(); ++i) study_index_[options_.study_ids[i]] = i;
}

WorkerFleet::~WorkerFleet() { Stop(); }

void WorkerFleet::Start() {
  workers_.resize(options_.workers);
  size_t queue = 0;
  std::vector<Slot*> first_slots;
  for (int w = 0; w < options_.workers; ++w) {
    v1::WorkerInfo& info = workers_[w];
    info.set_id(absl::StrCat(options_.id_prefix, "-", w));
    info.set_host("hyperlab-load");
    info.set_slots(options_.slots);
    info.set_threads(1);
    info.add_executors("synthetic");
    info.set_version("hyperlab-load");
    v1::WorkerService::Stub* stub = stubs_[w % stubs_.size()].get();
    std::vector<Slot*> siblings;
    for (int s = 0; s < options_.slots; ++s) {
      slots_.push_back(std::make_unique<Slot>(this, &info, stub, pool_->queue(queue++)));
      if (s > 0) siblings.push_back(slots_.back().get());
    }
    Slot* first = slots_[slots_.size() - options_.slots].get();
    first->set_siblings(std::move(siblings));
    first_slots.push_back(first);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = static_cast<int>(slots_.size());
  }
  for (Slot* slot : first_slots) slot->Begin(/*registers=*/true);
}

void WorkerFleet::Stop() {
  stopping_.store(true, std::memory_order_release);
  std::unique_lock<std::mutex> lock(mu_);
  all_stopped_.wait(lock, [&] { return running_ == 0; });
}

void WorkerFleet::SlotStopped() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--running_ == 0) all_stopped_.notify_all();
}

void WorkerFleet::MarkRestart(int64_t micros) {
  first_after_mark_.store(0, std::memory_order_release);
  restart_mark_.store(micros, std::memory_order_release);
}

void WorkerFleet::CountCompletion(int64_t call_start_micros) {
  completed_.fetch_add(1, std::memory_order_relaxed);
  if (call_start_micros < restart_mark_.load(std::memory_order_acquire)) return;
  int64_t expected = 0;
  first_after_mark_.compare_exchange_strong(expected, NowMicros(), std::memory_order_acq_rel);
}

}  // namespace hyperlab::bench::load
