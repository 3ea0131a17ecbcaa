// A client's loop at one call per trial (ClientService.AskTrials with completions): which writes are synced
// (results are; lease grants and measurements are only logged), a completion and the next lease in one
// journal write, trials given back unrun (state PENDING), and an ask that waits for a free slot instead of
// coming back empty.
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "coordinator/coordinator.h"
#include "gtest/gtest.h"
#include "storage/rocksdb_journal.h"
#include "tests/testing/branin_spec.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/faulty_journal.h"
#include "tests/testing/test_dir.h"
#include "tests/testing/trial_messages.h"

namespace hyperlab::coordinator {
namespace {

using storage::Durability;

// Records how durable each journal write was asked to be.
class RecordingJournal : public testing::FaultyJournal {
 public:
  using FaultyJournal::FaultyJournal;
  absl::Status Write(const storage::JournalBatch& batch) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      writes_.push_back(batch.durability);
    }
    return FaultyJournal::Write(batch);
  }
  // The writes since the last call.
  std::vector<Durability> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(writes_, {});
  }

 private:
  std::mutex mu_;
  std::vector<Durability> writes_;
};

v1::StudySpec ClientSpec(const std::string& name, int trials, int parallel) {
  v1::StudySpec spec = testing::BraninSpec(name, trials, parallel);
  spec.mutable_task()->mutable_client();
  return spec;
}

v1::TrialCompletion GiveBack(const v1::Trial& trial) {
  v1::TrialCompletion c = testing::SucceededWith(trial, trial.lease_id(), 0);
  c.set_state(v1::Trial::PENDING);
  c.clear_metrics();
  return c;
}

class ClientLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = hyperlab::testing::FreshTestDir("client_loop_test");
    rocks_ = std::move(storage::RocksDbJournal::Open(dir_ + "/journal").value());
    journal_ = std::make_unique<RecordingJournal>(rocks_.get());
  }
  void Open(int64_t acquire_wait_ms = 1000) {
    core_ = std::move(Coordinator::Open(journal_.get(), &clock_,
                                        {.lease_timeout_ms = 10'000, .acquire_wait_ms = acquire_wait_ms})
                          .value());
  }
  void TearDown() override {
    core_.reset();
    journal_.reset();
    rocks_.reset();
    std::filesystem::remove_all(dir_);
  }
  v1::Trial Stored(int64_t study, int64_t id) { return rocks_->LoadTrials(study).value().at(id); }

  std::string dir_;
  testing::FakeClock clock_;
  std::unique_ptr<storage::RocksDbJournal> rocks_;
  std::unique_ptr<RecordingJournal> journal_;
  std::unique_ptr<Coordinator> core_;
};

TEST_F(ClientLoopTest, ResultsAreSyncedLeasesAndMeasurementsOnlyLogged) {
  Open();
  const int64_t study = core_->CreateStudy(ClientSpec("loop", 5, 2)).value().first.id();
  EXPECT_EQ(journal_->Take(), std::vector<Durability>{Durability::kSynced});

  // A new client's first ask records which token owns its id (synced), then the lease (logged).
  const v1::Trial first = core_->Ask("c", "loop", 1)->assignments.at(0).trial();
  EXPECT_EQ(journal_->Take(), (std::vector<Durability>{Durability::kSynced, Durability::kLogged}));
  const v1::Trial other = core_->Ask("c", "loop", 1)->assignments.at(0).trial();
  EXPECT_EQ(journal_->Take(), std::vector<Durability>{Durability::kLogged});
  ASSERT_TRUE(core_->Complete("c", {testing::SucceededWith(other, other.lease_id(), 4)}).ok());
  EXPECT_EQ(journal_->Take(), std::vector<Durability>{Durability::kSynced});

  v1::TrialReport report;
  *report.mutable_lease() = testing::SucceededWith(first, first.lease_id(), 0).lease();
  v1::Measurement* m = report.add_measurements();
  m->set_step(1);
  (*m->mutable_metrics())["value"] = 3.0;
  ASSERT_EQ(core_->Report("c", {report}).value().at(0).status().code(), 0);
  EXPECT_EQ(journal_->Take(), std::vector<Durability>{Durability::kLogged});
  report.clear_measurements();  // A bare heartbeat writes nothing.
  ASSERT_EQ(core_->Report("c", {report}).value().at(0).status().code(), 0);
  EXPECT_TRUE(journal_->Take().empty());

  // One call ends the trial and leases the next: one write, synced (it carries a result).
  auto asked = core_->Ask("c", "loop", 1, "", "", "", {testing::SucceededWith(first, first.lease_id(), 2.5)});
  ASSERT_TRUE(asked.ok()) << asked.status();
  ASSERT_EQ(asked->completion_results.size(), 1u);
  EXPECT_EQ(asked->completion_results[0].code(), 0) << asked->completion_results[0].message();
  ASSERT_EQ(asked->assignments.size(), 1u);
  EXPECT_EQ(asked->assignments[0].trial().id(), 2);
  EXPECT_EQ(journal_->Take(), std::vector<Durability>{Durability::kSynced});
  EXPECT_EQ(Stored(study, 0).state(), v1::Trial::SUCCEEDED);
  EXPECT_EQ(Stored(study, 2).state(), v1::Trial::RUNNING);
  EXPECT_EQ(asked->study.counts().succeeded(), 2);

  // A stale completion in the same call is refused on its own; the lease still comes.
  auto stale = core_->Ask("c", "loop", 1, "", "", "", {testing::SucceededWith(first, first.lease_id(), 9)});
  ASSERT_TRUE(stale.ok()) << stale.status();
  EXPECT_EQ(stale->completion_results.at(0).code(), static_cast<int>(absl::StatusCode::kAborted));
  EXPECT_EQ(stale->assignments.size(), 1u);
  EXPECT_EQ(Stored(study, 0).metrics().at("value"), 2.5);

  // Completions only (max_trials 0) are allowed; an ask with neither is not.
  const v1::Trial second = asked->assignments[0].trial();
  auto only = core_->Ask("c", "loop", 0, "", "", "", {testing::SucceededWith(second, second.lease_id(), 1)});
  ASSERT_TRUE(only.ok()) << only.status();
  EXPECT_TRUE(only->assignments.empty());
  EXPECT_EQ(core_->Ask("c", "loop", 0).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ClientLoopTest, ALoggedLeaseIsInTheJournalAfterARestart) {
  Open();
  const int64_t study = core_->CreateStudy(ClientSpec("loop", 3, 3)).value().first.id();
  const v1::Trial leased = core_->Ask("c", "loop", 1)->assignments.at(0).trial();
  core_.reset();
  journal_.reset();
  rocks_.reset();
  rocks_ = std::move(storage::RocksDbJournal::Open(dir_ + "/journal").value());
  const v1::Trial stored = Stored(study, leased.id());
  EXPECT_EQ(stored.state(), v1::Trial::RUNNING);
  EXPECT_EQ(stored.lease_id(), leased.lease_id());
}

TEST_F(ClientLoopTest, AGivenBackTrialGoesToTheNextAskerWithNoAttemptCounted) {
  Open();
  const int64_t study = core_->CreateStudy(ClientSpec("loop", 4, 4)).value().first.id();
  const auto asked = core_->Ask("a", "loop", 2).value();
  ASSERT_EQ(asked.assignments.size(), 2u);
  const v1::Trial kept = asked.assignments[0].trial();
  const v1::Trial unrun = asked.assignments[1].trial();

  // Only the holder may give a trial back.
  auto stolen = core_->Complete("b", {GiveBack(unrun)});
  EXPECT_EQ(stolen.status().code(), absl::StatusCode::kNotFound);  // b has never asked: unknown.
  ASSERT_TRUE(core_->Ask("b", "loop", 0, "", "", "", {GiveBack(unrun)}).ok());
  auto foreign = core_->Complete("b", {GiveBack(unrun)});
  ASSERT_TRUE(foreign.ok());
  EXPECT_EQ((*foreign)[0].code(), static_cast<int>(absl::StatusCode::kAborted));

  auto back = core_->Complete("a", {GiveBack(unrun)});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)[0].code(), 0) << (*back)[0].message();
  const v1::Trial pending = Stored(study, unrun.id());
  EXPECT_EQ(pending.state(), v1::Trial::PENDING);
  EXPECT_EQ(pending.attempt(), 0);
  EXPECT_TRUE(pending.lease_id().empty());
  EXPECT_NE(pending.reason().find("given back unrun by 'a'"), std::string::npos) << pending.reason();

  // The next asker gets it first, as its first attempt; the study still plans 4 trials in all.
  const auto next = core_->Ask("b", "loop", 1).value();
  ASSERT_EQ(next.assignments.size(), 1u);
  EXPECT_EQ(next.assignments[0].trial().id(), unrun.id());
  EXPECT_EQ(next.assignments[0].trial().attempt(), 1);
  EXPECT_EQ(next.study.counts().total(), 2);
  EXPECT_EQ(Stored(study, kept.id()).state(), v1::Trial::RUNNING);
}

TEST_F(ClientLoopTest, AnAskForAFullStudyWaitsForASlotInsteadOfComingBackEmpty) {
  Open(/*acquire_wait_ms=*/600'000);
  ASSERT_TRUE(core_->CreateStudy(ClientSpec("loop", 4, 1)).ok());
  const v1::Trial held = core_->Ask("a", "loop", 1)->assignments.at(0).trial();

  absl::StatusOr<Coordinator::Asked> waited;
  std::thread other([&] { waited = core_->Ask("b", "loop", 1); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // b waits: max_parallel is 1.
  ASSERT_EQ(core_->Complete("a", {testing::SucceededWith(held, held.lease_id(), 1)}).value().at(0).code(), 0);
  other.join();
  ASSERT_TRUE(waited.ok()) << waited.status();
  ASSERT_EQ(waited->assignments.size(), 1u);
  EXPECT_EQ(waited->assignments[0].trial().id(), 1);
}

}  // namespace
}  // namespace hyperlab::coordinator
