// A study lifecycle that tells the truth and is safe to iterate on (issue 17), on the core: a study whose
// trials all fail ends FAILED, the default max_failed stops a systematic error early, a study selecting on
// a test-set metric is warned about, a study no worker can run says why it waits, and `reuse:` decides
// what is shared.
#include <filesystem>
#include <functional>
#include <utility>

#include "absl/strings/match.h"
#include "coordinator/coordinator.h"
#include "common/spec/spec_validation.h"
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

v1::TrialCompletion FailedWith(const v1::Trial& trial, const std::string& reason) {
  v1::TrialCompletion c = testing::SucceededWith(trial, trial.lease_id(), 0);
  c.set_state(v1::Trial::FAILED);
  c.clear_metrics();
  c.set_reason(reason);
  return c;
}

v1::StudySpec CommandSpec(const std::string& name, int trials) {
  v1::StudySpec spec = testing::BraninSpec(name, trials, trials);
  spec.mutable_task()->mutable_command()->add_argv("/usr/bin/python3");
  spec.mutable_task()->mutable_command()->add_argv("train.py");
  return spec;
}

v1::WorkerInfo CommandWorker(const std::string& id) {
  v1::WorkerInfo info = testing::SyntheticWorker(id, 16);
  info.add_executors("command");
  info.add_allowed_commands("/usr/bin/");
  return info;
}

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = hyperlab::testing::FreshTestDir("lifecycle_test");
    journal_ = std::move(storage::RocksDbJournal::Open(dir_ + "/journal").value());
    core_ = std::move(Coordinator::Open(journal_.get(), &clock_).value());
    ASSERT_TRUE(core_->RegisterWorker(CommandWorker("w")).ok());
  }
  void TearDown() override {
    core_.reset();
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Leases everything there is and completes each trial with `complete(trial)`; returns the count.
  int RunAll(const std::function<v1::TrialCompletion(const v1::Trial&)>& complete) {
    int ran = 0;
    while (true) {
      std::vector<v1::Assignment> leased = core_->Acquire("w", 16).value();
      if (leased.empty()) return ran;
      std::vector<v1::TrialCompletion> done;
      for (const v1::Assignment& a : leased) done.push_back(complete(a.trial()));
      for (const v1::ItemStatus& s : core_->Complete("w", done).value())
        EXPECT_EQ(s.code(), 0) << s.message();
      ran += static_cast<int>(leased.size());
    }
  }
  std::string dir_;
  testing::FakeClock clock_;
  std::unique_ptr<storage::RocksDbJournal> journal_;
  std::unique_ptr<Coordinator> core_;
};

TEST_F(LifecycleTest, AStudyWhoseTrialsAllFailedEndsFailed) {
  v1::StudySpec spec = testing::BraninSpec("all-fail", 2, 2);
  spec.mutable_budget()->set_max_failed(5);  // Above the trials: only "none succeeded" can end it FAILED.
  ASSERT_TRUE(core_->CreateStudy(spec).ok());
  EXPECT_EQ(RunAll([](const v1::Trial& t) { return FailedWith(t, "data file missing"); }), 2);
  const v1::Study study = core_->GetStudy("all-fail").value();
  EXPECT_EQ(study.state(), v1::Study::FAILED);
  EXPECT_THAT(study.reason(), HasSubstr("2 trials failed and none succeeded; last: data file missing"));

  // One success is enough for COMPLETED.
  ASSERT_TRUE(core_->CreateStudy(testing::BraninSpec("one-ok", 2, 2)).ok());
  bool first = true;
  RunAll([&](const v1::Trial& t) {
    const bool ok = std::exchange(first, false);
    return ok ? testing::SucceededWith(t, t.lease_id(), 1) : FailedWith(t, "flaky");
  });
  EXPECT_EQ(core_->GetStudy("one-ok")->state(), v1::Study::COMPLETED);
}

TEST_F(LifecycleTest, TheDefaultMaxFailedStopsASystematicErrorEarly) {
  EXPECT_EQ(DefaultMaxFailed(1), 1);
  EXPECT_EQ(DefaultMaxFailed(12), 3);
  EXPECT_EQ(DefaultMaxFailed(100), 10);
  EXPECT_EQ(DefaultMaxFailed(1000), 100);
  v1::StudySpec spec = testing::BraninSpec("systematic", 40, 1);
  ASSERT_TRUE(core_->CreateStudy(spec).ok());
  EXPECT_EQ(core_->GetStudy("systematic")->spec().budget().max_failed(), 4);
  EXPECT_EQ(RunAll([](const v1::Trial& t) { return FailedWith(t, "objective not printed"); }), 5);
  const v1::Study study = core_->GetStudy("systematic").value();
  EXPECT_EQ(study.state(), v1::Study::FAILED);
  EXPECT_THAT(study.reason(), HasSubstr("5 trials failed, more than budget.max_failed (4)"));
  EXPECT_EQ(study.counts().failed(), 5);
}

TEST_F(LifecycleTest, SelectingOnATestMetricIsWarnedAbout) {
  EXPECT_THAT(TestSetObjective("test_accuracy"), HasSubstr("leaks the test set"));
  EXPECT_THAT(TestSetObjective("accuracy.test"), HasSubstr("dev (validation)"));
  EXPECT_EQ(TestSetObjective("dev_accuracy"), "");
  EXPECT_EQ(TestSetObjective("latest_loss"), "");  // "test" inside a word is not the test set.
  v1::StudySpec spec = CommandSpec("leaky", 1);
  spec.mutable_objective()->set_metric("test_accuracy");
  std::vector<std::string> warnings;
  ASSERT_TRUE(core_->CreateStudy(spec, &warnings).ok());
  EXPECT_THAT(warnings,
              ::testing::Contains(HasSubstr("objective.metric 'test_accuracy' is a test-set metric")));
}

TEST_F(LifecycleTest, SyntheticAndTrainMetricsAreCheckedAgainstWhatTheTaskReports) {
  v1::StudySpec spec = testing::BraninSpec("wrong-metric", 2, 1);
  spec.mutable_objective()->set_metric("loss");
  auto created = core_->CreateStudy(spec);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(created.status().message()), HasSubstr("objective.metric"));
  spec = testing::BraninSpec("wrong-stopping", 2, 1);
  spec.mutable_early_stopping()->mutable_median();
  spec.mutable_early_stopping()->set_metric("dev_loss");
  created = core_->CreateStudy(spec);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(created.status().message()), HasSubstr("early_stopping.metric"));
}

TEST_F(LifecycleTest, ACommandStudysStoppingMetricThatNoMeasurementCarriesIsWarnedAbout) {
  v1::StudySpec spec = CommandSpec("stopping-typo", 4);
  spec.mutable_early_stopping()->mutable_median();
  spec.mutable_early_stopping()->set_metric("dev_acuracy");  // The program reports dev_accuracy.
  ASSERT_TRUE(core_->CreateStudy(spec).ok());  // A command's metrics are known only once it reports.
  EXPECT_EQ(core_->GetStudy("stopping-typo")->warnings_size(), 0) << "nothing reported yet";

  const std::vector<v1::Assignment> leased = core_->Acquire("w", 2).value();
  ASSERT_EQ(leased.size(), 2u);
  v1::TrialReport report;
  *report.mutable_lease() =
      testing::SucceededWith(leased[0].trial(), leased[0].trial().lease_id(), 0).lease();
  for (int step = 1; step <= 2; ++step) {
    v1::Measurement* m = report.add_measurements();
    m->set_step(step);
    (*m->mutable_metrics())["dev_accuracy"] = 0.5;
    (*m->mutable_metrics())["loss"] = 1.0;
  }
  ASSERT_EQ(core_->Report("w", {report}).value().at(0).status().code(), 0);
  const v1::Study warned = core_->GetStudy("stopping-typo").value();
  ASSERT_EQ(warned.warnings_size(), 1);
  EXPECT_THAT(warned.warnings(0), HasSubstr("early_stopping.metric 'dev_acuracy' is in none of the 2"));
  EXPECT_THAT(warned.warnings(0), HasSubstr("dev_accuracy, loss"));

  // Once a measurement carries it, the warning is gone.
  *report.mutable_lease() =
      testing::SucceededWith(leased[1].trial(), leased[1].trial().lease_id(), 0).lease();
  report.clear_measurements();
  v1::Measurement* m = report.add_measurements();
  m->set_step(1);
  (*m->mutable_metrics())["dev_acuracy"] = 0.5;
  ASSERT_EQ(core_->Report("w", {report}).value().at(0).status().code(), 0);
  EXPECT_EQ(core_->GetStudy("stopping-typo")->warnings_size(), 0);
}

TEST_F(LifecycleTest, AStudyNoWorkerCanRunSaysWhyItWaits) {
  v1::StudySpec spec = CommandSpec("perl", 2);
  spec.mutable_task()->mutable_command()->set_argv(0, "/opt/perl/bin/perl");
  ASSERT_TRUE(core_->CreateStudy(spec).ok());
  EXPECT_TRUE(core_->Acquire("w", 4)->empty());
  const v1::Study waiting = core_->GetStudy("perl").value();
  EXPECT_EQ(waiting.state(), v1::Study::ACTIVE);
  EXPECT_THAT(waiting.waiting(), HasSubstr("may run the command '/opt/perl/bin/perl'"));
  EXPECT_THAT(waiting.waiting(), HasSubstr("--allow-command"));
  EXPECT_THAT(core_->ListStudies()[0].waiting(), HasSubstr("/opt/perl/bin/perl"));

  v1::WorkerInfo perl = CommandWorker("perl-worker");
  perl.set_allowed_commands(0, "/opt/perl/bin/");
  ASSERT_TRUE(core_->RegisterWorker(perl).ok());
  EXPECT_EQ(core_->GetStudy("perl")->waiting(), "");
  EXPECT_EQ(core_->Acquire("perl-worker", 4)->size(), 2u);
}

TEST_F(LifecycleTest, ReuseDecidesWhatIsShared) {
  auto succeed = [](const v1::Trial& t) { return testing::SucceededWith(t, t.lease_id(), 2.5); };
  ASSERT_TRUE(core_->CreateStudy(testing::BraninSpec("first", 3, 3)).ok());
  EXPECT_EQ(RunAll(succeed), 3);
  // The same points (same seed) in a default study: all reused.
  ASSERT_TRUE(core_->CreateStudy(testing::BraninSpec("any", 3, 3)).ok());
  EXPECT_EQ(RunAll(succeed), 0);
  EXPECT_EQ(core_->GetStudy("any")->counts().reused(), 3);
  for (const auto reuse : {v1::STUDY, v1::NEVER}) {
    v1::StudySpec spec = testing::BraninSpec(v1::Reuse_Name(reuse), 3, 3);
    spec.set_reuse(reuse);
    ASSERT_TRUE(core_->CreateStudy(spec).ok());
    EXPECT_EQ(RunAll(succeed), 3) << v1::Reuse_Name(reuse);
  }
  v1::StudySpec unknown = testing::BraninSpec("unknown-reuse", 3, 3);
  unknown.set_reuse(static_cast<v1::Reuse>(7));
  auto refused = core_->CreateStudy(unknown);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("reuse: unknown value 7"));
  // A `study` or `never` study offers nothing to others either: a new default study reuses `first`.
  ASSERT_TRUE(core_->CreateStudy(testing::BraninSpec("after", 3, 3)).ok());
  EXPECT_EQ(RunAll(succeed), 0);
  auto after = core_->ListTrials("after", false).value();
  for (const auto& t : after) EXPECT_EQ(t.trial().reused_from().study_name(), "first");
}

}  // namespace
}  // namespace hyperlab::coordinator
