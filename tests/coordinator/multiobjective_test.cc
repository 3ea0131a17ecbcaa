// Several objectives and outcome constraints in the coordinator: the Pareto front and the best trial count
// feasible trials only, `feasible` is derived from the metrics, and a bayesian study with several
// objectives and a constraint resumes exactly (the same suggestions with a restart in the middle).
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "coordinator/coordinator.h"
#include "coordinator/pareto_front.h"
#include "coordinator/spec_convert.h"
#include "coordinator/study_state.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/rocksdb_journal.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/restartable_coordinator.h"
#include "tests/testing/test_dir.h"

namespace hyperlab::coordinator {
namespace {

using ::testing::ElementsAre;

// Two objectives (maximise acc, minimise latency), one constraint (size <= 1), a client task.
v1::StudySpec MultiSpec(const std::string& name, const std::string& algorithm, int trials) {
  v1::StudySpec spec;
  spec.set_name(name);
  auto* acc = spec.add_objectives();
  acc->set_metric("acc");
  acc->set_goal(v1::Objective::MAXIMIZE);
  auto* latency = spec.add_objectives();
  latency->set_metric("latency");
  latency->set_goal(v1::Objective::MINIMIZE);
  auto* size = spec.add_constraints();
  size->set_metric("size");
  size->set_max(1);
  for (const char* p : {"x", "y"}) {
    auto* param = spec.add_parameters();
    param->set_name(p);
    param->mutable_double_range()->set_min(0);
    param->mutable_double_range()->set_max(1);
  }
  if (algorithm == "bayesian") spec.mutable_algorithm()->mutable_bayesian()->set_seed(5);
  if (algorithm == "random") spec.mutable_algorithm()->mutable_random()->set_seed(5);
  spec.mutable_budget()->set_max_trials(trials);
  spec.mutable_budget()->set_max_parallel(2);
  spec.mutable_task()->mutable_client();
  return spec;
}

v1::TrialCompletion Done(const v1::Trial& t, std::map<std::string, double> metrics) {
  v1::TrialCompletion c;
  c.mutable_lease()->set_study_id(t.study_id());
  c.mutable_lease()->set_trial_id(t.id());
  c.mutable_lease()->set_lease_id(t.lease_id());
  c.set_state(v1::Trial::SUCCEEDED);
  for (const auto& [k, v] : metrics) (*c.mutable_metrics())[k] = v;
  return c;
}

// A two-objective test problem on (x, y) in [0,1]^2: acc = x, latency = 1 - x^2 + y (front: y = 0),
// size = 2y (feasible for y <= 0.5).
std::map<std::string, double> Evaluate(const v1::Trial& t) {
  const double x = t.parameters(0).value().double_value(), y = t.parameters(1).value().double_value();
  return {{"acc", x}, {"latency", 1 - x * x + y}, {"size", 2 * y}};
}

class MultiObjectiveTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = hyperlab::testing::FreshTestDir("multiobjective_test"); }
  void TearDown() override {
    core_.reset();
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    core_.reset();
    journal_.reset();
    journal_ = std::move(storage::RocksDbJournal::Open(dir_ + "/journal").value());
    core_ = std::move(Coordinator::Open(journal_.get(), &clock_, {.acquire_wait_ms = 600'000}).value());
  }
  // Asks for one trial and completes it with `metrics`.
  v1::Trial RunOne(const std::string& study, std::map<std::string, double> metrics) {
    auto asked = core_->Ask("c", study, 1);
    EXPECT_TRUE(asked.ok()) << asked.status();
    const v1::Trial t = asked->assignments.at(0).trial();
    EXPECT_TRUE(core_->Ask("c", study, 0, "", "", "", {Done(t, std::move(metrics))}).ok());
    return t;
  }

  std::string dir_;
  testing::FakeClock clock_;
  std::unique_ptr<storage::RocksDbJournal> journal_;
  std::unique_ptr<Coordinator> core_;
};

TEST_F(MultiObjectiveTest, ParetoFrontAndBestCountFeasibleTrialsOnly) {
  Open();
  ASSERT_TRUE(core_->CreateStudy(MultiSpec("front", "random", 6)).ok());
  RunOne("front", {{"acc", 0.9}, {"latency", 5}, {"size", 0.5}});   // 0: on the front.
  RunOne("front", {{"acc", 0.5}, {"latency", 1}, {"size", 0.5}});   // 1: on the front.
  RunOne("front", {{"acc", 0.4}, {"latency", 2}, {"size", 0.5}});   // 2: dominated by 1.
  RunOne("front", {{"acc", 0.99}, {"latency", 0}, {"size", 1.5}});  // 3: infeasible (dominates all).
  RunOne("front", {{"acc", 0.95}, {"latency", 0}});                 // 4: size missing: infeasible.
  RunOne("front", {{"acc", 0.5}, {"latency", 1}, {"size", 1}});     // 5: a duplicate of 1, on the bound.
  auto front = core_->ParetoFront("front");
  ASSERT_TRUE(front.ok()) << front.status();
  std::vector<int64_t> ids;
  for (const v1::Trial& t : front->trials()) ids.push_back(t.id());
  EXPECT_THAT(ids, ElementsAre(0, 1, 5));
  ASSERT_EQ(front->objectives_size(), 2);
  EXPECT_EQ(front->objectives(1).metric(), "latency");
  const auto trials = core_->ListTrials("front", false).value();
  EXPECT_TRUE(trials[0].trial().feasible());
  EXPECT_FALSE(trials[3].trial().feasible());
  EXPECT_FALSE(trials[4].trial().feasible());
  // The best: by the primary objective (acc, maximised) among feasible trials.
  EXPECT_EQ(core_->BestTrial("front")->id(), 0);
  EXPECT_EQ(core_->GetStudy("front")->best_trial_id(), 0);
  // Feasibility is derived again after a restart.
  Open();
  EXPECT_FALSE(core_->ListTrials("front", false).value()[3].trial().feasible());
  EXPECT_EQ(core_->ParetoFront("front")->trials_size(), 3);
}

TEST_F(MultiObjectiveTest, SingleObjectiveWithAConstraintSkipsInfeasibleTrialsForBest) {
  Open();
  v1::StudySpec spec = MultiSpec("single", "random", 3);
  spec.clear_objectives();
  spec.mutable_objective()->set_metric("acc");
  spec.mutable_objective()->set_goal(v1::Objective::MAXIMIZE);
  ASSERT_TRUE(core_->CreateStudy(spec).ok());
  RunOne("single", {{"acc", 0.9}, {"size", 3}});
  EXPECT_EQ(core_->BestTrial("single").status().code(), absl::StatusCode::kNotFound);
  RunOne("single", {{"acc", 0.5}, {"size", 0}});
  RunOne("single", {{"acc", 0.5}, {"size", 1}});
  EXPECT_EQ(core_->BestTrial("single")->id(), 1);
  auto front = core_->ParetoFront("single");  // One objective: the best, ties kept.
  ASSERT_EQ(front->trials_size(), 2);
  EXPECT_EQ(front->trials(1).id(), 2);
}

TEST(ParetoFrontIdsTest, TrialsNotSucceededOrMissingAnObjectiveAreLeftOut) {
  v1::StudySpec spec = MultiSpec("ids", "random", 3);
  spec.clear_constraints();
  std::vector<v1::Trial> trials(3);
  for (int i = 0; i < 3; ++i) {
    trials[i].set_id(i);
    trials[i].set_state(v1::Trial::SUCCEEDED);
    (*trials[i].mutable_metrics())["acc"] = 1;
    (*trials[i].mutable_metrics())["latency"] = 1;
  }
  trials[0].set_state(v1::Trial::FAILED);
  trials[1].mutable_metrics()->erase("latency");
  EXPECT_THAT(ParetoFrontIds(spec, trials), ElementsAre(2));
  EXPECT_TRUE(ObjectiveVector(spec, trials[1]).empty());
  EXPECT_EQ(ObjectiveVector(spec, trials[2]), std::vector<double>({1, 1}));
}

// What the searcher is told of a trial in a constrained study (study_state.cc, spec_convert.cc): the
// constraint metrics of every succeeded trial in the order of the constraints (NaN when one is missing),
// an infeasible trial as kFailed with its objectives kept, and the bounds in the algorithm config.
TEST(MultiObjectiveSearcherViewTest, ConstraintValuesAndBoundsReachTheSearcher) {
  v1::Study study;
  *study.mutable_spec() = MultiSpec("view", "bayesian", 10);
  auto* accuracy_floor = study.mutable_spec()->add_constraints();
  accuracy_floor->set_metric("acc");
  accuracy_floor->set_min(0.5);
  StudyState state(study, nullptr, "");
  auto trial = [](int64_t id, std::map<std::string, double> metrics, v1::Trial::State s) {
    v1::Trial t;
    t.set_id(id);
    t.set_state(s);
    for (const char* p : {"x", "y"}) {
      v1::Parameter* param = t.add_parameters();
      param->set_name(p);
      param->mutable_value()->set_double_value(0.5);
    }
    for (const auto& [name, value] : metrics) (*t.mutable_metrics())[name] = value;
    return t;
  };
  state.Apply(trial(0, {{"acc", 0.9}, {"latency", 3}, {"size", 0.5}}, v1::Trial::SUCCEEDED));
  state.Apply(trial(1, {{"acc", 0.9}, {"latency", 2}, {"size", 2}}, v1::Trial::SUCCEEDED));
  state.Apply(trial(2, {{"acc", 0.4}, {"latency", 1}}, v1::Trial::SUCCEEDED));
  state.Apply(trial(3, {}, v1::Trial::FAILED));
  const std::vector<searcher::TrialView>& h = state.history();
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[0].outcome, searcher::TrialView::Outcome::kSucceeded);
  EXPECT_EQ(h[0].constraint_values, std::vector<double>({0.5, 0.9}));
  EXPECT_EQ(h[1].outcome, searcher::TrialView::Outcome::kFailed);  // size 2 > 1.
  EXPECT_EQ(h[1].constraint_values, std::vector<double>({2, 0.9}));
  EXPECT_EQ(h[1].objectives, std::vector<double>({0.9, 2}));       // A real observation, kept.
  EXPECT_EQ(h[2].outcome, searcher::TrialView::Outcome::kFailed);  // size missing; acc 0.4 < 0.5.
  ASSERT_EQ(h[2].constraint_values.size(), 2u);
  EXPECT_TRUE(std::isnan(h[2].constraint_values[0]));
  EXPECT_EQ(h[2].constraint_values[1], 0.4);
  EXPECT_TRUE(h[3].constraint_values.empty());
  const searcher::AlgorithmConfig config = ToAlgorithmConfig(study.spec());
  ASSERT_EQ(config.constraints.size(), 2u);
  EXPECT_EQ(config.constraints[0].max, 1);
  EXPECT_FALSE(config.constraints[0].min.has_value());
  EXPECT_EQ(config.constraints[1].min, 0.5);
  EXPECT_FALSE(config.constraints[1].max.has_value());
}

// Runs a bayesian two-objective study with a constraint to its end, restarting after `restart_after`
// completed trials (never when negative); returns the parameters of every trial in order.
std::vector<std::string> RunBayesian(const std::string& dir, int restart_after) {
  testing::RestartableCoordinator core(dir);
  EXPECT_TRUE(core->CreateStudy(MultiSpec("resume", "bayesian", 16)).ok());
  int completed = 0;
  while (true) {
    auto asked = core->Ask("c", "resume", 2);
    EXPECT_TRUE(asked.ok()) << asked.status();
    if (!asked.ok() || asked->assignments.empty()) break;
    std::vector<v1::TrialCompletion> done;
    for (const auto& a : asked->assignments) done.push_back(Done(a.trial(), Evaluate(a.trial())));
    EXPECT_TRUE(core->Ask("c", "resume", 0, "", "", "", done).ok());
    completed += static_cast<int>(done.size());
    if (completed == restart_after) core.Reopen();
  }
  std::vector<std::string> out;
  const std::vector<v1::TrialWithMeasurements> trials = core->ListTrials("resume", false).value();
  for (const auto& t : trials) {
    out.push_back(t.trial().parameters(0).ShortDebugString() + t.trial().parameters(1).ShortDebugString());
  }
  return out;
}

TEST(MultiObjectiveResumeTest, BayesianSuggestionsAreIdenticalWithAndWithoutARestart) {
  const std::string dir = hyperlab::testing::FreshTestDir("multiobjective_resume");
  std::filesystem::create_directories(dir);  // The journals go in subdirectories.
  const std::vector<std::string> straight = RunBayesian(dir + "/a", -1);
  const std::vector<std::string> restarted = RunBayesian(dir + "/b", 10);
  ASSERT_EQ(straight.size(), 16u);
  EXPECT_EQ(straight, restarted);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hyperlab::coordinator
