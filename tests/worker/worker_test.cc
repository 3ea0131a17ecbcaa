// The pull loop against a scripted coordinator: one trial's exception, output or refusal never stalls the
// worker or costs another trial its lease (issue 14 #6, #7 and "a worker never dies because of one trial").
#include "worker/worker.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
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
#include "worker/send_limits.h"

namespace hyperlab::worker {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A coordinator that hands out a fixed list of trials, tracks their leases (a lease not reported within
// kLeaseTimeout is lost for good), and answers completions as the test says.
class FakeCoordinator final : public v1::WorkerService::Service {
 public:
  static constexpr int64_t kLeaseTimeoutMs = 600;
  // Decides a CompleteTrials call: a non-OK status refuses it whole; otherwise fills one result per item.
  using CompletePolicy =
      std::function<grpc::Status(const v1::CompleteTrialsRequest&, v1::CompleteTrialsResponse*)>;

  void AddTrial(int64_t id, const std::string& metric = "value") {
    v1::Assignment a;
    a.mutable_trial()->set_study_id(1);
    a.mutable_trial()->set_id(id);
    a.mutable_trial()->set_lease_id(absl::StrCat("lease-", id));
    a.set_study_name("study");
    a.mutable_task()->mutable_synthetic()->set_function("scripted");
    a.mutable_objective()->set_metric(metric);
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(a);
  }
  void SetCompletePolicy(CompletePolicy policy) {
    std::lock_guard<std::mutex> lock(mu_);
    policy_ = std::move(policy);
  }

  grpc::Status RegisterWorker(grpc::ServerContext*, const v1::RegisterWorkerRequest*,
                              v1::RegisterWorkerResponse* response) override {
    response->set_lease_timeout_ms(kLeaseTimeoutMs);
    return grpc::Status::OK;
  }
  grpc::Status AcquireTrials(grpc::ServerContext*, const v1::AcquireTrialsRequest* request,
                             v1::AcquireTrialsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    while (!queue_.empty() && response->assignments_size() < request->max_trials()) {
      *response->add_assignments() = queue_.front();
      last_seen_[queue_.front().trial().id()] = Clock::now();
      queue_.erase(queue_.begin());
    }
    return grpc::Status::OK;
  }
  grpc::Status ReportTrials(grpc::ServerContext*, const v1::ReportTrialsRequest* request,
                            v1::ReportTrialsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    max_report_bytes_ = std::max(max_report_bytes_, request->ByteSizeLong());
    for (const v1::TrialReport& report : request->reports()) {
      const int64_t id = report.lease().trial_id();
      ExpireLocked(id);
      v1::TrialReportResult* result = response->add_results();
      if (expired_.count(id) > 0) {
        result->mutable_status()->set_code(grpc::StatusCode::ABORTED);
        result->mutable_status()->set_message("lease expired");
      } else {
        last_seen_[id] = Clock::now();
      }
      measurements_[id] += report.measurements_size();
    }
    return grpc::Status::OK;
  }
  grpc::Status CompleteTrials(grpc::ServerContext*, const v1::CompleteTrialsRequest* request,
                              v1::CompleteTrialsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
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

 private:
  void ExpireLocked(int64_t id) {
    auto it = last_seen_.find(id);
    if (it != last_seen_.end() && Clock::now() - it->second > milliseconds(kLeaseTimeoutMs)) {
      expired_.insert(id);
    }
  }

  std::mutex mu_;
  std::vector<v1::Assignment> queue_;
  CompletePolicy policy_;
  std::map<int64_t, Clock::time_point> last_seen_;
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

// A fake coordinator on a local port with the default 4 MiB receive limit, and a worker pulling from it.
class WorkerTest : public ::testing::Test {
 protected:
  void Start(std::map<int64_t, ScriptedExecutor::Script> scripts, int slots) {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&coordinator_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    std::vector<std::unique_ptr<Executor>> executors;
    executors.push_back(std::make_unique<ScriptedExecutor>(std::move(scripts)));
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    worker_ = std::make_unique<Worker>(
        channel,
        WorkerOptions{
            .id = "w", .slots = slots, .idle_poll_ms = 20, .call_timeout_ms = 5000, .log_trials = false},
        std::move(executors));
    loop_ = std::thread([this] { worker_->Run(); });
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
  bool AcceptedAll(std::initializer_list<int64_t> ids) {
    return WaitFor([&] {
      auto accepted = coordinator_.accepted();
      for (int64_t id : ids) {
        if (accepted.count(id) == 0) return false;
      }
      return true;
    });
  }

  FakeCoordinator coordinator_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Worker> worker_;
  std::thread loop_;
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

}  // namespace
}  // namespace hyperlab::worker
