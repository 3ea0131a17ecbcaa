// The trust issue's findings that live in the coordinator core, each attack performed and refused:
//   1  a worker completes another worker's trial with its lease id (and lease ids are guessable);
//   6  one completion over a limit refuses the whole batch (the worker resends it forever);
//   8  a study spec of any size, any number of studies per submitter;
//   14 worker ids owned only in memory: after a restart another token claims a worker's id first;
//   17 journal and backup directories follow the umask.
// Finding 4 (the coordinator reads submitter paths) is in lab_journal_test.cc.
#include <sys/stat.h>

#include <filesystem>
#include <set>

#include "coordinator/coordinator.h"
#include "coordinator/request_limits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/rocksdb_journal.h"
#include "tests/testing/branin_spec.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/test_dir.h"
#include "tests/testing/trial_messages.h"

namespace hyperlab::coordinator {
namespace {

using ::testing::HasSubstr;

v1::WorkerInfo Worker(const std::string& id) { return testing::SyntheticWorker(id); }

v1::TrialCompletion Completion(const v1::Trial& trial, const std::string& lease_id, double value) {
  return testing::SucceededWith(trial, lease_id, value);
}

class TrustCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = hyperlab::testing::FreshTestDir("trust_core_test");
    Reopen();
  }
  void TearDown() override {
    core_.reset();
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    core_.reset();
    journal_.reset();
    journal_ = std::move(storage::RocksDbJournal::Open(dir_ + "/journal").value());
    core_ = std::move(Coordinator::Open(journal_.get(), &clock_).value());
  }
  std::string dir_;
  testing::FakeClock clock_;
  std::unique_ptr<storage::RocksDbJournal> journal_;
  std::unique_ptr<Coordinator> core_;
};

// Finding 1: the same token (the prod overlay gives all workers one) and the trial's lease id, read from
// a listing, were enough to forge another worker's result.
TEST_F(TrustCoreTest, OnlyTheWorkerHoldingALeaseCanCompleteOrReportIt) {
  ASSERT_TRUE(core_->CreateStudy(testing::BraninSpec("s", 4, 4)).ok());
  ASSERT_TRUE(core_->RegisterWorker(Worker("honest"), "pool").ok());
  ASSERT_TRUE(core_->RegisterWorker(Worker("forger"), "pool").ok());
  const std::vector<v1::Assignment> leased = core_->Acquire("honest", 1, "pool").value();
  ASSERT_EQ(leased.size(), 1u);
  const v1::Trial trial = leased[0].trial();

  auto forged = core_->Complete("forger", {Completion(trial, trial.lease_id(), -1000)}, "pool");
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ((*forged)[0].code(), static_cast<int>(absl::StatusCode::kAborted));
  EXPECT_THAT((*forged)[0].message(), HasSubstr("not held by worker 'forger'"));
  v1::TrialReport report;
  *report.mutable_lease() = Completion(trial, trial.lease_id(), 0).lease();
  EXPECT_EQ((*core_->Report("forger", {report}, "pool"))[0].status().code(),
            static_cast<int>(absl::StatusCode::kAborted));
  EXPECT_EQ(core_->ListTrials("s", false)->at(trial.id()).trial().state(), v1::Trial::RUNNING);

  auto honest = core_->Complete("honest", {Completion(trial, trial.lease_id(), 3)}, "pool");
  EXPECT_EQ((*honest)[0].code(), 0) << (*honest)[0].message();
  EXPECT_EQ(core_->ListTrials("s", false)->at(trial.id()).trial().metrics().at("value"), 3);
}

TEST_F(TrustCoreTest, LeaseIdsAre128RandomBits) {
  ASSERT_TRUE(core_->CreateStudy(testing::BraninSpec("s", 200, 200)).ok());
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  std::set<std::string> ids;
  const std::vector<v1::Assignment> leased = core_->Acquire("w", 200).value();
  ASSERT_EQ(leased.size(), 200u);
  for (const v1::Assignment& a : leased) {
    EXPECT_EQ(a.trial().lease_id().size(), 32u);
    EXPECT_EQ(a.trial().lease_id().find_first_not_of("0123456789abcdef"), std::string::npos);
    ids.insert(a.trial().lease_id());
  }
  EXPECT_EQ(ids.size(), 200u);
}

// Finding 6: a 200-character metric name made the coordinator refuse the whole CompleteTrials call, so the
// worker resent it forever and its other trials never finished.
TEST_F(TrustCoreTest, OneCompletionOverALimitFailsThatTrialOnly) {
  ASSERT_TRUE(core_->CreateStudy(testing::BraninSpec("s", 4, 4)).ok());
  ASSERT_TRUE(core_->RegisterWorker(Worker("w")).ok());
  const std::vector<v1::Assignment> got = core_->Acquire("w", 2).value();
  ASSERT_EQ(got.size(), 2u);
  v1::TrialCompletion bad = Completion(got[0].trial(), got[0].trial().lease_id(), 1);
  (*bad.mutable_metrics())[std::string(200, 'm')] = 1;
  const v1::TrialCompletion good = Completion(got[1].trial(), got[1].trial().lease_id(), 2);

  v1::CompleteTrialsRequest request;
  request.set_worker_id("w");
  *request.add_completions() = bad;
  *request.add_completions() = good;
  EXPECT_TRUE(ValidateRequest(request).ok()) << "the envelope is fine; one item's content is not";

  auto results = core_->Complete("w", {bad, good});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_EQ((*results)[0].code(), 0);
  EXPECT_EQ((*results)[1].code(), 0);
  const auto trials = core_->ListTrials("s", false).value();
  EXPECT_EQ(trials[got[0].trial().id()].trial().state(), v1::Trial::FAILED);
  EXPECT_THAT(trials[got[0].trial().id()].trial().reason(), HasSubstr("max_metric_name_length = 128"));
  EXPECT_TRUE(trials[got[0].trial().id()].trial().metrics().empty()) << "the refused payload is not kept";
  EXPECT_EQ(trials[got[1].trial().id()].trial().state(), v1::Trial::SUCCEEDED);
}

// Finding 8: no bound on a spec's size or on the studies one submitter may keep open.
TEST_F(TrustCoreTest, SpecSizeAndOpenStudiesPerSubmitterAreBounded) {
  v1::CreateStudyRequest big;
  *big.mutable_spec() = testing::BraninSpec("big", 1, 1);
  big.mutable_spec()->set_hypothesis(std::string(kMaxSpecBytes + 1, 'h'));
  const absl::Status refused = ValidateRequest(big);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("max_spec_bytes"));

  for (int i = 0; i < kMaxOpenStudiesPerSubmitter; ++i) {
    ASSERT_TRUE(
        core_->CreateStudy(testing::BraninSpec("s" + std::to_string(i), 1, 1), nullptr, "alice").ok());
  }
  auto over = core_->CreateStudy(testing::BraninSpec("one-more", 1, 1), nullptr, "alice");
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(over.status().message()), HasSubstr("max_open_studies_per_submitter"));
  EXPECT_TRUE(core_->CreateStudy(testing::BraninSpec("bobs", 1, 1), nullptr, "bob").ok())
      << "another submitter is not affected";
  ASSERT_TRUE(core_->CancelStudy("s0").ok());
  EXPECT_TRUE(core_->CreateStudy(testing::BraninSpec("one-more", 1, 1), nullptr, "alice").ok())
      << "an ended study frees a place";
}

// Finding 14: after a restart, another token registered a worker's id first and the real worker backed
// off forever on PERMISSION_DENIED.
TEST_F(TrustCoreTest, WorkerIdOwnershipSurvivesARestart) {
  ASSERT_TRUE(core_->RegisterWorker(Worker("gpu-7"), "team-a").ok());
  Reopen();
  const absl::Status stolen = core_->RegisterWorker(Worker("gpu-7"), "mallory");
  EXPECT_EQ(stolen.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(stolen.message()), HasSubstr("team-a"));
  EXPECT_TRUE(core_->RegisterWorker(Worker("gpu-7"), "team-a").ok());
}

// Finding 17: the journal and its backups hold every user's studies; they were created 755/644.
TEST_F(TrustCoreTest, JournalAndBackupDirectoriesAreTheOwnersOnly) {
  struct stat st;
  ASSERT_EQ(stat((dir_ + "/journal").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_TRUE(core_->Backup(dir_ + "/backup").ok());
  ASSERT_EQ(stat((dir_ + "/backup").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

}  // namespace
}  // namespace hyperlab::coordinator
