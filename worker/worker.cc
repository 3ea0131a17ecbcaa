#include "worker/worker.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "proto/task_kind.h"
#include "worker/command_executor.h"
#include "worker/metric_line.h"
#include "worker/synthetic_executor.h"
#include "worker/train/train_executor.h"

namespace hyperlab::worker {
namespace {

using Clock = std::chrono::steady_clock;

std::string DefaultWorkerId() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  std::random_device rd;
  return absl::StrFormat("%s-%d-%04x", host, getpid(), rd() & 0xffff);
}

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Describe(const v1::TrialCompletion& c) {
  std::string out =
      absl::StrCat(c.lease().study_id(), "/", c.lease().trial_id(), " ", v1::Trial::State_Name(c.state()));
  for (const auto& [name, value] : c.metrics()) absl::StrAppend(&out, " ", name, "=", FormatNumber(value));
  if (!c.reason().empty()) absl::StrAppend(&out, " (", c.reason().substr(0, 200), ")");
  return out;
}

}  // namespace

std::vector<std::unique_ptr<Executor>> MakeDefaultExecutors(int threads_per_trial) {
  std::vector<std::unique_ptr<Executor>> out;
  out.push_back(std::make_unique<SyntheticExecutor>());
  out.push_back(std::make_unique<CommandExecutor>());
  out.push_back(
      std::make_unique<train::TrainExecutor>(train::TrainExecutorOptions{.threads = threads_per_trial}));
  return out;
}

// One running trial: the executor's context and the thread that runs it.
struct Worker::Slot : public TrialContext {
  Slot(v1::Assignment a, const std::atomic<bool>* worker_stopping)
      : assignment(std::move(a)), worker_stopping(worker_stopping) {}

  void ReportMeasurement(const v1::Measurement& measurement) override {
    std::lock_guard<std::mutex> lock(mu);
    pending.push_back(measurement);
    if (pending.back().time_unix_ms() == 0) pending.back().set_time_unix_ms(NowUnixMs());
    last = pending.back();
  }
  bool StopRequested() const override { return stop.load() || worker_stopping->load(); }

  bool HasMeasurements() {
    std::lock_guard<std::mutex> lock(mu);
    return !pending.empty();
  }
  std::vector<v1::Measurement> TakeMeasurements() {
    std::lock_guard<std::mutex> lock(mu);
    return std::exchange(pending, {});
  }
  v1::LeaseRef Lease() const {
    v1::LeaseRef ref;
    ref.set_study_id(assignment.trial().study_id());
    ref.set_trial_id(assignment.trial().id());
    ref.set_lease_id(assignment.trial().lease_id());
    return ref;
  }

  const v1::Assignment assignment;
  const std::atomic<bool>* worker_stopping;
  std::atomic<bool> stop{false};
  std::atomic<bool> done{false};
  bool lost = false;           // The lease is gone: drop the result.
  bool early_stopped = false;  // The coordinator's early-stopping rule asked it to stop.
  TrialOutcome outcome;
  std::thread thread;
  std::mutex mu;
  std::vector<v1::Measurement> pending;  // GUARDED_BY(mu)
  v1::Measurement last;                  // The newest measurement reported. GUARDED_BY(mu)
};

Worker::Worker(std::shared_ptr<grpc::Channel> channel, WorkerOptions options,
               std::vector<std::unique_ptr<Executor>> executors)
    : stub_(v1::WorkerService::NewStub(channel)),
      options_(std::move(options)),
      executors_(std::move(executors)) {
  if (options_.id.empty()) options_.id = DefaultWorkerId();
  options_.slots = std::max(1, options_.slots);
  if (!options_.ack_log_path.empty()) {
    ack_log_ = std::make_unique<std::ofstream>(options_.ack_log_path, std::ios::app);
  }
}

void Worker::LogAcknowledged(const v1::TrialCompletion& c) {
  if (ack_log_ == nullptr) return;
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [name, value] : c.metrics()) metrics[name] = value;
  nlohmann::json line = {{"worker", options_.id},
                         {"study_id", c.lease().study_id()},
                         {"trial_id", c.lease().trial_id()},
                         {"state", v1::Trial::State_Name(c.state())},
                         {"metrics", metrics}};
  *ack_log_ << line.dump() << std::endl;  // Flushed: survives a SIGKILL of this process.
}

Worker::~Worker() {
  Stop();
  for (auto& [key, slot] : running_) {
    if (slot->thread.joinable()) slot->thread.join();
  }
}

void Worker::Stop() {
  stopping_ = true;
  wake_.notify_all();
}

std::unique_ptr<grpc::ClientContext> Worker::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(options_.call_timeout_ms));
  return context;
}

void Worker::Backoff(const grpc::Status& status, const char* what) {
  backoff_ms_ = std::clamp<int64_t>(backoff_ms_ * 2, 100, 5000);
  std::cerr << "hyperlab-worker " << options_.id << ": " << what << ": " << status.error_message()
            << " (code " << status.error_code() << "); retrying in " << backoff_ms_ << " ms\n";
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) registered_ = false;
  std::unique_lock<std::mutex> lock(mu_);
  wake_.wait_for(lock, std::chrono::milliseconds(backoff_ms_), [this] { return stopping_.load(); });
}

bool Worker::Register() {
  v1::RegisterWorkerRequest request;
  v1::WorkerInfo* info = request.mutable_worker();
  info->set_id(options_.id);
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  info->set_host(host);
  info->set_slots(options_.slots);
  info->set_threads(options_.threads);
  for (const auto& e : executors_) info->add_executors(e->Kind());
  for (const std::string& allowed : options_.allowed_commands) info->add_allowed_commands(allowed);
  info->set_version(HYPERLAB_VERSION);
  v1::RegisterWorkerResponse response;
  grpc::Status status = stub_->RegisterWorker(NewContext().get(), request, &response);
  if (!status.ok()) {
    Backoff(status, "registering");
    return false;
  }
  backoff_ms_ = 0;
  registered_ = true;
  heartbeat_interval_ms_ = std::clamp<int64_t>(response.lease_timeout_ms() / 4, 50, 10'000);
  return true;
}

Executor* Worker::ExecutorFor(const v1::Assignment& assignment) const {
  const std::string kind = TaskKind(assignment.task());
  for (const auto& e : executors_) {
    if (e->Kind() == kind) return e.get();
  }
  return nullptr;
}

void Worker::AcquireTrials(int free_slots) {
  v1::AcquireTrialsRequest request;
  request.set_worker_id(options_.id);
  request.set_max_trials(free_slots);
  v1::AcquireTrialsResponse response;
  grpc::Status status = stub_->AcquireTrials(NewContext().get(), request, &response);
  if (!status.ok()) {
    Backoff(status, "acquiring trials");
    return;
  }
  backoff_ms_ = 0;
  if (response.draining() != draining_) {
    draining_ = response.draining();
    std::cerr << "hyperlab-worker " << options_.id << ": "
              << (draining_ ? "drained by an operator: taking no new trials" : "no longer drained") << "\n";
  }
  for (const v1::Assignment& assignment : response.assignments()) {
    auto slot = std::make_unique<Slot>(assignment, &stopping_);
    Slot* raw = slot.get();
    Executor* executor = ExecutorFor(assignment);
    if (options_.log_trials) {
      std::cerr << "hyperlab-worker " << options_.id << ": trial " << assignment.study_name() << "/"
                << assignment.trial().id() << " started (attempt " << assignment.trial().attempt() << ")\n";
    }
    raw->thread = std::thread([this, raw, executor] {
      if (executor == nullptr) {
        raw->outcome.state = v1::Trial::FAILED;
        raw->outcome.reason = absl::StrCat("worker ", options_.id, " has no executor for task kind '",
                                           TaskKind(raw->assignment.task()), "'");
      } else {
        raw->outcome = executor->Run(raw->assignment, *raw);
      }
      raw->done = true;
      wake_.notify_all();
    });
    running_[{assignment.trial().study_id(), assignment.trial().id()}] = std::move(slot);
  }
}

void Worker::CollectFinished() {
  for (auto it = running_.begin(); it != running_.end();) {
    Slot& slot = *it->second;
    if (!slot.done) {
      ++it;
      continue;
    }
    slot.thread.join();
    if (!slot.lost && !stopping_) {
      v1::TrialCompletion c;
      *c.mutable_lease() = slot.Lease();
      c.set_state(slot.outcome.state);
      for (const auto& [name, value] : slot.outcome.metrics) (*c.mutable_metrics())[name] = value;
      c.set_reason(slot.outcome.reason);
      if (slot.early_stopped && slot.outcome.state == v1::Trial::STOPPED) {
        // A stopped trial ends with its last measurement.
        std::lock_guard<std::mutex> lock(slot.mu);
        if (c.metrics().empty()) *c.mutable_metrics() = slot.last.metrics();
        c.set_reason(absl::StrCat("stopped early by the study's rule at step ", slot.last.step()));
      }
      for (const auto& [name, value] : slot.outcome.artifacts) (*c.mutable_artifacts())[name] = value;
      for (v1::Measurement& m : slot.TakeMeasurements()) *c.add_measurements() = std::move(m);
      outbox_.push_back(std::move(c));
    }
    it = running_.erase(it);
  }
}

void Worker::FlushOutbox() {
  if (outbox_.empty()) return;
  v1::CompleteTrialsRequest request;
  request.set_worker_id(options_.id);
  for (const v1::TrialCompletion& c : outbox_) *request.add_completions() = c;
  v1::CompleteTrialsResponse response;
  grpc::Status status = stub_->CompleteTrials(NewContext().get(), request, &response);
  if (!status.ok()) {
    Backoff(status, "completing trials");
    return;
  }
  backoff_ms_ = 0;
  for (int i = 0; i < response.results_size() && i < static_cast<int>(outbox_.size()); ++i) {
    const v1::ItemStatus& result = response.results(i);
    if (result.code() == 0) {
      ++completed_;
      LogAcknowledged(outbox_[i]);
      if (options_.log_trials)
        std::cerr << "hyperlab-worker " << options_.id << ": " << Describe(outbox_[i]) << "\n";
    } else {
      std::cerr << "hyperlab-worker " << options_.id << ": completion refused: " << result.message() << "\n";
    }
  }
  outbox_.clear();  // Accepted or refused for good: either way nothing to retry.
}

void Worker::Heartbeat() {
  if (running_.empty() && outbox_.empty()) return;
  v1::ReportTrialsRequest request;
  request.set_worker_id(options_.id);
  std::vector<Slot*> order;
  for (auto& [key, slot] : running_) {
    if (slot->lost) continue;
    v1::TrialReport* report = request.add_reports();
    *report->mutable_lease() = slot->Lease();
    for (v1::Measurement& m : slot->TakeMeasurements()) *report->add_measurements() = std::move(m);
    order.push_back(slot.get());
  }
  for (const v1::TrialCompletion& c : outbox_) *request.add_reports()->mutable_lease() = c.lease();
  v1::ReportTrialsResponse response;
  grpc::Status status = stub_->ReportTrials(NewContext().get(), request, &response);
  if (!status.ok()) {
    // Measurements of this report are lost to the journal only if the coordinator never returns; the
    // trial's final metrics still arrive with its completion.
    Backoff(status, "heartbeat");
    return;
  }
  backoff_ms_ = 0;
  for (size_t i = 0; i < order.size() && i < static_cast<size_t>(response.results_size()); ++i) {
    const v1::TrialReportResult& result = response.results(static_cast<int>(i));
    if (result.status().code() != 0) {
      std::cerr << "hyperlab-worker " << options_.id << ": dropping trial: " << result.status().message()
                << "\n";
      order[i]->lost = true;
      order[i]->stop = true;
    } else if (result.should_stop()) {
      order[i]->early_stopped = true;
      order[i]->stop = true;
    }
  }
}

void Worker::Run() {
  auto last_heartbeat = Clock::now();
  auto next_acquire = Clock::now();
  while (!stopping_) {
    if (!registered_ && !Register()) continue;
    CollectFinished();
    FlushOutbox();
    const auto now = Clock::now();
    // Measurements go out within 200 ms, so early-stopping rules judge fresh curves; plain heartbeats
    // only as often as the lease needs.
    bool measurements = false;
    for (const auto& [key, slot] : running_) measurements = measurements || slot->HasMeasurements();
    const auto since = now - last_heartbeat;
    if (since >= std::chrono::milliseconds(heartbeat_interval_ms_) ||
        (measurements && since >= std::chrono::milliseconds(200))) {
      last_heartbeat = now;
      Heartbeat();
    }
    const int free_slots = options_.slots - static_cast<int>(running_.size());
    if (free_slots > 0 && now >= next_acquire && registered_ && !stopping_) {
      const size_t before = running_.size();
      AcquireTrials(free_slots);
      if (running_.size() == before)
        next_acquire = Clock::now() + std::chrono::milliseconds(options_.idle_poll_ms);
    }
    std::unique_lock<std::mutex> lock(mu_);
    wake_.wait_for(lock, std::chrono::milliseconds(50), [this] {
      if (stopping_) return true;
      for (const auto& [key, slot] : running_) {
        if (slot->done) return true;
      }
      return false;
    });
  }
  for (auto& [key, slot] : running_) {
    if (slot->thread.joinable()) slot->thread.join();
  }
  running_.clear();
}

}  // namespace hyperlab::worker
