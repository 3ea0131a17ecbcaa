#include "worker/worker.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/number_format.h"
#include "common/base/printable.h"
#include "nlohmann/json.hpp"
#include "proto/task_kind.h"
#include "worker/command_executor.h"
#include "worker/metric_line.h"
#include "worker/send_limits.h"
#include "worker/synthetic_executor.h"
#include "worker/train_executor.h"

namespace hyperlab::worker {
namespace {

// The longest the loop sleeps between two looks at its trials, outbox, heartbeat and acquire times.
constexpr int64_t kLoopWaitMs = 50;
// Measurements go out within this much, so early-stopping rules judge fresh curves.
constexpr int64_t kMeasurementHeartbeatMs = 200;

std::string DefaultWorkerId() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  std::random_device rd;
  return absl::StrFormat("%s-%d-%04x", host, getpid(), rd() & 0xffff);
}

// Wall time, for measurement timestamps the coordinator stores; the loop's timing reads clock_.
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

// Runs the trial; an exception the executor lets out fails this trial only.
TrialOutcome RunGuarded(Executor& executor, const v1::Assignment& assignment, TrialContext& context) {
  TrialOutcome failed;
  failed.state = v1::Trial::FAILED;
  try {
    return executor.Run(assignment, context);
  } catch (const std::bad_alloc&) {
    failed.reason = absl::StrCat("the ", executor.Kind(), " executor ran out of memory (std::bad_alloc)");
  } catch (const std::exception& e) {
    failed.reason = absl::StrCat("the ", executor.Kind(),
                                 " executor failed with an exception: ", PrintablePrefix(e.what(), 1024));
  } catch (...) {
    failed.reason = absl::StrCat("the ", executor.Kind(), " executor failed with an unknown exception");
  }
  return failed;
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

  // Queues a measurement within the bounds of send_limits.h: one over a limit fails the trial (it is
  // told to stop); past max pending, the oldest waiting measurements are dropped and counted.
  void ReportMeasurement(const v1::Measurement& measurement) override {
    absl::Status check = CheckMeasurement(measurement);
    std::lock_guard<std::mutex> lock(mu);
    if (!check.ok()) {
      if (limit_error.empty()) limit_error = std::string(check.message());
      stop = true;
      return;
    }
    pending.push_back(measurement);
    if (pending.back().time_unix_ms() == 0) pending.back().set_time_unix_ms(NowUnixMs());
    last = pending.back();
    pending_bytes += pending.back().ByteSizeLong();
    while (pending.size() > kMaxPendingMeasurements || pending_bytes > kMaxPendingMeasurementBytes) {
      pending_bytes -= pending.front().ByteSizeLong();
      pending.pop_front();
      ++dropped;
    }
  }
  bool StopRequested() const override { return stop.load() || worker_stopping->load(); }

  bool HasMeasurements() {
    std::lock_guard<std::mutex> lock(mu);
    return !pending.empty();
  }
  // Takes the oldest waiting measurements, as many as fit in `max_bytes` and max_measurements_per_report.
  std::vector<v1::Measurement> TakeMeasurements(size_t max_bytes) {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<v1::Measurement> out;
    size_t bytes = 0;
    while (!pending.empty() && out.size() < static_cast<size_t>(kMaxMeasurementsPerReport)) {
      const size_t size = pending.front().ByteSizeLong();
      if (bytes + size > max_bytes) break;
      bytes += size;
      pending_bytes -= size;
      out.push_back(std::move(pending.front()));
      pending.pop_front();
    }
    return out;
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
  std::deque<v1::Measurement> pending;  // GUARDED_BY(mu)
  size_t pending_bytes = 0;             // Encoded bytes of `pending`. GUARDED_BY(mu)
  int64_t dropped = 0;                  // Measurements dropped from `pending`. GUARDED_BY(mu)
  std::string limit_error;              // A measurement over a limit: the trial fails. GUARDED_BY(mu)
  v1::Measurement last;                 // The newest measurement reported. GUARDED_BY(mu)
};

Worker::Worker(std::shared_ptr<grpc::Channel> channel, WorkerOptions options,
               std::vector<std::unique_ptr<Executor>> executors)
    : stub_(v1::WorkerService::NewStub(channel)),
      options_(std::move(options)),
      executors_(std::move(executors)),
      clock_(options_.clock != nullptr ? *options_.clock : SteadyWorkerClock::Get()) {
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
  {
    // Under the lock the waits use, so a wait that has checked stopping_ but not yet slept cannot miss
    // the notification and sleep a whole backoff (up to 5 s).
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
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
  clock_.WaitUntil(wake_, lock, clock_.NowMs() + backoff_ms_, [this] { return stopping_.load(); });
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
        raw->outcome = RunGuarded(*executor, raw->assignment, *raw);
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
      for (const auto& [name, value] : slot.outcome.artifacts) (*c.mutable_artifacts())[name] = value;
      std::lock_guard<std::mutex> lock(slot.mu);
      if (slot.early_stopped && slot.outcome.state == v1::Trial::STOPPED) {
        // A stopped trial ends with its last measurement.
        if (c.metrics().empty()) *c.mutable_metrics() = slot.last.metrics();
        c.set_reason(absl::StrCat("stopped early by the study's rule at step ", slot.last.step()));
      }
      for (v1::Measurement& m : slot.pending) *c.add_measurements() = std::move(m);
      slot.pending.clear();
      if (!slot.limit_error.empty()) {
        StripToFailure(c, slot.limit_error);
      } else if (slot.dropped > 0) {
        c.set_reason(absl::StrCat(c.reason(), c.reason().empty() ? "" : "; ", "note: ", slot.dropped,
                                  " intermediate measurements dropped (more than ", kMaxPendingMeasurements,
                                  " or ", kMaxPendingMeasurementBytes, " bytes waited for one heartbeat)"));
      }
      FitCompletion(c);
      outbox_.push_back(Outgoing{std::move(c)});
    }
    it = running_.erase(it);
  }
}

namespace {

// Codes of a failed call that say nothing about what it carried: the coordinator is away, overloaded, or
// forgot this worker. The same call is retried after a backoff.
bool Transient(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::CANCELLED || code == grpc::StatusCode::NOT_FOUND ||
         code == grpc::StatusCode::UNAUTHENTICATED || code == grpc::StatusCode::PERMISSION_DENIED;
}

// Codes of a refused item that say its content is wrong or over a limit: worth one bare FAILED retry.
bool ContentRefused(int code) {
  return code == grpc::StatusCode::INVALID_ARGUMENT || code == grpc::StatusCode::RESOURCE_EXHAUSTED ||
         code == grpc::StatusCode::OUT_OF_RANGE;
}

}  // namespace

void Worker::Refused(Outgoing& item, int code, const std::string& message, bool& keep) {
  const std::string what =
      absl::StrCat(item.completion.lease().study_id(), "/", item.completion.lease().trial_id());
  const std::string why = absl::StrCat(absl::StatusCodeToString(static_cast<absl::StatusCode>(code)), ": ",
                                       PrintablePrefix(message, 512));
  if (ContentRefused(code) && !item.stripped) {
    std::cerr << "hyperlab-worker " << options_.id << ": completion of " << what << " refused (" << why
              << "); sending it as FAILED without its results\n";
    StripToFailure(item.completion, absl::StrCat("the coordinator refused this trial's result (", why, ")"));
    item.stripped = true;
    item.attempts = 0;
    keep = true;
    return;
  }
  std::cerr << "hyperlab-worker " << options_.id << ": completion of " << what << " refused for good (" << why
            << "); forgetting the trial\n";
  keep = false;
}

void Worker::FlushOutbox() {
  if (outbox_.empty()) {
    isolate_ = false;
    return;
  }
  // One call: the oldest completions, within max_reports_per_call and kMaxCallBytes; a single one while
  // isolating the item a whole call was refused for.
  v1::CompleteTrialsRequest request;
  request.set_worker_id(options_.id);
  size_t bytes = request.ByteSizeLong();
  const size_t most = isolate_ ? 1 : static_cast<size_t>(kMaxReportsPerCall);
  size_t count = 0;
  for (; count < outbox_.size() && count < most; ++count) {
    const size_t size = outbox_[count].completion.ByteSizeLong() + 16;
    if (count > 0 && bytes + size > kMaxCallBytes) break;
    bytes += size;
    *request.add_completions() = outbox_[count].completion;
  }
  v1::CompleteTrialsResponse response;
  grpc::Status status = stub_->CompleteTrials(NewContext().get(), request, &response);
  if (!status.ok() && Transient(status.error_code())) {
    Backoff(status, "completing trials");
    return;
  }
  backoff_ms_ = 0;
  std::vector<bool> keep(count, false);
  if (!status.ok()) {
    // The whole call was refused for what it carried. Several items: send them one per call until the
    // outbox is empty, so that the bad one is found and the others go through. One item: it is refused.
    if (count > 1) {
      std::cerr << "hyperlab-worker " << options_.id << ": a call of " << count << " completions refused ("
                << PrintablePrefix(status.error_message(), 512) << "); sending them one at a time\n";
      isolate_ = true;
      return;
    }
    bool k = false;
    Refused(outbox_.front(), status.error_code(), status.error_message(), k);
    if (!k) outbox_.pop_front();
    return;
  }
  for (size_t i = 0; i < count; ++i) {
    Outgoing& item = outbox_[i];
    if (i >= static_cast<size_t>(response.results_size())) {
      // No answer for it: send it again, a few times at most.
      keep[i] = ++item.attempts < kMaxCompletionAttempts;
      continue;
    }
    const v1::ItemStatus& result = response.results(static_cast<int>(i));
    if (result.code() == 0) {
      LogAcknowledged(item.completion);
      if (options_.log_trials)
        std::cerr << "hyperlab-worker " << options_.id << ": " << Describe(item.completion) << "\n";
    } else if (result.code() == grpc::StatusCode::UNAVAILABLE ||
               result.code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      keep[i] = ++item.attempts < kMaxCompletionAttempts;
    } else {
      bool k = false;
      Refused(item, result.code(), result.message(), k);
      keep[i] = k;
    }
  }
  std::deque<Outgoing> rest;
  for (size_t i = 0; i < count; ++i) {
    if (keep[i]) rest.push_back(std::move(outbox_[i]));
  }
  for (size_t i = count; i < outbox_.size(); ++i) rest.push_back(std::move(outbox_[i]));
  outbox_ = std::move(rest);
  if (outbox_.empty()) isolate_ = false;
}

void Worker::Heartbeat() {
  if (running_.empty() && outbox_.empty()) return;
  // Every lease goes out; measurements share kMaxHeartbeatMeasurementBytes, taken from the trials in a
  // rotating order so that one trial's flood cannot starve the others' curves.
  std::vector<v1::TrialReport> reports;
  std::vector<Slot*> order;
  for (auto& [key, slot] : running_) {
    if (slot->lost) continue;
    reports.emplace_back();
    *reports.back().mutable_lease() = slot->Lease();
    order.push_back(slot.get());
  }
  size_t budget = kMaxHeartbeatMeasurementBytes;
  for (size_t k = 0; k < order.size() && budget > 0; ++k) {
    const size_t i = (k + heartbeat_rotation_) % order.size();
    const size_t share = std::max<size_t>(budget / (order.size() - k), 64 << 10);
    for (v1::Measurement& m : order[i]->TakeMeasurements(std::min(share, budget))) {
      budget -= std::min(budget, m.ByteSizeLong());
      *reports[i].add_measurements() = std::move(m);
    }
  }
  ++heartbeat_rotation_;
  for (const Outgoing& item : outbox_) {
    reports.emplace_back();
    *reports.back().mutable_lease() = item.completion.lease();
  }
  // In calls of at most max_reports_per_call reports.
  for (size_t first = 0; first < reports.size(); first += kMaxReportsPerCall) {
    const size_t end = std::min(reports.size(), first + kMaxReportsPerCall);
    v1::ReportTrialsRequest request;
    request.set_worker_id(options_.id);
    for (size_t i = first; i < end; ++i) *request.add_reports() = std::move(reports[i]);
    v1::ReportTrialsResponse response;
    grpc::Status status = stub_->ReportTrials(NewContext().get(), request, &response);
    if (!status.ok()) {
      // Measurements of this report are lost to the journal; the trial's final metrics still arrive with
      // its completion. A refusal for content (not expected: what is sent is within the limits) is not
      // retried with the same measurements.
      Backoff(status, "heartbeat");
      return;
    }
    backoff_ms_ = 0;
    for (size_t i = first; i < end && i < order.size(); ++i) {
      if (i - first >= static_cast<size_t>(response.results_size())) break;
      const v1::TrialReportResult& result = response.results(static_cast<int>(i - first));
      if (result.status().code() != 0) {
        std::cerr << "hyperlab-worker " << options_.id
                  << ": dropping trial: " << PrintablePrefix(result.status().message(), 512) << "\n";
        order[i]->lost = true;
        order[i]->stop = true;
      } else if (result.should_stop()) {
        order[i]->early_stopped = true;
        order[i]->stop = true;
      }
    }
  }
}

void Worker::Run() {
  int64_t last_heartbeat = clock_.NowMs();
  int64_t next_acquire = last_heartbeat;
  while (!stopping_) {
    if (!registered_ && !Register()) continue;
    CollectFinished();
    FlushOutbox();
    const int64_t now = clock_.NowMs();
    // Measurements go out within kMeasurementHeartbeatMs; plain heartbeats only as often as the lease needs.
    bool measurements = false;
    for (const auto& [key, slot] : running_) measurements = measurements || slot->HasMeasurements();
    const int64_t since = now - last_heartbeat;
    if (since >= heartbeat_interval_ms_ || (measurements && since >= kMeasurementHeartbeatMs)) {
      last_heartbeat = now;
      Heartbeat();
    }
    const int free_slots = options_.slots - static_cast<int>(running_.size());
    if (free_slots > 0 && now >= next_acquire && registered_ && !stopping_) {
      const size_t before = running_.size();
      AcquireTrials(free_slots);
      if (running_.size() == before) next_acquire = clock_.NowMs() + options_.idle_poll_ms;
    }
    std::unique_lock<std::mutex> lock(mu_);
    clock_.WaitUntil(wake_, lock, clock_.NowMs() + kLoopWaitMs, [this] {
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
