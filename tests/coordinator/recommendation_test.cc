// A study's recommended result (Study.recommended_trial_id): computed in the background for a bayesian
// study whose objective is declared noisy, a succeeded trial that is not the luckiest draw, the same after
// a restart, and never set for a study without the declaration.
#include <chrono>
#include <filesystem>
#include <numbers>
#include <thread>

#include "coordinator/coordinator.h"
#include "gtest/gtest.h"
#include "storage/rocksdb_journal.h"
#include "tests/testing/branin_spec.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/test_dir.h"
#include "tests/testing/trial_messages.h"

namespace hyperlab::coordinator {
namespace {

constexpr int kTrials = 40;
constexpr int kLucky = 20;  // This trial's draw is 8 noise sds below its true value.

v1::StudySpec NoisyBranin(const std::string& name, bool noisy) {
  v1::StudySpec spec = testing::BraninSpec(name, kTrials, 1);
  spec.mutable_task()->mutable_client();
  spec.mutable_algorithm()->mutable_bayesian()->set_seed(3);
  spec.mutable_objective()->set_noisy(noisy);
  return spec;
}

// Branin with a fixed pseudo-random noise of sd 1 (Box-Muller on the trial id).
double Observe(const v1::Trial& trial) {
  const double x1 = trial.parameters(0).value().double_value();
  const double x2 = trial.parameters(1).value().double_value();
  const double u1 = (std::sin(trial.id() * 12.9898) + 1.0001) / 2.0002;
  const double u2 = (std::sin(trial.id() * 78.233) + 1) / 2;
  const double noise = std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  return testing::Branin(x1, x2) + (trial.id() == kLucky ? -8.0 : noise);
}

class RecommendationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = hyperlab::testing::FreshTestDir("recommendation_test");
    journal_ = std::move(storage::RocksDbJournal::Open(dir_ + "/journal").value());
  }
  void Open() { core_ = std::move(Coordinator::Open(journal_.get(), &clock_, {}).value()); }
  void TearDown() override {
    core_.reset();
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Runs the study to its end as a client would.
  void Run(const std::string& name) {
    for (int t = 0; t < kTrials; ++t) {
      absl::StatusOr<Coordinator::Asked> asked = core_->Ask("c", name, 1);
      ASSERT_TRUE(asked.ok()) << asked.status();
      ASSERT_EQ(asked->assignments.size(), 1u);
      const v1::Trial& trial = asked->assignments.at(0).trial();
      ASSERT_TRUE(
          core_->Complete("c", {testing::SucceededWith(trial, trial.lease_id(), Observe(trial))}).ok());
    }
  }
  // The study once its recommendation has seen every ended trial (it is computed in the background).
  v1::Study Settled(const std::string& name) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    v1::Study study = core_->GetStudy(name).value();
    while (study.recommended_seen() != study.counts().total() &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      study = core_->GetStudy(name).value();
    }
    return study;
  }

  std::string dir_;
  testing::FakeClock clock_;
  std::unique_ptr<storage::RocksDbJournal> journal_;
  std::unique_ptr<Coordinator> core_;
};

TEST_F(RecommendationTest,
       ANoisyStudyRecommendsASucceededTrialThatIsNotTheLuckiestDrawAndKeepsItOverARestart) {
  Open();
  ASSERT_TRUE(core_->CreateStudy(NoisyBranin("noisy", true)).ok());
  Run("noisy");
  const v1::Study study = Settled("noisy");
  EXPECT_EQ(study.state(), v1::Study::COMPLETED);
  ASSERT_EQ(study.recommended_seen(), kTrials);
  EXPECT_EQ(study.best_trial_id(), kLucky);
  ASSERT_TRUE(study.has_recommended_trial_id());
  EXPECT_NE(study.recommended_trial_id(), kLucky);
  const v1::Trial recommended = journal_->LoadTrials(study.id()).value().at(study.recommended_trial_id());
  EXPECT_EQ(recommended.state(), v1::Trial::SUCCEEDED);
  EXPECT_EQ(study.recommended_value(), recommended.metrics().at("value"));
  // Closer to the minimum (0.397887) than the lucky draw's point.
  const v1::Trial lucky = journal_->LoadTrials(study.id()).value().at(kLucky);
  auto truth = [](const v1::Trial& t) {
    return testing::Branin(t.parameters(0).value().double_value(), t.parameters(1).value().double_value());
  };
  EXPECT_LT(truth(recommended), truth(lucky));

  // Not journaled: a restarted coordinator computes the same one again.
  core_.reset();
  Open();
  const v1::Study again = Settled("noisy");
  EXPECT_EQ(again.recommended_seen(), kTrials);
  EXPECT_EQ(again.recommended_trial_id(), study.recommended_trial_id());
}

TEST_F(RecommendationTest, WithoutTheDeclarationTheBestTrialIsTheResult) {
  Open();
  ASSERT_TRUE(core_->CreateStudy(NoisyBranin("plain", false)).ok());
  Run("plain");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const v1::Study study = core_->GetStudy("plain").value();
  EXPECT_EQ(study.best_trial_id(), kLucky);
  EXPECT_FALSE(study.has_recommended_trial_id());
  EXPECT_EQ(study.recommended_seen(), 0);
}

}  // namespace
}  // namespace hyperlab::coordinator
