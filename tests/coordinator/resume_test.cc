// Resume is exact: the sequence of suggestions with a coordinator restart in the middle is identical to the
// sequence without one, for every strategy (the strategies are pure, and their state is journaled).
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "coordinator/coordinator.h"
#include "gtest/gtest.h"
#include "tests/testing/branin_spec.h"
#include "tests/testing/restartable_coordinator.h"

namespace hyperlab::coordinator {
namespace {

v1::StudySpec Spec(const std::string& algorithm) {
  v1::StudySpec spec = testing::BraninSpec("resume-" + algorithm, 24, 2);
  auto* units = spec.add_parameters();
  units->set_name("units");
  units->mutable_integer()->set_min(8);
  units->mutable_integer()->set_max(512);
  units->mutable_integer()->set_scale(v1::LOG);
  spec.clear_algorithm();
  if (algorithm == "grid") spec.mutable_algorithm()->mutable_grid()->set_points_per_double(4);
  if (algorithm == "random") spec.mutable_algorithm()->mutable_random()->set_seed(3);
  if (algorithm == "bayesian") spec.mutable_algorithm()->mutable_bayesian()->set_seed(3);
  if (algorithm == "quasi_random") spec.mutable_algorithm()->mutable_quasi_random()->set_seed(3);
  if (algorithm == "cmaes") spec.mutable_algorithm()->mutable_cmaes()->set_seed(3);
  return spec;
}

// Two configurations a user enqueues (Coordinator::EnqueueTrial), as text.
void EnqueueTwo(Coordinator& core, const std::string& study) {
  for (const auto& [x1, x2, units] : {std::tuple{"2.5", "3.5", "64"}, std::tuple{"-1", "7", "8"}}) {
    google::protobuf::RepeatedPtrField<v1::Parameter> params;
    for (const auto& [name, value] : {std::pair{"x1", x1}, std::pair{"x2", x2}, std::pair{"units", units}}) {
      v1::Parameter* p = params.Add();
      p->set_name(name);
      p->mutable_value()->set_string_value(value);
    }
    auto enqueued = core.EnqueueTrial(study, params, "");
    EXPECT_TRUE(enqueued.ok()) << enqueued.status();
  }
}

// Runs the study to its end, two trials at a time, enqueueing two trials after `enqueue_after` completed
// trials and restarting the coordinator after `restart_after` (both never when negative; the restart
// after the enqueueing when equal, so they are pending at the restart); returns every trial's parameters
// in creation order, "E:" before an enqueued trial's.
std::vector<std::string> RunStudy(const std::string& algorithm, int restart_after, int enqueue_after = -1) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("resume_test_" + std::to_string(getpid()) + "_" + algorithm + "_" +
                            std::to_string(restart_after) + "_" + std::to_string(enqueue_after)))
                              .string();
  testing::RestartableCoordinator core(dir, /*worker_slots=*/2);
  EXPECT_TRUE(core->CreateStudy(Spec(algorithm)).ok());
  int completed = 0;
  while (true) {
    auto leased = core->Acquire("w", 2);
    EXPECT_TRUE(leased.ok()) << leased.status();
    if (!leased.ok() || leased->empty()) break;
    std::vector<v1::TrialCompletion> done;
    for (const auto& a : *leased) {
      const auto& p = a.trial().parameters();
      v1::TrialCompletion c;
      c.mutable_lease()->set_study_id(a.trial().study_id());
      c.mutable_lease()->set_trial_id(a.trial().id());
      c.mutable_lease()->set_lease_id(a.trial().lease_id());
      c.set_state(v1::Trial::SUCCEEDED);
      const double x1 = p[0].value().double_value(), x2 = p[1].value().double_value();
      (*c.mutable_metrics())["value"] =
          (x1 - 2) * (x1 - 2) + (x2 - 3) * (x2 - 3) / 10 + p[2].value().int_value() / 1e3;
      done.push_back(c);
    }
    EXPECT_TRUE(core->Complete("w", done).ok());
    completed += static_cast<int>(done.size());
    if (completed == enqueue_after) EnqueueTwo(*core, Spec(algorithm).name());
    if (completed == restart_after) core.Reopen();
  }
  std::vector<std::string> out;
  const std::vector<v1::TrialWithMeasurements> trials =
      core->ListTrials(Spec(algorithm).name(), false).value();
  for (const auto& t : trials) {
    out.push_back((t.trial().enqueued() ? "E:" : "") + t.trial().parameters(0).ShortDebugString() +
                  t.trial().parameters(1).ShortDebugString() + t.trial().parameters(2).ShortDebugString());
  }
  return out;
}

class ResumeTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ResumeTest, SuggestionsAreIdenticalWithAndWithoutARestart) {
  const std::vector<std::string> straight = RunStudy(GetParam(), -1);
  const std::vector<std::string> restarted = RunStudy(GetParam(), 12);
  ASSERT_EQ(straight.size(), 24u);
  EXPECT_EQ(straight, restarted);
  // Every strategy proposes 24 distinct configurations here (the space is continuous but for `units`).
  EXPECT_EQ(std::set<std::string>(straight.begin(), straight.end()).size(), 24u);
}

// Enqueued trials pending at a restart are handed out the same (first, in order), and the suggestions
// after them are the same as without the restart: for grid and random the very points of a study without
// enqueued trials (quasi-random too); the bayesian and CMA-ES strategies learn from them, so their later
// points change.
TEST_P(ResumeTest, EnqueuedTrialsPendingAtARestartResumeExactly) {
  const std::vector<std::string> plain = RunStudy(GetParam(), -1);
  const std::vector<std::string> straight = RunStudy(GetParam(), -1, 12);
  const std::vector<std::string> restarted = RunStudy(GetParam(), 12, 12);
  ASSERT_EQ(straight.size(), 24u);
  EXPECT_EQ(straight, restarted);
  std::vector<std::string> suggested;
  for (size_t i = 0; i < straight.size(); ++i) {
    const bool enqueued = straight[i].rfind("E:", 0) == 0;
    EXPECT_EQ(enqueued, i == 12 || i == 13) << i;
    if (!enqueued) suggested.push_back(straight[i]);
  }
  EXPECT_NE(straight[12].find("double_value: 2.5"), std::string::npos) << straight[12];
  EXPECT_NE(straight[13].find("double_value: -1"), std::string::npos) << straight[13];
  ASSERT_EQ(plain.size(), 24u);
  const std::vector<std::string> plain_first(plain.begin(), plain.begin() + 22);
  if (GetParam() == "bayesian" || GetParam() == "cmaes") {
    EXPECT_EQ(std::vector<std::string>(suggested.begin(), suggested.begin() + 12),
              std::vector<std::string>(plain.begin(), plain.begin() + 12));
    EXPECT_NE(suggested, plain_first);
  } else {
    EXPECT_EQ(suggested, plain_first);
  }
}

INSTANTIATE_TEST_SUITE_P(Strategies, ResumeTest,
                         ::testing::Values("grid", "random", "bayesian", "quasi_random", "cmaes"));

}  // namespace
}  // namespace hyperlab::coordinator
