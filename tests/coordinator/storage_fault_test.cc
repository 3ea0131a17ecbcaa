// Storage faults: while the disk refuses writes, every call that would change state answers UNAVAILABLE
// and changes nothing (in memory or on disk); when space returns, the coordinator carries on.
#include <unistd.h>

#include <filesystem>

#include "coordinator/coordinator.h"
#include "gtest/gtest.h"
#include "storage/rocksdb_journal.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/faulty_journal.h"

namespace hyperlab::coordinator {
namespace {

v1::StudySpec Spec(const std::string& name) {
  v1::StudySpec spec;
  spec.set_name(name);
  spec.mutable_objective()->set_metric("value");
  spec.mutable_objective()->set_goal(v1::Objective::MINIMIZE);
  for (const char* p : {"x1", "x2"}) {
    auto* param = spec.add_parameters();
    param->set_name(p);
    param->mutable_double_range()->set_max(1);
  }
  spec.mutable_algorithm()->mutable_random()->set_seed(1);
  spec.mutable_budget()->set_max_trials(2);
  spec.mutable_budget()->set_max_parallel(2);
  spec.mutable_task()->mutable_synthetic()->set_function("branin");
  return spec;
}

TEST(StorageFaultTest, FullDiskGivesUnavailableAndChangesNothing) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("storage_fault_test_" + std::to_string(getpid()))).string();
  std::filesystem::remove_all(dir);
  testing::FakeClock clock;
  {
    auto real = storage::RocksDbJournal::Open(dir);
    ASSERT_TRUE(real.ok());
    testing::FaultyJournal journal(real->get());
    auto core = Coordinator::Open(&journal, &clock, {.lease_timeout_ms = 10'000});
    ASSERT_TRUE(core.ok());
    ASSERT_TRUE((*core)->CreateStudy(Spec("s")).ok());
    v1::WorkerInfo worker;
    worker.set_id("w");
    worker.set_slots(2);
    worker.add_executors("synthetic");
    ASSERT_TRUE((*core)->RegisterWorker(worker).ok());
    auto leased = (*core)->Acquire("w", 1);
    ASSERT_TRUE(leased.ok());
    ASSERT_EQ(leased->size(), 1u);
    const v1::Trial trial = (*leased)[0].trial();

    journal.set_disk_full(true);
    v1::TrialCompletion done;
    done.mutable_lease()->set_study_id(trial.study_id());
    done.mutable_lease()->set_trial_id(trial.id());
    done.mutable_lease()->set_lease_id(trial.lease_id());
    done.set_state(v1::Trial::SUCCEEDED);
    (*done.mutable_metrics())["value"] = 1.5;
    EXPECT_EQ((*core)->Complete("w", {done}).status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ((*core)->Acquire("w", 1).status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ((*core)->CreateStudy(Spec("t")).status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ((*core)->CancelStudy("s").status().code(), absl::StatusCode::kUnavailable);
    EXPECT_GE(journal.refused_writes(), 4);
    // Nothing changed in memory: one running trial, no second study, still active.
    auto study = (*core)->GetStudy("s");
    EXPECT_EQ(study->state(), v1::Study::ACTIVE);
    EXPECT_EQ(study->counts().running(), 1);
    EXPECT_EQ(study->counts().total(), 1);
    EXPECT_EQ((*core)->ListStudies().size(), 1u);

    // Space returns: the worker's retry of the same completion is accepted.
    journal.set_disk_full(false);
    auto results = (*core)->Complete("w", {done});
    ASSERT_TRUE(results.ok());
    EXPECT_EQ((*results)[0].code(), 0) << (*results)[0].message();
    EXPECT_EQ((*core)->Acquire("w", 1)->size(), 1u);
  }
  // On disk: exactly what was acknowledged.
  auto journal = storage::RocksDbJournal::Open(dir);
  ASSERT_TRUE(journal.ok());
  auto core = Coordinator::Open(journal->get(), &clock);
  ASSERT_TRUE(core.ok());
  auto trials = (*core)->ListTrials("s", false);
  ASSERT_EQ(trials->size(), 2u);
  EXPECT_EQ((*trials)[0].trial().state(), v1::Trial::SUCCEEDED);
  EXPECT_EQ((*trials)[0].trial().metrics().at("value"), 1.5);
  EXPECT_EQ((*trials)[1].trial().state(), v1::Trial::RUNNING);
  EXPECT_EQ((*core)->ListStudies().size(), 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hyperlab::coordinator
