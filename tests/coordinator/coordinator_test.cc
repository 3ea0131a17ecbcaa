#include "coordinator/coordinator.h"

#include <unistd.h>

#include <filesystem>

#include "gtest/gtest.h"
#include "storage/rocksdb_journal.h"
#include "tests/testing/branin_spec.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/test_dir.h"
#include "tests/testing/trial_messages.h"

namespace hyperlab::coordinator {
namespace {

constexpr int64_t kLeaseMs = 10'000;

using testing::BraninSpec;

v1::WorkerInfo Worker(const std::string& id, int slots = 4) { return testing::SyntheticWorker(id, slots); }

v1::TrialCompletion Succeeded(const v1::Trial& trial, double value) {
  return testing::SucceededWith(trial, trial.lease_id(), value);
}

v1::TrialReport Heartbeat(const v1::Trial& trial) {
  v1::TrialReport r;
  r.mutable_lease()->set_study_id(trial.study_id());
  r.mutable_lease()->set_trial_id(trial.id());
  r.mutable_lease()->set_lease_id(trial.lease_id());
  return r;
}

class CoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = hyperlab::testing::FreshTestDir("coordinator_test");
    Reopen();
  }
  void TearDown() override {
    core_.reset();
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Simulates a coordinator restart on the same data directory.
  void Reopen() {
    core_.reset();
    journal_.reset();
    auto journal = storage::RocksDbJournal::Open(dir_);
    ASSERT_TRUE(journal.ok()) << journal.status();
    journal_ = std::move(*journal);
    auto core = Coordinator::Open(journal_.get(), &clock_, {.lease_timeout_ms = kLeaseMs});
    ASSERT_TRUE(core.ok()) << core.status();
    core_ = std::move(*core);
  }
  v1::Study Create(const v1::StudySpec& spec) {
    auto created = core_->CreateStudy(spec);
    EXPECT_TRUE(created.ok()) << created.status();
    return created->first;
  }
  std::vector<v1::Trial> Acquire(const std::string& worker, int n) {
    auto got = core_->Acquire(worker, n);
    EXPECT_TRUE(got.ok()) << got.status();
    std::vector<v1::Trial> out;
    for (const auto& a : *got) out.push_back(a.trial());
    return out;
  }
  void CompleteAll(const std::string& worker, const std::vector<v1::Trial>& trials) {
    std::vector<v1::TrialCompletion> done;
    for (const auto& t : trials) done.push_back(Succeeded(t, t.parameters(0).value().double_value()));
    auto results = core_->Complete(worker, done);
    ASSERT_TRUE(results.ok()) << results.status();
    for (const auto& r : *results) EXPECT_EQ(r.code(), 0) << r.message();
  }

  std::string dir_;
  testing::FakeClock clock_;
  std::unique_ptr<storage::RocksDbJournal> journal_;
  std::unique_ptr<Coordinator> core_;
};

TEST_F(CoordinatorTest, RunsExactlyTheBudgetWithinMaxParallel) {
  const v1::Study study = Create(BraninSpec("s", 10, 3));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  int total = 0;
  while (true) {
    std::vector<v1::Trial> got = Acquire("w", 8);
    if (got.empty()) break;
    EXPECT_LE(got.size(), 3u);             // max_parallel
    EXPECT_TRUE(Acquire("w", 8).empty());  // Nothing more while three run.
    total += static_cast<int>(got.size());
    CompleteAll("w", got);
  }
  EXPECT_EQ(total, 10);
  auto final_study = core_->GetStudy("s");
  ASSERT_TRUE(final_study.ok());
  EXPECT_EQ(final_study->state(), v1::Study::COMPLETED);
  EXPECT_EQ(final_study->counts().succeeded(), 10);
  EXPECT_EQ(final_study->counts().total(), 10);
}

TEST_F(CoordinatorTest, AWorkerIdBelongsToThePrincipalThatRegisteredIt) {
  ASSERT_TRUE(core_->CreateStudy(testing::BraninSpec("s", 4, 4)).ok());
  ASSERT_TRUE(core_->RegisterWorker(Worker("w"), "fleet").ok());
  EXPECT_EQ(core_->RegisterWorker(Worker("w"), "other").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(core_->RegisterWorker(Worker("w")).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(core_->Acquire("w", 1, "other").status().code(), absl::StatusCode::kPermissionDenied);
  auto leased = core_->Acquire("w", 1, "fleet");
  ASSERT_TRUE(leased.ok()) << leased.status();
  ASSERT_EQ(leased->size(), 1u);
  v1::TrialCompletion done;
  *done.mutable_lease() = Heartbeat(leased->front().trial()).lease();
  done.set_state(v1::Trial::SUCCEEDED);
  (*done.mutable_metrics())["value"] = 1.0;
  EXPECT_EQ(core_->Report("w", {Heartbeat(leased->front().trial())}, "other").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(core_->Complete("w", {done}, "other").status().code(), absl::StatusCode::kPermissionDenied);
  auto trials = core_->ListTrials("s", false);
  ASSERT_TRUE(trials.ok());
  EXPECT_EQ(trials->front().trial().state(), v1::Trial::RUNNING) << "a refused completion must not land";
  auto completed = core_->Complete("w", {done}, "fleet");
  ASSERT_TRUE(completed.ok()) << completed.status();
  EXPECT_EQ(completed->front().code(), 0) << completed->front().message();
  ASSERT_TRUE(core_->RegisterWorker(Worker("w"), "fleet").ok()) << "the owner may register again";
}

TEST_F(CoordinatorTest, ExpiredLeaseIsRequeuedAndTheOldLeaseIsFenced) {
  Create(BraninSpec("s", 1, 1));
  ASSERT_TRUE(core_->RegisterWorker(Worker("dead")).ok());
  ASSERT_TRUE(core_->RegisterWorker(Worker("alive")).ok());
  const std::vector<v1::Trial> first = Acquire("dead", 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].attempt(), 1);

  clock_.Advance(kLeaseMs - 1);
  ASSERT_TRUE(core_->ExpireLeases().ok());
  EXPECT_TRUE(Acquire("alive", 1).empty()) << "lease not yet expired";
  clock_.Advance(2);
  ASSERT_TRUE(core_->ExpireLeases().ok());
  const std::vector<v1::Trial> retry = Acquire("alive", 1);
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].id(), first[0].id());
  EXPECT_EQ(retry[0].attempt(), 2);
  EXPECT_NE(retry[0].lease_id(), first[0].lease_id());

  // The presumed-dead worker comes back: its report and completion are refused with ABORTED.
  auto report = core_->Report("dead", {Heartbeat(first[0])});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ((*report)[0].status().code(), static_cast<int>(absl::StatusCode::kAborted));
  auto stale = core_->Complete("dead", {Succeeded(first[0], 99)});
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ((*stale)[0].code(), static_cast<int>(absl::StatusCode::kAborted));

  CompleteAll("alive", retry);
  auto trials = core_->ListTrials("s", false);
  ASSERT_TRUE(trials.ok());
  ASSERT_EQ(trials->size(), 1u);
  EXPECT_EQ((*trials)[0].trial().state(), v1::Trial::SUCCEEDED);
  EXPECT_EQ((*trials)[0].trial().worker_id(), "alive");
  EXPECT_NE((*trials)[0].trial().metrics().at("value"), 99);
}

TEST_F(CoordinatorTest, HeartbeatsKeepTheLease) {
  Create(BraninSpec("s", 1, 1));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  const std::vector<v1::Trial> got = Acquire("w", 1);
  ASSERT_EQ(got.size(), 1u);
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(kLeaseMs / 2);
    auto report = core_->Report("w", {Heartbeat(got[0])});
    ASSERT_TRUE(report.ok());
    EXPECT_EQ((*report)[0].status().code(), 0);
    ASSERT_TRUE(core_->ExpireLeases().ok());
  }
  CompleteAll("w", got);
  EXPECT_EQ(core_->GetStudy("s")->state(), v1::Study::COMPLETED);
}

TEST_F(CoordinatorTest, TrialFailsAfterMaxAttempts) {
  v1::StudySpec spec = BraninSpec("s", 1, 1);
  spec.mutable_budget()->set_max_attempts(2);
  spec.mutable_budget()->set_max_failed(1);
  Create(spec);
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  for (int attempt = 1; attempt <= 2; ++attempt) {
    ASSERT_EQ(Acquire("w", 1).size(), 1u);
    clock_.Advance(kLeaseMs + 1);
    ASSERT_TRUE(core_->ExpireLeases().ok());
  }
  auto trials = core_->ListTrials("s", false);
  ASSERT_EQ(trials->size(), 1u);
  EXPECT_EQ((*trials)[0].trial().state(), v1::Trial::FAILED);
  EXPECT_NE((*trials)[0].trial().reason().find("lease expired 2 times"), std::string::npos);
  // 1 failure is within max_failed, but it is every trial: the study did not work.
  EXPECT_EQ(core_->GetStudy("s")->state(), v1::Study::FAILED);
  EXPECT_NE(core_->GetStudy("s")->reason().find("none succeeded"), std::string::npos);
}

TEST_F(CoordinatorTest, TooManyFailuresFailTheStudy) {
  v1::StudySpec spec = BraninSpec("s", 10, 2);
  spec.mutable_budget()->set_max_failed(1);
  Create(spec);
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  const std::vector<v1::Trial> got = Acquire("w", 2);
  ASSERT_EQ(got.size(), 2u);
  std::vector<v1::TrialCompletion> failed;
  for (const auto& t : got) {
    v1::TrialCompletion c = Succeeded(t, 0);
    c.set_state(v1::Trial::FAILED);
    c.set_reason("exit code 1");
    failed.push_back(c);
  }
  ASSERT_TRUE(core_->Complete("w", failed).ok());
  auto study = core_->GetStudy("s");
  EXPECT_EQ(study->state(), v1::Study::FAILED);
  EXPECT_NE(study->reason().find("max_failed"), std::string::npos);
  EXPECT_TRUE(Acquire("w", 2).empty());
}

TEST_F(CoordinatorTest, StudiesShareWorkersFairly) {
  Create(BraninSpec("a", 100, 100));
  Create(BraninSpec("b", 100, 100));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  std::map<int64_t, int> per_study;
  for (const auto& t : Acquire("w", 6)) per_study[t.study_id()]++;
  for (const auto& t : Acquire("w", 3)) per_study[t.study_id()]++;
  ASSERT_EQ(per_study.size(), 2u);
  EXPECT_LE(std::abs(per_study.begin()->second - per_study.rbegin()->second), 1);
  EXPECT_EQ(per_study.begin()->second + per_study.rbegin()->second, 9);
}

TEST_F(CoordinatorTest, RestartKeepsCompletedTrialsAndLetsLiveWorkersReattach) {
  Create(BraninSpec("s", 4, 2));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  const std::vector<v1::Trial> first = Acquire("w", 2);
  ASSERT_EQ(first.size(), 2u);
  CompleteAll("w", {first[0]});

  Reopen();
  // Worker registrations are not journaled: the worker re-registers, then its heartbeat re-attaches.
  EXPECT_EQ(core_->Report("w", {Heartbeat(first[1])}).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  auto report = core_->Report("w", {Heartbeat(first[1])});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ((*report)[0].status().code(), 0) << (*report)[0].status().message();
  CompleteAll("w", {first[1]});
  std::vector<v1::Trial> rest = Acquire("w", 4);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].id(), 2);
  CompleteAll("w", rest);
  auto study = core_->GetStudy("s");
  EXPECT_EQ(study->state(), v1::Study::COMPLETED);
  EXPECT_EQ(study->counts().succeeded(), 4);
}

TEST_F(CoordinatorTest, RestartRequeuesTrialsOfWorkersThatDoNotReturn) {
  Create(BraninSpec("s", 2, 2));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  ASSERT_EQ(Acquire("w", 2).size(), 2u);
  Reopen();
  ASSERT_TRUE(core_->RegisterWorker(Worker("other")).ok());
  EXPECT_TRUE(Acquire("other", 2).empty());
  clock_.Advance(kLeaseMs + 1);
  ASSERT_TRUE(core_->ExpireLeases().ok());
  const std::vector<v1::Trial> retry = Acquire("other", 2);
  ASSERT_EQ(retry.size(), 2u);
  CompleteAll("other", retry);
  EXPECT_EQ(core_->GetStudy("s")->counts().succeeded(), 2);
}

TEST_F(CoordinatorTest, RandomSuggestionsContinueIdenticallyAfterRestart) {
  Create(BraninSpec("s", 6, 6));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  const std::vector<v1::Trial> before = Acquire("w", 3);
  Reopen();
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  const std::vector<v1::Trial> after = Acquire("w", 3);
  ASSERT_EQ(after.size(), 3u);

  // A fresh study with the same seed suggests the same six points in one go (and, being the same
  // experiments, waits for the first study's results instead of running them).
  v1::StudySpec twin = BraninSpec("twin", 6, 6);
  Create(twin);
  EXPECT_TRUE(Acquire("w", 6).empty());
  auto all = core_->ListTrials("twin", false);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 6u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*all)[i].trial().parameters(0).value().double_value(),
              before[i].parameters(0).value().double_value());
    EXPECT_EQ((*all)[i + 3].trial().parameters(0).value().double_value(),
              after[i].parameters(0).value().double_value());
    EXPECT_EQ((*all)[i].trial().waiting_for().study_id(), 1);
  }
}

TEST_F(CoordinatorTest, CreateIsIdempotentForTheSameSpecOnly) {
  const v1::Study first = Create(BraninSpec("s", 5, 1));
  auto again = core_->CreateStudy(BraninSpec("s", 5, 1));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->second);
  EXPECT_EQ(again->first.id(), first.id());
  v1::StudySpec other_seed = BraninSpec("s", 5, 1);
  other_seed.mutable_algorithm()->mutable_random()->set_seed(8);
  EXPECT_EQ(core_->CreateStudy(other_seed).status().code(), absl::StatusCode::kAlreadyExists);
  // The same file with a raised budget continues the study with the new budget.
  auto raised = core_->CreateStudy(BraninSpec("s", 6, 1));
  ASSERT_TRUE(raised.ok()) << raised.status();
  EXPECT_TRUE(raised->second);
  EXPECT_EQ(raised->first.planned_trials(), 6);
  EXPECT_EQ(core_->ListStudies().size(), 1u);
  EXPECT_EQ(core_->GetStudy(std::to_string(first.id()))->spec().name(), "s");
  EXPECT_EQ(core_->GetStudy("nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CoordinatorTest, BadSpecsAreRefusedAndNothingIsStored) {
  v1::StudySpec zero = BraninSpec("z", 0, 1);
  EXPECT_EQ(core_->CreateStudy(zero).status().code(), absl::StatusCode::kInvalidArgument);
  v1::StudySpec coarse = BraninSpec("b", 5, 1);
  coarse.mutable_algorithm()->mutable_grid()->set_points_per_double(1);
  EXPECT_EQ(core_->CreateStudy(coarse).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(core_->ListStudies().empty());
  Reopen();
  EXPECT_TRUE(core_->ListStudies().empty());
}

TEST_F(CoordinatorTest, CancelStopsDispatchAndTellsWorkers) {
  Create(BraninSpec("s", 10, 2));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  const std::vector<v1::Trial> got = Acquire("w", 2);
  auto cancelled = core_->CancelStudy("s");
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->state(), v1::Study::CANCELLED);
  EXPECT_EQ(cancelled->counts().cancelled(), 2);
  auto report = core_->Report("w", {Heartbeat(got[0])});
  EXPECT_EQ((*report)[0].status().code(), static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(Acquire("w", 2).empty());
  EXPECT_EQ(core_->CancelStudy("s").status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(CoordinatorTest, GridStudyEndsWhenTheGridIsExhausted) {
  v1::StudySpec spec = BraninSpec("g", 100, 4);
  spec.mutable_algorithm()->mutable_grid()->set_points_per_double(3);
  const v1::Study study = Create(spec);
  EXPECT_EQ(study.planned_trials(), 9);
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  int total = 0;
  for (std::vector<v1::Trial> got; !(got = Acquire("w", 4)).empty();) {
    total += static_cast<int>(got.size());
    CompleteAll("w", got);
  }
  EXPECT_EQ(total, 9);
  EXPECT_EQ(core_->GetStudy("g")->state(), v1::Study::COMPLETED);
  auto best = core_->BestTrial("g");
  ASSERT_TRUE(best.ok());
  EXPECT_EQ(best->parameters(0).value().double_value(), -5);  // The objective here is x1 itself.
}

TEST_F(CoordinatorTest, MissingObjectiveTurnsSuccessIntoFailure) {
  Create(BraninSpec("s", 1, 1));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  const std::vector<v1::Trial> got = Acquire("w", 1);
  v1::TrialCompletion c = Succeeded(got[0], 1);
  c.mutable_metrics()->clear();
  (*c.mutable_metrics())["loss"] = 1;
  ASSERT_TRUE(core_->Complete("w", {c}).ok());
  auto trials = core_->ListTrials("s", false);
  EXPECT_EQ((*trials)[0].trial().state(), v1::Trial::FAILED);
  EXPECT_NE((*trials)[0].trial().reason().find("'value' was not reported (it reported: loss)"),
            std::string::npos)
      << (*trials)[0].trial().reason();
  EXPECT_EQ(core_->BestTrial("s").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CoordinatorTest, UnregisteredWorkerIsNotFound) {
  EXPECT_EQ(core_->Acquire("ghost", 1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(core_->RegisterWorker(Worker("")).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  EXPECT_EQ(core_->Acquire("w", 0).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CoordinatorTest, MeasurementsAreJournaled) {
  Create(BraninSpec("s", 1, 1));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  const std::vector<v1::Trial> got = Acquire("w", 1);
  v1::TrialReport report = Heartbeat(got[0]);
  for (int step = 1; step <= 3; ++step) {
    v1::Measurement* m = report.add_measurements();
    m->set_step(step);
    (*m->mutable_metrics())["loss"] = 1.0 / step;
  }
  ASSERT_TRUE(core_->Report("w", {report}).ok());
  CompleteAll("w", got);
  Reopen();
  auto trials = core_->ListTrials("s", true);
  ASSERT_TRUE(trials.ok());
  ASSERT_EQ((*trials)[0].measurements_size(), 3);
  EXPECT_EQ((*trials)[0].measurements(2).step(), 3);
}

}  // namespace
}  // namespace hyperlab::coordinator

namespace hyperlab::coordinator {
namespace {

v1::StudySpec GridSpec(const std::string& name) {
  v1::StudySpec spec = BraninSpec(name, 100, 4);
  spec.mutable_algorithm()->mutable_grid()->set_points_per_double(3);
  return spec;
}

TEST_F(CoordinatorTest, SameGridUnderAnotherNameReusesEveryResult) {
  Create(GridSpec("first"));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  for (std::vector<v1::Trial> got; !(got = Acquire("w", 4)).empty();) CompleteAll("w", got);
  ASSERT_EQ(core_->GetStudy("first")->state(), v1::Study::COMPLETED);

  std::vector<std::string> warnings;
  auto second = core_->CreateStudy(GridSpec("second"), &warnings);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("'first'"), std::string::npos) << warnings[0];
  EXPECT_TRUE(Acquire("w", 4).empty()) << "nothing of the second study should be dispatched";
  auto study = core_->GetStudy("second");
  EXPECT_EQ(study->state(), v1::Study::COMPLETED);
  EXPECT_EQ(study->counts().succeeded(), 9);
  EXPECT_EQ(study->counts().reused(), 9);
  auto first_trials = core_->ListTrials("first", false);
  auto second_trials = core_->ListTrials("second", false);
  for (int i = 0; i < 9; ++i) {
    const v1::Trial& t = (*second_trials)[i].trial();
    EXPECT_EQ(t.reused_from().study_name(), "first");
    EXPECT_EQ(t.reused_from().trial_id(), i);
    EXPECT_EQ(t.fingerprint(), (*first_trials)[i].trial().fingerprint());
    EXPECT_EQ(t.metrics().at("value"), (*first_trials)[i].trial().metrics().at("value"));
  }
  // The indexes are rebuilt from the journal: a third copy after a restart is reused too.
  Reopen();
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  Create(GridSpec("third"));
  EXPECT_TRUE(Acquire("w", 4).empty());
  EXPECT_EQ(core_->GetStudy("third")->counts().reused(), 9);
}

TEST_F(CoordinatorTest, ATwinOfARunningTrialWaitsAndTakesItsResult) {
  Create(BraninSpec("a", 2, 2));
  Create(BraninSpec("b", 2, 2));  // Same seed: the same two points.
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  const std::vector<v1::Trial> got = Acquire("w", 4);
  ASSERT_EQ(got.size(), 2u) << "each point is dispatched once";
  for (const auto& t : got) EXPECT_EQ(t.study_id(), 1);
  auto waiting = core_->ListTrials("b", false);
  ASSERT_EQ(waiting->size(), 2u);
  EXPECT_EQ((*waiting)[0].trial().state(), v1::Trial::PENDING);
  EXPECT_TRUE((*waiting)[0].trial().has_waiting_for());

  // The first twin succeeds: its result is reused. The second fails: its waiter runs itself.
  v1::TrialCompletion failed = Succeeded(got[1], 0);
  failed.set_state(v1::Trial::FAILED);
  ASSERT_TRUE(core_->Complete("w", {Succeeded(got[0], 3.5), failed}).ok());
  auto b = core_->ListTrials("b", false);
  EXPECT_EQ((*b)[0].trial().state(), v1::Trial::SUCCEEDED);
  EXPECT_EQ((*b)[0].trial().metrics().at("value"), 3.5);
  EXPECT_EQ((*b)[0].trial().reused_from().study_id(), 1);
  EXPECT_EQ((*b)[1].trial().state(), v1::Trial::PENDING);
  EXPECT_FALSE((*b)[1].trial().has_waiting_for());
  const std::vector<v1::Trial> rerun = Acquire("w", 4);
  ASSERT_EQ(rerun.size(), 1u);
  EXPECT_EQ(rerun[0].study_id(), 2);
  EXPECT_EQ(rerun[0].id(), 1);
  CompleteAll("w", rerun);
  EXPECT_EQ(core_->GetStudy("b")->state(), v1::Study::COMPLETED);
  EXPECT_EQ(core_->GetStudy("b")->counts().reused(), 1);
}

TEST_F(CoordinatorTest, PauseResumeAndRaiseTheBudget) {
  Create(BraninSpec("s", 2, 2));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  const std::vector<v1::Trial> first = Acquire("w", 1);
  ASSERT_TRUE(core_->PauseStudy("s").ok());
  EXPECT_EQ(core_->PauseStudy("s").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Acquire("w", 2).empty()) << "a paused study dispatches nothing";
  CompleteAll("w", first);  // Running trials finish while paused.
  Reopen();                 // Pause survives a restart.
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  EXPECT_EQ(core_->GetStudy("s")->state(), v1::Study::PAUSED);
  ASSERT_TRUE(core_->ResumeStudy("s").ok());
  CompleteAll("w", Acquire("w", 2));
  EXPECT_EQ(core_->GetStudy("s")->state(), v1::Study::COMPLETED);

  EXPECT_EQ(core_->SetStudyBudget("s", 1).status().code(), absl::StatusCode::kInvalidArgument);
  auto raised = core_->SetStudyBudget("s", 3);
  ASSERT_TRUE(raised.ok()) << raised.status();
  EXPECT_EQ(raised->state(), v1::Study::ACTIVE);
  const std::vector<v1::Trial> third = Acquire("w", 2);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].id(), 2);
  CompleteAll("w", third);
  EXPECT_EQ(core_->GetStudy("s")->state(), v1::Study::COMPLETED);
  EXPECT_EQ(core_->GetStudy("s")->counts().succeeded(), 3);
}

TEST_F(CoordinatorTest, BackupIsAJournalACoordinatorStartsFrom) {
  Create(BraninSpec("s", 3, 3));
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  CompleteAll("w", Acquire("w", 3));
  const std::string backup = dir_ + "-backup";
  std::filesystem::remove_all(backup);
  auto bytes = core_->Backup(backup);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_GT(*bytes, 0);
  EXPECT_EQ(core_->Backup(backup).status().code(), absl::StatusCode::kAlreadyExists);
  {
    auto journal = storage::RocksDbJournal::Open(backup);
    ASSERT_TRUE(journal.ok()) << journal.status();
    auto restored = Coordinator::Open(journal->get(), &clock_);
    ASSERT_TRUE(restored.ok());
    auto study = (*restored)->GetStudy("s");
    ASSERT_TRUE(study.ok());
    EXPECT_EQ(study->counts().succeeded(), 3);
    EXPECT_EQ(study->state(), v1::Study::COMPLETED);
  }
  std::filesystem::remove_all(backup);
}

}  // namespace
}  // namespace hyperlab::coordinator

namespace hyperlab::coordinator {
namespace {

TEST_F(CoordinatorTest, AshaTellsAWorkerToStopAnUnpromisingTrial) {
  v1::StudySpec spec = BraninSpec("asha", 4, 4);
  spec.mutable_early_stopping()->mutable_asha()->set_reduction_factor(2);
  spec.mutable_early_stopping()->set_metric("value");  // What a synthetic task reports.
  Create(spec);
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  const std::vector<v1::Trial> got = Acquire("w", 4);
  ASSERT_EQ(got.size(), 4u);
  auto report = [&](const v1::Trial& t, int64_t step, double loss) {
    v1::TrialReport r = Heartbeat(t);
    v1::Measurement* m = r.add_measurements();
    m->set_step(step);
    (*m->mutable_metrics())["value"] = loss;
    auto results = core_->Report("w", {r});
    EXPECT_TRUE(results.ok());
    return (*results)[0].should_stop();
  };
  EXPECT_FALSE(report(got[0], 1, 1.0));  // First at rung 1: goes on.
  EXPECT_TRUE(report(got[1], 1, 2.0));   // n = 2, keep 1: worse than 1.0, stops.
  EXPECT_FALSE(report(got[2], 1, 0.5));  // The new best goes on.
  EXPECT_FALSE(report(got[0], 2, 0.9));  // Past rung 1, before rung 2: not judged again.

  v1::TrialCompletion stopped = Succeeded(got[1], 0);
  stopped.set_state(v1::Trial::STOPPED);
  stopped.mutable_metrics()->clear();
  (*stopped.mutable_metrics())["value"] = 2.0;
  ASSERT_TRUE(core_->Complete("w", {stopped}).ok());
  auto study = core_->GetStudy("asha");
  EXPECT_EQ(study->counts().stopped(), 1);
  EXPECT_EQ(study->spec().early_stopping().goal(), v1::Objective::MINIMIZE);  // Defaulted from the objective.
  // Curves are rebuilt from the journal at restart: a late trial is judged against them.
  Reopen();
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  EXPECT_TRUE(report(got[3], 1, 1.5));  // n = 4, keep 2: 0.5 and 1.0 are better.
}

}  // namespace
}  // namespace hyperlab::coordinator
