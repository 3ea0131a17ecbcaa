// The operator's operations on the core: drain and evict workers, requeue or fail a trial by hand, journal
// counts, the status with workers; the submit-time warning when no registered worker can run a study; and
// a failed study's reason naming its last failure.
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "coordinator/coordinator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/rocksdb_journal.h"
#include "tests/testing/branin_spec.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/faulty_journal.h"
#include "tests/testing/test_dir.h"

namespace hyperlab::coordinator {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kLeaseMs = 10'000;

v1::StudySpec Spec(const std::string& name, int max_trials, int max_parallel) {
  return testing::BraninSpec(name, max_trials, max_parallel);
}

v1::StudySpec CommandSpec(const std::string& name, const std::string& program) {
  v1::StudySpec spec = Spec(name, 3, 1);
  spec.mutable_task()->mutable_command()->add_argv(program);
  spec.mutable_task()->mutable_command()->add_argv(name);  // Distinct tasks: no "same task" warning.
  return spec;
}

v1::WorkerInfo Worker(const std::string& id, std::vector<std::string> executors = {"synthetic", "command"},
                      std::vector<std::string> allowed = {}) {
  v1::WorkerInfo info;
  info.set_id(id);
  info.set_slots(4);
  for (const auto& e : executors) info.add_executors(e);
  for (const auto& a : allowed) info.add_allowed_commands(a);
  return info;
}

class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = hyperlab::testing::FreshTestDir("admin_test");
    auto journal = storage::RocksDbJournal::Open(dir_);
    ASSERT_TRUE(journal.ok()) << journal.status();
    journal_ = std::move(*journal);
    auto core = Coordinator::Open(journal_.get(), &clock_, {.lease_timeout_ms = kLeaseMs, .log = &log_});
    ASSERT_TRUE(core.ok()) << core.status();
    core_ = std::move(*core);
  }
  void TearDown() override {
    core_.reset();
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }
  bool Created(const v1::StudySpec& spec) {
    auto created = core_->CreateStudy(spec);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok();
  }
  std::vector<v1::Trial> Acquire(const std::string& worker, int n) {
    auto got = core_->Acquire(worker, n);
    EXPECT_TRUE(got.ok()) << got.status();
    std::vector<v1::Trial> out;
    for (const auto& a : *got) out.push_back(a.trial());
    return out;
  }
  absl::Status Complete(const std::string& worker, const v1::Trial& trial, v1::Trial::State state) {
    v1::TrialCompletion c;
    c.mutable_lease()->set_study_id(trial.study_id());
    c.mutable_lease()->set_trial_id(trial.id());
    c.mutable_lease()->set_lease_id(trial.lease_id());
    c.set_state(state);
    (*c.mutable_metrics())["value"] = 1;
    c.set_reason(state == v1::Trial::FAILED ? "exit code 3: boom" : "");
    auto results = core_->Complete(worker, {c});
    if (!results.ok()) return results.status();
    return absl::Status(static_cast<absl::StatusCode>((*results)[0].code()), (*results)[0].message());
  }

  std::string dir_;
  testing::FakeClock clock_;
  std::ostringstream log_stream_;
  EventLog log_{&log_stream_};
  std::unique_ptr<storage::RocksDbJournal> journal_;
  std::unique_ptr<Coordinator> core_;
};

TEST_F(AdminTest, ADrainedWorkerGetsNoNewTrialsButFinishesItsOwn) {
  ASSERT_TRUE(Created(Spec("s", 10, 4)));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  std::vector<v1::Trial> running = Acquire("w", 2);
  ASSERT_EQ(running.size(), 2u);
  auto drained = core_->DrainWorker("w", true);
  ASSERT_TRUE(drained.ok()) << drained.status();
  EXPECT_TRUE(drained->draining());
  EXPECT_EQ(drained->trials_size(), 2);
  EXPECT_TRUE(core_->IsDraining("w"));
  EXPECT_TRUE(Acquire("w", 2).empty());
  EXPECT_TRUE(Complete("w", running[0], v1::Trial::SUCCEEDED).ok()) << "running trials still complete";
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  EXPECT_TRUE(core_->IsDraining("w")) << "registering again does not undo a drain";
  ASSERT_TRUE(core_->DrainWorker("w", false).ok());
  EXPECT_EQ(Acquire("w", 1).size(), 1u);
  EXPECT_EQ(core_->DrainWorker("nobody", true).status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(log_stream_.str(), HasSubstr("event=worker_drained worker=w"));
}

TEST_F(AdminTest, ADrainOutlivesACoordinatorRestart) {
  ASSERT_TRUE(Created(Spec("s", 10, 4)));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  ASSERT_TRUE(core_->RegisterWorker(Worker("v")).ok());
  ASSERT_TRUE(core_->DrainWorker("w", true).ok());
  ASSERT_TRUE(core_->DrainWorker("v", true).ok());
  ASSERT_TRUE(core_->DrainWorker("v", false).ok());
  auto restart = [&] {
    core_.reset();
    auto core = Coordinator::Open(journal_.get(), &clock_, {.lease_timeout_ms = kLeaseMs, .log = &log_});
    ASSERT_TRUE(core.ok()) << core.status();
    core_ = std::move(*core);
  };
  restart();
  // Before it registers again, the drained worker can be undrained or drained by name; the other is unknown.
  auto before = core_->DrainWorker("w", true);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_TRUE(before->draining());
  EXPECT_EQ(core_->DrainWorker("v", true).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  ASSERT_TRUE(core_->RegisterWorker(Worker("v")).ok());
  EXPECT_TRUE(core_->IsDraining("w")) << "the drain was journaled";
  EXPECT_FALSE(core_->IsDraining("v")) << "so was the undrain";
  EXPECT_TRUE(Acquire("w", 2).empty());
  EXPECT_EQ(Acquire("v", 2).size(), 2u);
  ASSERT_TRUE(core_->DrainWorker("w", false).ok());
  restart();
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  EXPECT_FALSE(core_->IsDraining("w"));
}

TEST_F(AdminTest, ADrainTheJournalRefusesChangesNothing) {
  testing::FaultyJournal faulty(journal_.get());
  core_.reset();
  auto core = Coordinator::Open(&faulty, &clock_, {.lease_timeout_ms = kLeaseMs, .log = &log_});
  ASSERT_TRUE(core.ok()) << core.status();
  core_ = std::move(*core);
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  faulty.set_disk_full(true);
  EXPECT_EQ(core_->DrainWorker("w", true).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(core_->IsDraining("w"));
  faulty.set_disk_full(false);
  EXPECT_TRUE(core_->DrainWorker("w", true).ok());
  EXPECT_TRUE(core_->IsDraining("w"));
  core_.reset();  // Before `faulty` goes.
}

TEST_F(AdminTest, EvictRequeuesTheWorkersTrialsAndKeepsItOut) {
  ASSERT_TRUE(Created(Spec("s", 10, 4)));
  ASSERT_TRUE(core_->RegisterWorker(Worker("bad")).ok());
  ASSERT_TRUE(core_->RegisterWorker(Worker("good")).ok());
  std::vector<v1::Trial> lost = Acquire("bad", 2);
  ASSERT_EQ(lost.size(), 2u);
  auto requeued = core_->EvictWorker("bad");
  ASSERT_TRUE(requeued.ok()) << requeued.status();
  ASSERT_EQ(requeued->size(), 2u);
  auto study = core_->GetStudy("s");
  EXPECT_EQ(study->counts().running(), 0);
  EXPECT_EQ(study->counts().pending(), 2);
  EXPECT_EQ(Complete("bad", lost[0], v1::Trial::SUCCEEDED).code(), absl::StatusCode::kNotFound)
      << "an evicted worker is no longer registered";
  EXPECT_EQ(core_->RegisterWorker(Worker("bad")).code(), absl::StatusCode::kFailedPrecondition);
  std::vector<v1::Trial> retried = Acquire("good", 2);
  ASSERT_EQ(retried.size(), 2u);
  EXPECT_EQ(retried[0].id(), lost[0].id()) << "the requeued trials go first";
  EXPECT_EQ(core_->Workers().size(), 1u);
  EXPECT_EQ(core_->EvictWorker("bad").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(AdminTest, RequeueAndFailATrialByHand) {
  ASSERT_TRUE(core_->CreateStudy(Spec("s", 3, 3)).ok());
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  std::vector<v1::Trial> got = Acquire("w", 3);
  ASSERT_EQ(got.size(), 3u);

  auto failed = core_->FailTrial("s", got[0].id(), "hung on a bad GPU");
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->state(), v1::Trial::FAILED);
  EXPECT_EQ(failed->reason(), "failed by an operator: hung on a bad GPU");
  EXPECT_EQ(Complete("w", got[0], v1::Trial::SUCCEEDED).code(), absl::StatusCode::kAborted)
      << "the lease was revoked";
  EXPECT_EQ(core_->FailTrial("s", got[0].id(), "").status().code(), absl::StatusCode::kFailedPrecondition);

  auto requeued = core_->RequeueTrial("s", got[1].id(), "worker looked stuck");
  ASSERT_TRUE(requeued.ok()) << requeued.status();
  EXPECT_EQ(requeued->state(), v1::Trial::PENDING);
  EXPECT_EQ(requeued->reason(), "requeued by an operator: worker looked stuck");
  EXPECT_EQ(Complete("w", got[1], v1::Trial::SUCCEEDED).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(core_->RequeueTrial("s", got[1].id(), "").status().code(), absl::StatusCode::kFailedPrecondition)
      << "already pending";

  ASSERT_TRUE(Complete("w", got[2], v1::Trial::SUCCEEDED).ok());
  EXPECT_EQ(core_->RequeueTrial("s", got[2].id(), "").status().code(), absl::StatusCode::kFailedPrecondition)
      << "a succeeded result stands";
  EXPECT_EQ(core_->RequeueTrial("s", 99, "").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(core_->RequeueTrial("nope", 0, "").status().code(), absl::StatusCode::kNotFound);

  // The requeued trial runs again; then the study completes, and requeueing the failed one reopens it.
  std::vector<v1::Trial> again = Acquire("w", 3);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id(), got[1].id());
  ASSERT_TRUE(Complete("w", again[0], v1::Trial::SUCCEEDED).ok());
  ASSERT_EQ(core_->GetStudy("s")->state(), v1::Study::COMPLETED);
  auto reopened = core_->RequeueTrial("s", got[0].id(), "give it another go");
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(core_->GetStudy("s")->state(), v1::Study::ACTIVE);
  ASSERT_EQ(Acquire("w", 1).size(), 1u);

  const JournalCounts counts = core_->CountJournal();
  EXPECT_EQ(counts.studies, 1);
  EXPECT_EQ(counts.trials, 3);
  EXPECT_THAT(log_stream_.str(), HasSubstr("event=trial_failed_by_operator study=1 trial=0 worker=w"));
}

TEST_F(AdminTest, StatusListsWorkersWithTheirTrials) {
  ASSERT_TRUE(Created(Spec("s", 10, 4)));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w1")).ok());
  ASSERT_TRUE(core_->RegisterWorker(Worker("w2")).ok());
  ASSERT_EQ(Acquire("w1", 2).size(), 2u);
  v1::GetStatusResponse status = core_->Status();
  EXPECT_EQ(status.workers(), 2);
  ASSERT_EQ(status.worker_status_size(), 2);
  EXPECT_EQ(status.worker_status(0).info().id(), "w1");
  EXPECT_EQ(status.worker_status(0).trials_size(), 2);
  EXPECT_EQ(status.worker_status(1).trials_size(), 0);
  EXPECT_EQ(status.studies(0).counts().running(), 2);
}

TEST_F(AdminTest, SubmitWarnsWhenNoRegisteredWorkerCanRunTheStudy) {
  std::vector<std::string> warnings;
  ASSERT_TRUE(core_->CreateStudy(CommandSpec("before-any-worker", "/usr/bin/python3"), &warnings).ok());
  EXPECT_TRUE(warnings.empty()) << "no worker registered yet: nothing to judge";

  ASSERT_TRUE(core_->RegisterWorker(Worker("no-commands")).ok());
  warnings.clear();
  ASSERT_TRUE(core_->CreateStudy(CommandSpec("c1", "/usr/bin/python3"), &warnings).ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("no registered worker (of 1) may run the command '/usr/bin/python3'"));
  EXPECT_THAT(warnings[0], HasSubstr("--allow-command"));

  ASSERT_TRUE(core_->RegisterWorker(Worker("models", {"synthetic", "command"}, {"/opt/models/"})).ok());
  warnings.clear();
  ASSERT_TRUE(core_->CreateStudy(CommandSpec("c2", "/usr/bin/python3"), &warnings).ok());
  EXPECT_EQ(warnings.size(), 1u) << "/usr/bin/python3 is not under /opt/models/";
  warnings.clear();
  ASSERT_TRUE(core_->CreateStudy(CommandSpec("c3", "/opt/models/train"), &warnings).ok());
  EXPECT_TRUE(warnings.empty()) << warnings[0];
  warnings.clear();
  ASSERT_TRUE(core_->CreateStudy(CommandSpec("c4", "python3"), &warnings).ok());
  EXPECT_TRUE(warnings.empty()) << "a bare name resolves on the worker: any allowlist may hold it";

  ASSERT_TRUE(core_->RegisterWorker(Worker("synthetic-only", {"synthetic"})).ok());
  warnings.clear();
  ASSERT_TRUE(core_->CreateStudy(Spec("synthetic", 3, 1), &warnings).ok());
  EXPECT_TRUE(warnings.empty());
}

TEST_F(AdminTest, AFailedStudySaysWhyItsLastTrialFailed) {
  v1::StudySpec spec = Spec("fails", 5, 1);
  spec.mutable_budget()->set_max_failed(1);
  ASSERT_TRUE(core_->CreateStudy(spec).ok());
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  for (int i = 0; i < 2; ++i) {
    std::vector<v1::Trial> got = Acquire("w", 1);
    ASSERT_EQ(got.size(), 1u);
    ASSERT_TRUE(Complete("w", got[0], v1::Trial::FAILED).ok());
  }
  auto study = core_->GetStudy("fails");
  EXPECT_EQ(study->state(), v1::Study::FAILED);
  EXPECT_EQ(study->reason(), "2 trials failed, more than budget.max_failed (1); last: exit code 3: boom");
  EXPECT_THAT(log_stream_.str(), HasSubstr("event=study_ended study=1 study_name=fails state=FAILED"));
}

}  // namespace
}  // namespace hyperlab::coordinator
