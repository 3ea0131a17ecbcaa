// Client-run trials (ClientService) and capability-based dispatch on the core: a `client` study's trials
// go only to clients that ask for that study, workers get only trials they can run (a study no worker can
// run waits instead of failing), a client's id is its token's, and a client's lost lease is re-leased to
// the next client that asks.
#include <filesystem>

#include "coordinator/coordinator.h"
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

constexpr int64_t kLeaseMs = 10'000;

v1::StudySpec ClientSpec(const std::string& name, int trials, int parallel, const std::string& experiment) {
  v1::StudySpec spec = testing::BraninSpec(name, trials, parallel);
  spec.mutable_task()->mutable_client()->set_experiment(experiment);
  return spec;
}

v1::StudySpec CommandSpec(const std::string& name, const std::string& program) {
  v1::StudySpec spec = testing::BraninSpec(name, 2, 2);
  spec.mutable_task()->mutable_command()->add_argv(program);
  spec.mutable_task()->mutable_command()->add_argv("{x1}");
  return spec;
}

class ClientTaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = hyperlab::testing::FreshTestDir("client_task_test");
    journal_ = std::move(storage::RocksDbJournal::Open(dir_ + "/journal").value());
    core_ = std::move(Coordinator::Open(journal_.get(), &clock_, {.lease_timeout_ms = kLeaseMs}).value());
  }
  void TearDown() override {
    core_.reset();
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Asks until the reply is empty; returns every trial leased.
  std::vector<v1::Trial> AskAll(const std::string& client, const std::string& study) {
    std::vector<v1::Trial> out;
    while (true) {
      auto asked = core_->Ask(client, study, 8);
      EXPECT_TRUE(asked.ok()) << asked.status();
      if (!asked.ok() || asked->assignments.empty()) return out;
      for (const v1::Assignment& a : asked->assignments) out.push_back(a.trial());
    }
  }
  std::string dir_;
  testing::FakeClock clock_;
  std::unique_ptr<storage::RocksDbJournal> journal_;
  std::unique_ptr<Coordinator> core_;
};

TEST_F(ClientTaskTest, ClientTrialsGoOnlyToClientsAndWorkerTrialsOnlyToWorkers) {
  ASSERT_TRUE(core_->CreateStudy(ClientSpec("mine", 3, 3, "")).ok());
  ASSERT_TRUE(core_->CreateStudy(testing::BraninSpec("synthetic", 3, 3)).ok());
  ASSERT_TRUE(core_->RegisterWorker(testing::SyntheticWorker("w")).ok());

  // The worker asks for everything it may run: only the synthetic study's trials.
  const std::vector<v1::Assignment> leased = core_->Acquire("w", 10).value();
  ASSERT_EQ(leased.size(), 3u);
  for (const v1::Assignment& a : leased) EXPECT_EQ(a.study_name(), "synthetic");
  EXPECT_TRUE(core_->Acquire("w", 10)->empty());

  // The client gets the client study's trials, with what it needs to run them.
  auto asked = core_->Ask("c", "mine", 10);
  ASSERT_TRUE(asked.ok()) << asked.status();
  ASSERT_EQ(asked->assignments.size(), 3u);
  EXPECT_TRUE(asked->assignments[0].task().has_client());
  EXPECT_EQ(asked->assignments[0].objective().metric(), "value");
  EXPECT_EQ(asked->study.counts().running(), 3);
  EXPECT_EQ(asked->study.state(), v1::Study::ACTIVE);

  // Results come back as a worker's do, fenced by the client's id.
  const v1::Trial& t = asked->assignments[0].trial();
  auto done = core_->Complete("c", {testing::SucceededWith(t, t.lease_id(), 1.5)});
  ASSERT_TRUE(done.ok());
  EXPECT_EQ((*done)[0].code(), 0) << (*done)[0].message();
  auto stolen = core_->Complete("w", {testing::SucceededWith(asked->assignments[1].trial(),
                                                             asked->assignments[1].trial().lease_id(), 0)});
  EXPECT_EQ((*stolen)[0].code(), static_cast<int>(absl::StatusCode::kAborted));
}

TEST_F(ClientTaskTest, AskNamesWhatIsWrong) {
  ASSERT_TRUE(core_->CreateStudy(testing::BraninSpec("synthetic", 3, 3)).ok());
  auto wrong_kind = core_->Ask("c", "synthetic", 1);
  EXPECT_EQ(wrong_kind.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(wrong_kind.status().message()), HasSubstr("'synthetic' task"));
  EXPECT_EQ(core_->Ask("c", "missing", 1).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(core_->CreateStudy(ClientSpec("mine", 3, 3, "")).ok());
  EXPECT_EQ(core_->Ask("c", "mine", 0).status().code(), absl::StatusCode::kInvalidArgument);

  // A worker may not pass for a client.
  v1::WorkerInfo impostor = testing::SyntheticWorker("w");
  impostor.add_executors("client");
  auto refused = core_->RegisterWorker(impostor);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("worker.executors[1]"));

  // A client's id belongs to the token that first used it.
  ASSERT_TRUE(core_->Ask("c", "mine", 1, "alice").ok());
  EXPECT_EQ(core_->Ask("c", "mine", 1, "mallory").status().code(), absl::StatusCode::kPermissionDenied);

  // The experiment label is bounded.
  v1::StudySpec long_label = ClientSpec("long", 1, 1, std::string(300, 'e'));
  auto created = core_->CreateStudy(long_label);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(created.status().message()), HasSubstr("task.client.experiment"));
}

TEST_F(ClientTaskTest, ALostClientsTrialGoesToTheNextClient) {
  ASSERT_TRUE(core_->CreateStudy(ClientSpec("mine", 1, 1, "")).ok());
  const std::vector<v1::Trial> first = AskAll("killed", "mine");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(AskAll("next", "mine").empty());  // max_parallel 1, and the only trial is leased.

  clock_.Advance(kLeaseMs + 1);
  ASSERT_TRUE(core_->ExpireLeases().ok());
  const std::vector<v1::Trial> again = AskAll("next", "mine");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id(), first[0].id());
  EXPECT_EQ(again[0].attempt(), 2);
  auto late = core_->Complete("killed", {testing::SucceededWith(first[0], first[0].lease_id(), 9)});
  EXPECT_EQ((*late)[0].code(), static_cast<int>(absl::StatusCode::kAborted));
  auto done = core_->Complete("next", {testing::SucceededWith(again[0], again[0].lease_id(), 2)});
  EXPECT_EQ((*done)[0].code(), 0) << (*done)[0].message();
  EXPECT_EQ(core_->GetStudy("mine")->state(), v1::Study::COMPLETED);
}

TEST_F(ClientTaskTest, ExperimentLabelsDecideWhatIsReused) {
  auto run_one = [&](const std::string& study) {
    const std::vector<v1::Trial> leased = AskAll("c", study);
    for (const v1::Trial& t : leased) {
      EXPECT_EQ((*core_->Complete("c", {testing::SucceededWith(t, t.lease_id(), 4.25)}))[0].code(), 0);
    }
    return leased.size();
  };
  // The same seed suggests the same points: with the same experiment they are the same experiments.
  ASSERT_TRUE(core_->CreateStudy(ClientSpec("a", 2, 2, "resnet@v3")).ok());
  EXPECT_EQ(run_one("a"), 2u);
  ASSERT_TRUE(core_->CreateStudy(ClientSpec("b", 2, 2, "resnet@v3")).ok());
  EXPECT_EQ(run_one("b"), 0u);  // Nothing to run: both trials reuse a's results.
  auto b = core_->ListTrials("b", false).value();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_TRUE(b[0].trial().has_reused_from());
  EXPECT_EQ(b[0].trial().metrics().at("value"), 4.25);

  // Another experiment, or none (results shared only within a study), runs them again.
  ASSERT_TRUE(core_->CreateStudy(ClientSpec("c", 2, 2, "resnet@v4")).ok());
  EXPECT_EQ(run_one("c"), 2u);
  ASSERT_TRUE(core_->CreateStudy(ClientSpec("d", 2, 2, "")).ok());
  EXPECT_EQ(run_one("d"), 2u);
  ASSERT_TRUE(core_->CreateStudy(ClientSpec("e", 2, 2, "")).ok());
  EXPECT_EQ(run_one("e"), 2u);
}

TEST_F(ClientTaskTest, AStudyNoWorkerCanRunWaitsForOne) {
  std::vector<std::string> warnings;
  ASSERT_TRUE(core_->RegisterWorker(testing::SyntheticWorker("plain")).ok());
  ASSERT_TRUE(core_->CreateStudy(CommandSpec("cmd", "/usr/bin/python3"), &warnings).ok());
  EXPECT_THAT(warnings, ::testing::Contains(HasSubstr("until then its trials wait")));
  EXPECT_TRUE(core_->Acquire("plain", 4)->empty());
  clock_.Advance(3 * kLeaseMs);
  ASSERT_TRUE(core_->ExpireLeases().ok());
  EXPECT_EQ(core_->GetStudy("cmd")->state(), v1::Study::ACTIVE);
  EXPECT_EQ(core_->GetStudy("cmd")->counts().failed(), 0);

  v1::WorkerInfo other_program = testing::SyntheticWorker("other");
  other_program.add_executors("command");
  other_program.add_allowed_commands("/usr/bin/perl");
  ASSERT_TRUE(core_->RegisterWorker(other_program).ok());
  EXPECT_TRUE(core_->Acquire("other", 4)->empty());

  v1::WorkerInfo able = testing::SyntheticWorker("able");
  able.add_executors("command");
  able.add_allowed_commands("/usr/bin/");
  ASSERT_TRUE(core_->RegisterWorker(able).ok());
  const std::vector<v1::Assignment> leased = core_->Acquire("able", 4).value();
  ASSERT_EQ(leased.size(), 2u);
  EXPECT_EQ(leased[0].study_name(), "cmd");
}

}  // namespace
}  // namespace hyperlab::coordinator
