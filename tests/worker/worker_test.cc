// The pull loop against a scripted coordinator: one trial's exception, output or refusal never stalls the
// worker or costs another trial its lease (issue 14 #6, #7 and "a worker never dies because of one trial");
// and, on a fake clock stepped by the test, its backoff, refusals, stop, lost leases and re-registration
// (issue 20).
#include "worker/worker.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "proto/limits.h"
#include "tests/testing/fake_worker_clock.h"
#include "worker/send_limits.h"
#include "worker/worker_clock.h"

namespace hyperlab::worker {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A coordinator that hands out a fixed list of trials, tracks their leases (a lease not reported within
// kLeaseTimeout is lost for good), and answers calls and completions as the test says. Its time is the
// steady clock, or the worker's fake clock (UseClock).
class FakeCoordinator final : public v1::WorkerService::Service {
 public:
  static constexpr int64_t kLeaseTimeoutMs = 600;
  // Decides a CompleteTrials call: a non-OK status refuses it whole; otherwise fills one result per item.
  using CompletePolicy =
      std::function<grpc::Status(const v1::CompleteTrialsRequest&, v1::CompleteTrialsResponse*)>;

  void AddTrial(int64_t id, const std::string& metric = "value") {
    v1::Assignment a = Assignment(id, metric);
    a.mutable_task()->mutable_synthetic()->set_function("scripted");
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(a);
  }
  // A trial of kind "command", which the scripted workers have no executor for.
  void AddCommandTrial(int64_t id) {
    v1::Assignment a = Assignment(id, "value");
    a.mutable_task()->mutable_command()->add_argv("true");
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(a);
  }
  void SetCompletePolicy(CompletePolicy policy) {
    std::lock_guard<std::mutex> lock(mu_);
    policy_ = std::move(policy);
  }
  // Stamps calls and expires leases by `clock` (not owned) instead of the steady clock.
  void UseClock(const WorkerClock* clock) {
    std::lock_guard<std::mutex> lock(mu_);
    clock_ = clock;
  }
  // Calls of `method` ("RegisterWorker", "AcquireTrials", "ReportTrials", "CompleteTrials") fail whole with
  // `code` until HealCalls(method).
  void FailCalls(const std::string& method, grpc::StatusCode code) {
    std::lock_guard<std::mutex> lock(mu_);
    failing_[method] = code;
  }
  void HealCalls(const std::string& method) {
    std::lock_guard<std::mutex> lock(mu_);
    failing_.erase(method);
  }
  // Forgets the worker, as a restarted coordinator would: its calls other than RegisterWorker are answered
  // NOT_FOUND until it registers again.
  void Forget() {
    std::lock_guard<std::mutex> lock(mu_);
    forgotten_ = true;
  }
  // Answers every report of trial `id` with `code` (ABORTED: lease lost; FAILED_PRECONDITION: study ended).
  void RefuseReports(int64_t id, grpc::StatusCode code) {
    std::lock_guard<std::mutex> lock(mu_);
    refuse_reports_[id] = code;
  }

  grpc::Status RegisterWorker(grpc::ServerContext*, const v1::RegisterWorkerRequest*,
                              v1::RegisterWorkerResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (grpc::Status status = EnterLocked("RegisterWorker"); !status.ok()) return status;
    forgotten_ = false;
    response->set_lease_timeout_ms(kLeaseTimeoutMs);
    return grpc::Status::OK;
  }
  grpc::Status AcquireTrials(grpc::ServerContext*, const v1::AcquireTrialsRequest* request,
                             v1::AcquireTrialsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (grpc::Status status = EnterLocked("AcquireTrials"); !status.ok()) return status;
    while (!queue_.empty() && response->assignments_size() < request->max_trials()) {
      *response->add_assignments() = queue_.front();
      last_seen_[queue_.front().trial().id()] = NowMsLocked();
      queue_.erase(queue_.begin());
    }
    return grpc::Status::OK;
  }
  grpc::Status ReportTrials(grpc::ServerContext*, const v1::ReportTrialsRequest* request,
                            v1::ReportTrialsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (grpc::Status status = EnterLocked("ReportTrials"); !status.ok()) return status;
    max_report_bytes_ = std::max(max_report_bytes_, request->ByteSizeLong());
    for (const v1::TrialReport& report : request->reports()) {
      const int64_t id = report.lease().trial_id();
      ExpireLocked(id);
      v1::TrialReportResult* result = response->add_results();
      if (auto refused = refuse_reports_.find(id); refused != refuse_reports_.end()) {
        result->mutable_status()->set_code(refused->second);
        result->mutable_status()->set_message("refused by the test");
        ++refused_reports_[id];
      } else if (expired_.count(id) > 0) {
        result->mutable_status()->set_code(grpc::StatusCode::ABORTED);
        result->mutable_status()->set_message("lease expired");
      } else {
        last_seen_[id] = NowMsLocked();
        ++accepted_reports_[id];
      }
      measurements_[id] += report.measurements_size();
    }
    return grpc::Status::OK;
  }
  grpc::Status CompleteTrials(grpc::ServerContext*, const v1::CompleteTrialsRequest* request,
                              v1::CompleteTrialsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (grpc::Status status = EnterLocked("CompleteTrials"); !status.ok()) return status;
    for (const v1::TrialCompletion& c : request->completions()) {
      sent_[c.lease().trial_id()].push_back(c);
      ExpireLocked(c.lease().trial_id());
    }
    grpc::Status status = policy_ ? policy_(*request, response) : grpc::Status::OK;
    if (!status.ok()) return status;
    for (int i = response->results_size(); i < request->completions_size(); ++i) response->add_results();
    for (int i = 0; i < request->completions_size(); ++i) {
      const int64_t id = request->completions(i).lease().trial_id();
      if (response->results(i).code() == 0 && expired_.count(id) > 0) {
        response->mutable_results(i)->set_code(grpc::StatusCode::ABORTED);
        response->mutable_results(i)->set_message("lease expired");
      }
      if (response->results(i).code() == 0) accepted_[id] = request->completions(i);
    }
    return grpc::Status::OK;
  }

  std::map<int64_t, v1::TrialCompletion> accepted() {
    std::lock_guard<std::mutex> lock(mu_);
    return accepted_;
  }
  // Every completion of trial `id` the worker sent, in order.
  std::vector<v1::TrialCompletion> sent(int64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_[id];
  }
  std::set<int64_t> expired() {
    std::lock_guard<std::mutex> lock(mu_);
    return expired_;
  }
  size_t max_report_bytes() {
    std::lock_guard<std::mutex> lock(mu_);
    return max_report_bytes_;
  }
  int64_t measurements(int64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    return measurements_[id];
  }
  // When each call of `method` came (refused ones too), on the coordinator's clock.
  std::vector<int64_t> call_times(const std::string& method) {
    std::lock_guard<std::mutex> lock(mu_);
    return call_times_[method];
  }
  // When each call answered NOT_FOUND (the worker was forgotten) came.
  std::vector<int64_t> not_found_times() {
    std::lock_guard<std::mutex> lock(mu_);
    return not_found_times_;
  }
  // Calls of any method so far.
  size_t calls() {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const auto& [method, times] : call_times_) n += times.size();
    return n;
  }
  // Reports of trial `id` answered OK, and answered with the code RefuseReports set.
  int64_t accepted_reports(int64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    return accepted_reports_[id];
  }
  int64_t refused_reports(int64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    return refused_reports_[id];
  }

 private:
  static v1::Assignment Assignment(int64_t id, const std::string& metric) {
    v1::Assignment a;
    a.mutable_trial()->set_study_id(1);
    a.mutable_trial()->set_id(id);
    a.mutable_trial()->set_lease_id(absl::StrCat("lease-", id));
    a.set_study_name("study");
    a.mutable_objective()->set_metric(metric);
    return a;
  }
  int64_t NowMsLocked() const {
    if (clock_ != nullptr) return clock_->NowMs();
    return std::chrono::duration_cast<milliseconds>(Clock::now().time_since_epoch()).count();
  }
  // Records a call of `method`; its refusal when the test set one or forgot the worker.
  grpc::Status EnterLocked(const std::string& method) {
    call_times_[method].push_back(NowMsLocked());
    if (auto failing = failing_.find(method); failing != failing_.end()) {
      return grpc::Status(failing->second, absl::StrCat(method, " failed by the test"));
    }
    if (forgotten_ && method != "RegisterWorker") {
      not_found_times_.push_back(NowMsLocked());
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown worker: register first");
    }
    return grpc::Status::OK;
  }
  void ExpireLocked(int64_t id) {
    auto it = last_seen_.find(id);
    if (it != last_seen_.end() && NowMsLocked() - it->second > kLeaseTimeoutMs) expired_.insert(id);
  }

  std::mutex mu_;
  const WorkerClock* clock_ = nullptr;
  std::vector<v1::Assignment> queue_;
  CompletePolicy policy_;
  std::map<std::string, grpc::StatusCode> failing_;
  bool forgotten_ = false;
  std::map<int64_t, grpc::StatusCode> refuse_reports_;
  std::map<std::string, std::vector<int64_t>> call_times_;
  std::vector<int64_t> not_found_times_;
  std::map<int64_t, int64_t> accepted_reports_;
  std::map<int64_t, int64_t> refused_reports_;
  std::map<int64_t, int64_t> last_seen_;  // Trial id -> when its lease was last renewed.
  std::set<int64_t> expired_;
  std::map<int64_t, v1::TrialCompletion> accepted_;
  std::map<int64_t, std::vector<v1::TrialCompletion>> sent_;
  std::map<int64_t, int64_t> measurements_;
  size_t max_report_bytes_ = 0;
};

// Runs each trial by the function the test gave for its id.
class ScriptedExecutor : public Executor {
 public:
  using Script = std::function<TrialOutcome(const v1::Assignment&, TrialContext&)>;
  explicit ScriptedExecutor(std::map<int64_t, Script> scripts) : scripts_(std::move(scripts)) {}
  std::string Kind() const override { return "synthetic"; }
  TrialOutcome Run(const v1::Assignment& assignment, TrialContext& context) override {
    return scripts_.at(assignment.trial().id())(assignment, context);
  }

 private:
  const std::map<int64_t, Script> scripts_;
};

TrialOutcome Succeeded(double value = 1) {
  TrialOutcome o;
  o.state = v1::Trial::SUCCEEDED;
  o.metrics["value"] = value;
  return o;
}

ScriptedExecutor::Script After(milliseconds delay, ScriptedExecutor::Script then) {
  return [delay, then](const v1::Assignment& a, TrialContext& c) {
    std::this_thread::sleep_for(delay);
    return then(a, c);
  };
}

// A trial that runs until the test releases it or its context asks it to stop, and then returns `outcome`
// either way (to show what becomes of a result after a stop). It gives up after 60 s of real time, so that a
// broken worker fails the test instead of hanging it.
class HeldTrial {
 public:
  explicit HeldTrial(TrialOutcome outcome) : outcome_(std::move(outcome)) {}

  ScriptedExecutor::Script Script() {
    return [this](const v1::Assignment&, TrialContext& context) {
      started_ = true;
      const auto give_up = Clock::now() + std::chrono::seconds(60);
      while (!released_ && Clock::now() < give_up) {
        if (context.StopRequested()) {
          stop_requested_ = true;
          break;
        }
        std::this_thread::sleep_for(milliseconds(2));
      }
      returned_ = true;
      return outcome_;
    };
  }
  void Release() { released_ = true; }
  bool started() const { return started_; }
  bool stop_requested() const { return stop_requested_; }
  bool returned() const { return returned_; }

 private:
  const TrialOutcome outcome_;
  std::atomic<bool> started_{false}, released_{false}, stop_requested_{false}, returned_{false};
};

// A fake coordinator on a local port with the default 4 MiB receive limit, and a worker pulling from it.
class WorkerTest : public ::testing::Test {
 protected:
  // The loop's wait between two of its iterations when nothing wakes it (kLoopWaitMs in worker.cc): a retry
  // after a failed call other than RegisterWorker comes after the backoff and this wait.
  static constexpr int64_t kLoopWaitMs = 50;

  // Start, with the worker and the coordinator on clock_: the loop's timed waits end only when the test
  // steps the clock.
  void StartOnFakeClock(std::map<int64_t, ScriptedExecutor::Script> scripts, int slots) {
    coordinator_.UseClock(&clock_);
    Start(std::move(scripts), slots, &clock_);
  }
  void Start(std::map<int64_t, ScriptedExecutor::Script> scripts, int slots, WorkerClock* clock = nullptr) {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&coordinator_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    std::vector<std::unique_ptr<Executor>> executors;
    executors.push_back(std::make_unique<ScriptedExecutor>(std::move(scripts)));
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    worker_ = std::make_unique<Worker>(channel,
                                       WorkerOptions{.id = "w",
                                                     .slots = slots,
                                                     .idle_poll_ms = 20,
                                                     .call_timeout_ms = 5000,
                                                     .log_trials = false,
                                                     .clock = clock},
                                       std::move(executors));
    loop_ = std::thread([this] {
      worker_->Run();
      run_returned_ = true;
    });
  }
  void TearDown() override {
    if (worker_) worker_->Stop();
    if (loop_.joinable()) loop_.join();
    worker_.reset();
    if (server_) server_->Shutdown();
  }
  // Waits (up to 20 s) until `done`; false on timeout.
  static bool WaitFor(const std::function<bool()>& done) {
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (!done()) {
      if (Clock::now() > deadline) return false;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return true;
  }
  // Steps clock_ one timed wait of the loop at a time until `done`, which is checked while the loop is
  // blocked (no call in flight); false if not done within `max_steps` steps.
  bool StepUntil(const std::function<bool()>& done, int max_steps = 1000) {
    for (int step = 0; step < max_steps; ++step) {
      const std::optional<int64_t> next = clock_.NextDeadline();
      if (!next) return false;
      if (done()) return true;
      clock_.AdvanceTo(*next);
    }
    return false;
  }
  // Steps clock_ `steps` times; false if the loop did not block for one of them.
  bool Steps(int steps) {
    for (int step = 0; step < steps; ++step) {
      if (!clock_.Step()) return false;
    }
    return true;
  }
  HeldTrial& Hold(int64_t id, TrialOutcome outcome) {
    return *held_.emplace(id, std::make_unique<HeldTrial>(std::move(outcome))).first->second;
  }
  static std::vector<int64_t> Spacing(const std::vector<int64_t>& times) {
    std::vector<int64_t> out;
    for (size_t i = 1; i < times.size(); ++i) out.push_back(times[i] - times[i - 1]);
    return out;
  }
  bool AcceptedAll(std::initializer_list<int64_t> ids) {
    return WaitFor([&] {
      auto accepted = coordinator_.accepted();
      for (int64_t id : ids) {
        if (accepted.count(id) == 0) return false;
      }
      return true;
    });
  }

  hyperlab::testing::FakeWorkerClock clock_;
  std::map<int64_t, std::unique_ptr<HeldTrial>> held_;  // Outlive the worker's trial threads.
  FakeCoordinator coordinator_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Worker> worker_;
  std::thread loop_;
  std::atomic<bool> run_returned_{false};
};

// What the coordinator did before it validated completions one by one (b9088b9): any completion with a
// metric name over the limit refuses the whole call.
grpc::Status RefuseWholeCallOverLongNames(const v1::CompleteTrialsRequest& request,
                                          v1::CompleteTrialsResponse*) {
  for (const v1::TrialCompletion& c : request.completions()) {
    for (const auto& [name, value] : c.metrics()) {
      if (name.size() > kMaxMetricNameLength) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "metric name over max_metric_name_length");
      }
    }
  }
  return grpc::Status::OK;
}

TEST_F(WorkerTest, ExecutorExceptionFailsOnlyThatTrial) {
  for (int64_t id : {1, 2, 3, 4}) coordinator_.AddTrial(id);
  Start({{1,
          [](const v1::Assignment&, TrialContext&) -> TrialOutcome {
            throw std::length_error("vector::_M_default_append");
          }},
         {2, [](const v1::Assignment&, TrialContext&) -> TrialOutcome { throw std::bad_alloc(); }},
         {3, [](const v1::Assignment&, TrialContext&) -> TrialOutcome { throw 42; }},
         {4, After(milliseconds(50), [](auto&, auto&) { return Succeeded(); })}},
        /*slots=*/4);
  ASSERT_TRUE(AcceptedAll({1, 2, 3, 4}));
  auto accepted = coordinator_.accepted();
  EXPECT_EQ(accepted[1].state(), v1::Trial::FAILED);
  EXPECT_THAT(accepted[1].reason(), HasSubstr("failed with an exception: vector::_M_default_append"));
  EXPECT_EQ(accepted[2].state(), v1::Trial::FAILED);
  EXPECT_THAT(accepted[2].reason(), HasSubstr("ran out of memory (std::bad_alloc)"));
  EXPECT_EQ(accepted[3].state(), v1::Trial::FAILED);
  EXPECT_THAT(accepted[3].reason(), HasSubstr("unknown exception"));
  EXPECT_EQ(accepted[4].state(), v1::Trial::SUCCEEDED);
}

TEST_F(WorkerTest, OverLimitMetricNameFailsThatTrialAndNotTheBatch) {
  for (int64_t id : {1, 2, 3}) coordinator_.AddTrial(id);
  coordinator_.SetCompletePolicy(RefuseWholeCallOverLongNames);
  const std::string long_name(200, 'm');
  Start({{1,
          [&](const v1::Assignment&, TrialContext&) {
            TrialOutcome o = Succeeded();
            o.metrics[long_name] = 1;
            return o;
          }},
         {2,
          [&](const v1::Assignment&, TrialContext& context) {
            v1::Measurement m;
            m.set_step(3);
            (*m.mutable_metrics())[long_name] = 1;
            context.ReportMeasurement(m);
            return Succeeded();
          }},
         {3, After(milliseconds(100), [](auto&, auto&) { return Succeeded(); })}},
        /*slots=*/3);
  ASSERT_TRUE(AcceptedAll({1, 2, 3}));
  auto accepted = coordinator_.accepted();
  EXPECT_EQ(accepted[1].state(), v1::Trial::FAILED);
  EXPECT_THAT(accepted[1].reason(),
              HasSubstr("metric name of 200 characters, over the limit max_metric_name_length = 128"));
  EXPECT_THAT(accepted[1].reason(), Not(HasSubstr(long_name)));
  EXPECT_TRUE(accepted[1].metrics().empty());
  EXPECT_EQ(accepted[2].state(), v1::Trial::FAILED);
  EXPECT_THAT(accepted[2].reason(), HasSubstr("measurement at step 3: metric name of 200 characters"));
  EXPECT_EQ(accepted[3].state(), v1::Trial::SUCCEEDED);
}

TEST_F(WorkerTest, RefusedCompletionIsSentOnceAsFailedThenForgotten) {
  for (int64_t id : {1, 2, 3}) coordinator_.AddTrial(id);
  std::map<int64_t, int> calls;
  coordinator_.SetCompletePolicy(
      [&](const v1::CompleteTrialsRequest& request, v1::CompleteTrialsResponse* response) {
        for (const v1::TrialCompletion& c : request.completions()) {
          v1::ItemStatus* result = response->add_results();
          const int64_t id = c.lease().trial_id();
          const int call = ++calls[id];
          if (id == 1) {  // Refused whatever it says.
            result->set_code(grpc::StatusCode::INVALID_ARGUMENT);
            result->set_message("completions[0].metrics: over a limit");
          } else if (id == 3 && call == 1) {  // Refused once for its size.
            result->set_code(grpc::StatusCode::RESOURCE_EXHAUSTED);
            result->set_message("completions[0].artifacts: over max_artifact_bytes");
          }
        }
        return grpc::Status::OK;
      });
  Start({{1, [](auto&, auto&) { return Succeeded(5); }},
         {2, After(milliseconds(30), [](auto&, auto&) { return Succeeded(); })},
         {3, [](auto&, auto&) { return Succeeded(7); }}},
        /*slots=*/3);
  ASSERT_TRUE(AcceptedAll({2, 3}));
  auto accepted = coordinator_.accepted();
  EXPECT_EQ(accepted[3].state(), v1::Trial::FAILED);
  EXPECT_THAT(accepted[3].reason(),
              HasSubstr("the coordinator refused this trial's result (RESOURCE_EXHAUSTED: "));
  EXPECT_TRUE(accepted[3].metrics().empty());
  // Trial 1: its result once, then a bare FAILED completion once, then nothing more.
  ASSERT_TRUE(WaitFor([&] { return coordinator_.sent(1).size() >= 2; }));
  std::this_thread::sleep_for(milliseconds(500));
  const std::vector<v1::TrialCompletion> sent = coordinator_.sent(1);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].metrics().at("value"), 5);
  EXPECT_EQ(sent[1].state(), v1::Trial::FAILED);
  EXPECT_TRUE(sent[1].metrics().empty());
  EXPECT_THAT(sent[1].reason(), HasSubstr("INVALID_ARGUMENT: completions[0].metrics: over a limit"));
}

TEST_F(WorkerTest, WholeCallRefusalIsolatesTheBadCompletion) {
  for (int64_t id : {1, 2, 3}) coordinator_.AddTrial(id);
  // Any call that carries trial 1 is refused whole, whatever trial 1 says.
  coordinator_.SetCompletePolicy([](const v1::CompleteTrialsRequest& request, v1::CompleteTrialsResponse*) {
    for (const v1::TrialCompletion& c : request.completions()) {
      if (c.lease().trial_id() == 1) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "poison");
    }
    return grpc::Status::OK;
  });
  // All three end together, so that their completions share a call.
  Start({{1, After(milliseconds(100), [](auto&, auto&) { return Succeeded(); })},
         {2, After(milliseconds(100), [](auto&, auto&) { return Succeeded(); })},
         {3, After(milliseconds(100), [](auto&, auto&) { return Succeeded(); })}},
        /*slots=*/3);
  ASSERT_TRUE(AcceptedAll({2, 3}));
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(coordinator_.accepted().count(1), 0u);
  EXPECT_LE(coordinator_.sent(1).size(), 3u);  // In the batch, alone, alone as FAILED; then forgotten.
}

TEST_F(WorkerTest, MeasurementFloodKeepsAnotherTrialsLeaseAlive) {
  for (int64_t id : {1, 2}) coordinator_.AddTrial(id);
  // Trial 1 reports measurements of 100 metrics as fast as it can for 2 s; trial 2 runs quietly as long.
  Start({{1,
          [](const v1::Assignment&, TrialContext& context) {
            v1::Measurement m;
            for (int k = 0; k < 100; ++k) (*m.mutable_metrics())[absl::StrCat("metric_", k)] = k;
            const auto end = Clock::now() + std::chrono::seconds(2);
            for (int64_t step = 0; Clock::now() < end && !context.StopRequested(); ++step) {
              m.set_step(step);
              context.ReportMeasurement(m);
            }
            return Succeeded();
          }},
         {2, After(std::chrono::seconds(2), [](auto&, auto&) { return Succeeded(); })}},
        /*slots=*/2);
  ASSERT_TRUE(AcceptedAll({1, 2}));
  EXPECT_TRUE(coordinator_.expired().empty());
  EXPECT_EQ(coordinator_.accepted()[2].state(), v1::Trial::SUCCEEDED);
  EXPECT_EQ(coordinator_.accepted()[1].state(), v1::Trial::SUCCEEDED);
  EXPECT_THAT(coordinator_.accepted()[1].reason(), HasSubstr("intermediate measurements dropped"));
  EXPECT_GT(coordinator_.measurements(1), 0);
  EXPECT_LE(coordinator_.max_report_bytes(), kMaxCallBytes);
}

TEST_F(WorkerTest, BackoffDoublesFrom100MsTo5sAndRestartsAfterASuccess) {
  coordinator_.FailCalls("RegisterWorker", grpc::StatusCode::UNAVAILABLE);
  StartOnFakeClock({}, /*slots=*/1);
  // Registering retries right after each backoff: its spacing is the backoff itself.
  ASSERT_TRUE(StepUntil([&] { return coordinator_.call_times("RegisterWorker").size() >= 10; }));
  EXPECT_THAT(Spacing(coordinator_.call_times("RegisterWorker")),
              ElementsAre(100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000));

  // A success resets the backoff: registering now succeeds, acquiring fails, and its retries wait
  // 100, 200, 400 ms again (each plus the loop's wait).
  coordinator_.FailCalls("AcquireTrials", grpc::StatusCode::UNAVAILABLE);
  coordinator_.HealCalls("RegisterWorker");
  ASSERT_TRUE(StepUntil([&] { return coordinator_.call_times("AcquireTrials").size() >= 4; }));
  const std::vector<int64_t> registered = coordinator_.call_times("RegisterWorker");
  const std::vector<int64_t> acquired = coordinator_.call_times("AcquireTrials");
  ASSERT_EQ(registered.size(), 11u);
  EXPECT_EQ(acquired.front(), registered.back());
  EXPECT_THAT(Spacing(acquired), ElementsAre(100 + kLoopWaitMs, 200 + kLoopWaitMs, 400 + kLoopWaitMs));
}

TEST_F(WorkerTest, RefusedItemsAreRetriedOrForgottenAsTheirCodeSays) {
  for (int64_t id : {1, 2, 3}) coordinator_.AddTrial(id);
  coordinator_.AddCommandTrial(4);  // This worker has no executor of its kind.
  coordinator_.SetCompletePolicy(
      [](const v1::CompleteTrialsRequest& request, v1::CompleteTrialsResponse* response) {
        for (const v1::TrialCompletion& c : request.completions()) {
          v1::ItemStatus* result = response->add_results();
          if (c.lease().trial_id() == 1) {  // No answer for it (yet), every time.
            result->set_code(grpc::StatusCode::UNAVAILABLE);
            result->set_message("journal busy");
          } else if (c.lease().trial_id() == 2) {  // Refused, not for its content.
            result->set_code(grpc::StatusCode::FAILED_PRECONDITION);
            result->set_message("study ended");
          }
        }
        return grpc::Status::OK;
      });
  StartOnFakeClock({{1, [](auto&, auto&) { return Succeeded(1); }},
                    {2, [](auto&, auto&) { return Succeeded(2); }},
                    {3, [](auto&, auto&) { return Succeeded(3); }}},
                   /*slots=*/4);
  ASSERT_TRUE(AcceptedAll({3, 4}));
  // Trial 1 goes out once per loop iteration until it has been sent kMaxCompletionAttempts times, then
  // never again; trial 2 only once.
  ASSERT_TRUE(StepUntil([&] { return coordinator_.sent(1).size() >= kMaxCompletionAttempts; }));
  ASSERT_TRUE(Steps(100));
  const std::vector<v1::TrialCompletion> sent = coordinator_.sent(1);
  EXPECT_EQ(sent.size(), static_cast<size_t>(kMaxCompletionAttempts));
  for (const v1::TrialCompletion& c : sent) {  // Resent as it was: UNAVAILABLE says nothing of its content.
    EXPECT_EQ(c.state(), v1::Trial::SUCCEEDED);
    EXPECT_EQ(c.metrics().at("value"), 1);
  }
  EXPECT_EQ(coordinator_.sent(2).size(), 1u);
  auto accepted = coordinator_.accepted();
  EXPECT_EQ(accepted.count(1) + accepted.count(2), 0u);
  EXPECT_EQ(accepted[3].state(), v1::Trial::SUCCEEDED);
  EXPECT_EQ(accepted[4].state(), v1::Trial::FAILED);
  EXPECT_THAT(accepted[4].reason(), HasSubstr("worker w has no executor for task kind 'command'"));
}

TEST_F(WorkerTest, StopAbandonsRunningTrialsAndDropsTheOutbox) {
  for (int64_t id : {1, 2, 3}) coordinator_.AddTrial(id);
  // Trial 3's completion gets no answer: it stays in the outbox.
  coordinator_.SetCompletePolicy(
      [](const v1::CompleteTrialsRequest& request, v1::CompleteTrialsResponse* response) {
        for (const v1::TrialCompletion& c : request.completions()) {
          if (c.lease().trial_id() == 3) response->add_results()->set_code(grpc::StatusCode::UNAVAILABLE);
        }
        return grpc::Status::OK;
      });
  HeldTrial& one = Hold(1, Succeeded(1));
  HeldTrial& two = Hold(2, Succeeded(2));
  StartOnFakeClock({{1, one.Script()}, {2, two.Script()}, {3, [](auto&, auto&) { return Succeeded(3); }}},
                   /*slots=*/3);
  ASSERT_TRUE(WaitFor([&] { return one.started() && two.started() && !coordinator_.sent(3).empty(); }));
  ASSERT_TRUE(clock_.NextDeadline().has_value());  // The loop waits; no call is in flight.
  const int64_t stopped_at = clock_.NowMs();
  const size_t calls = coordinator_.calls();
  worker_->Stop();
  // Run returns without the clock moving, once the running trials' work has stopped.
  ASSERT_TRUE(WaitFor([&] { return run_returned_.load(); }));
  EXPECT_EQ(clock_.NowMs(), stopped_at);
  EXPECT_TRUE(one.stop_requested());
  EXPECT_TRUE(two.stop_requested());
  EXPECT_TRUE(one.returned() && two.returned());
  // Nothing more went out: no result of the stopped trials, no last try of the outbox, no heartbeat.
  EXPECT_EQ(coordinator_.calls(), calls);
  EXPECT_TRUE(coordinator_.sent(1).empty());
  EXPECT_TRUE(coordinator_.sent(2).empty());
  EXPECT_EQ(coordinator_.sent(3).size(), 1u);
}

TEST_F(WorkerTest, RefusedReportStopsThatTrialAndDropsItsResultOnly) {
  for (int64_t id : {1, 2, 3}) coordinator_.AddTrial(id);
  coordinator_.RefuseReports(1, grpc::StatusCode::ABORTED);              // Its lease was lost.
  coordinator_.RefuseReports(3, grpc::StatusCode::FAILED_PRECONDITION);  // Its study ended.
  HeldTrial& one = Hold(1, Succeeded(1));
  HeldTrial& two = Hold(2, Succeeded(2));
  HeldTrial& three = Hold(3, Succeeded(3));
  StartOnFakeClock({{1, one.Script()}, {2, two.Script()}, {3, three.Script()}}, /*slots=*/3);
  ASSERT_TRUE(WaitFor([&] { return one.started() && two.started() && three.started(); }));
  // The first heartbeat (a quarter of the lease timeout after the acquire) is refused for trials 1 and 3.
  ASSERT_TRUE(
      StepUntil([&] { return coordinator_.refused_reports(1) > 0 && coordinator_.refused_reports(3) > 0; }));
  ASSERT_TRUE(WaitFor([&] { return one.returned() && three.returned(); }));
  EXPECT_TRUE(one.stop_requested());
  EXPECT_TRUE(three.stop_requested());
  // Trial 2 goes on: its lease is renewed by the next heartbeats, which no longer carry 1 and 3.
  const int64_t renewed = coordinator_.accepted_reports(2);
  ASSERT_TRUE(StepUntil([&] { return coordinator_.accepted_reports(2) >= renewed + 3; }));
  EXPECT_FALSE(two.stop_requested());
  EXPECT_EQ(coordinator_.refused_reports(1), 1);
  EXPECT_EQ(coordinator_.refused_reports(3), 1);
  two.Release();
  ASSERT_TRUE(AcceptedAll({2}));
  EXPECT_EQ(coordinator_.accepted()[2].metrics().at("value"), 2);
  // The results trials 1 and 3 returned after the refusal are never sent.
  ASSERT_TRUE(Steps(20));
  EXPECT_TRUE(coordinator_.sent(1).empty());
  EXPECT_TRUE(coordinator_.sent(3).empty());
}

TEST_F(WorkerTest, NotFoundMakesTheWorkerRegisterAgainAndItsTrialGoesOn) {
  coordinator_.AddTrial(1);
  HeldTrial& one = Hold(1, Succeeded(1));
  StartOnFakeClock({{1, one.Script()}}, /*slots=*/1);
  ASSERT_TRUE(WaitFor([&] { return one.started(); }));
  ASSERT_TRUE(StepUntil([&] { return coordinator_.accepted_reports(1) > 0; }));
  ASSERT_EQ(coordinator_.call_times("RegisterWorker").size(), 1u);
  // The coordinator restarts: the next heartbeat is answered NOT_FOUND, and the worker registers again
  // after its backoff, then heartbeats the same lease.
  coordinator_.Forget();
  const int64_t reports = coordinator_.accepted_reports(1);
  ASSERT_TRUE(StepUntil([&] {
    return coordinator_.call_times("RegisterWorker").size() >= 2 &&
           coordinator_.accepted_reports(1) > reports;
  }));
  const std::vector<int64_t> registered = coordinator_.call_times("RegisterWorker");
  const std::vector<int64_t> not_found = coordinator_.not_found_times();
  ASSERT_EQ(registered.size(), 2u);
  ASSERT_EQ(not_found.size(), 1u);
  EXPECT_EQ(registered[1] - not_found[0], 100 + kLoopWaitMs);
  EXPECT_FALSE(one.stop_requested());
  one.Release();
  ASSERT_TRUE(AcceptedAll({1}));
  EXPECT_EQ(coordinator_.accepted()[1].state(), v1::Trial::SUCCEEDED);
  EXPECT_EQ(coordinator_.sent(1).size(), 1u);
}

}  // namespace
}  // namespace hyperlab::worker
