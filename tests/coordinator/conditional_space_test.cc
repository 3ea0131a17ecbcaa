// Conditional parameters through the coordinator (common/spec/parameter_tree.h,
// searcher/active_parameters.h): for every strategy, each trial carries exactly the parameters that exist
// for its values, within their domains; a grid runs exactly the configurations of the tree, each once;
// resume after a restart is exact; a parameter that does not exist never reaches a trial or its
// fingerprint; enqueued configurations are checked against the tree.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/spec/spec_validation.h"
#include "coordinator/chosen_parameters.h"
#include "coordinator/coordinator.h"
#include "coordinator/fingerprint.h"
#include "coordinator/spec_convert.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/branin_spec.h"
#include "tests/testing/restartable_coordinator.h"

namespace hyperlab::coordinator {
namespace {

// model: linear | tree -> depth | net -> layers (1..3) -> {2: width2, 3: width2 and width3}; width2 is one
// parameter under both values.
constexpr char kTree[] = R"pb(
  name: "model"
  categorical { values: [ "linear", "tree", "net" ] }
  children {
    key: "tree"
    value {
      parameters {
        name: "depth"
        integer { min: 1 max: 8 }
      }
    }
  }
  children {
    key: "net"
    value {
      parameters {
        name: "layers"
        integer { min: 1 max: 3 }
        children {
          key: "2"
          value {
            parameters {
              name: "width2"
              discrete { values: [ 16, 64 ] }
            }
          }
        }
        children {
          key: "3"
          value {
            parameters {
              name: "width2"
              discrete { values: [ 16, 64 ] }
            }
            parameters {
              name: "width3"
              double_range { min: 0 max: 1 }
            }
          }
        }
      }
    }
  }
)pb";

v1::StudySpec Spec(const std::string& algorithm, int max_trials) {
  v1::StudySpec spec = testing::BraninSpec("conditional-" + algorithm, max_trials, 2);
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kTree, spec.add_parameters()));
  spec.clear_algorithm();
  if (algorithm == "grid") spec.mutable_algorithm()->mutable_grid()->set_points_per_double(3);
  if (algorithm == "random") spec.mutable_algorithm()->mutable_random()->set_seed(5);
  if (algorithm == "bayesian") spec.mutable_algorithm()->mutable_bayesian()->set_seed(5);
  if (algorithm == "quasi_random") spec.mutable_algorithm()->mutable_quasi_random()->set_seed(5);
  if (algorithm == "cmaes") spec.mutable_algorithm()->mutable_cmaes()->set_seed(5);
  return spec;
}

// The names a trial must carry for its values, by the rules of kTree.
std::set<std::string> ExpectedNames(const std::map<std::string, v1::ParameterValue>& values) {
  std::set<std::string> names = {"x1", "x2", "model"};
  const std::string model = values.count("model") ? values.at("model").string_value() : "";
  if (model == "tree") names.insert("depth");
  if (model == "net") {
    names.insert("layers");
    const int64_t layers = values.count("layers") ? values.at("layers").int_value() : 0;
    if (layers >= 2) names.insert("width2");
    if (layers == 3) names.insert("width3");
  }
  return names;
}

// Checks one trial's parameters against the tree; returns them as one line.
std::string CheckTrial(const v1::Trial& trial) {
  std::map<std::string, v1::ParameterValue> values;
  std::set<std::string> names;
  std::string line;
  for (const v1::Parameter& p : trial.parameters()) {
    EXPECT_TRUE(names.insert(p.name()).second) << "twice: " << p.name();
    values[p.name()] = p.value();
    line += p.ShortDebugString() + " ";
  }
  EXPECT_EQ(names, ExpectedNames(values)) << line;
  if (values.count("depth")) {
    EXPECT_GE(values["depth"].int_value(), 1);
    EXPECT_LE(values["depth"].int_value(), 8);
  }
  if (values.count("width2")) {
    EXPECT_TRUE(values["width2"].double_value() == 16 || values["width2"].double_value() == 64) << line;
  }
  if (values.count("width3")) {
    EXPECT_GE(values["width3"].double_value(), 0);
    EXPECT_LE(values["width3"].double_value(), 1);
  }
  return line;
}

// An objective that depends on every parameter that exists, so the model-based strategies have a
// landscape to learn.
double Objective(const v1::Trial& trial) {
  double value = 0;
  for (const v1::Parameter& p : trial.parameters()) {
    if (p.name() == "x1") value += (p.value().double_value() - 2) * (p.value().double_value() - 2);
    if (p.name() == "x2") value += (p.value().double_value() - 3) * (p.value().double_value() - 3) / 10;
    if (p.name() == "model") value += p.value().string_value() == "net" ? 0 : 1;
    if (p.name() == "depth") value += p.value().int_value() / 8.0;
    if (p.name() == "layers") value += std::abs(p.value().int_value() - 2);
    if (p.name() == "width2") value += p.value().double_value() == 64 ? 0 : 0.5;
    if (p.name() == "width3") value += p.value().double_value();
  }
  return value;
}

// Runs the study to its end, two trials at a time, restarting the coordinator after `restart_after`
// completed trials (never when negative); returns each trial's parameters as a line, in creation order.
std::vector<std::string> RunStudy(const std::string& algorithm, int max_trials, int restart_after) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("conditional_test_" + std::to_string(getpid()) + "_" +
                                                 algorithm + "_" + std::to_string(restart_after)))
          .string();
  testing::RestartableCoordinator core(dir, /*worker_slots=*/2);
  const v1::StudySpec spec = Spec(algorithm, max_trials);
  auto created = core->CreateStudy(spec);
  EXPECT_TRUE(created.ok()) << created.status();
  int completed = 0;
  while (true) {
    auto leased = core->Acquire("w", 2);
    EXPECT_TRUE(leased.ok()) << leased.status();
    if (!leased.ok() || leased->empty()) break;
    std::vector<v1::TrialCompletion> done;
    for (const auto& a : *leased) {
      v1::TrialCompletion c;
      c.mutable_lease()->set_study_id(a.trial().study_id());
      c.mutable_lease()->set_trial_id(a.trial().id());
      c.mutable_lease()->set_lease_id(a.trial().lease_id());
      c.set_state(v1::Trial::SUCCEEDED);
      (*c.mutable_metrics())["value"] = Objective(a.trial());
      done.push_back(c);
    }
    EXPECT_TRUE(core->Complete("w", done).ok());
    completed += static_cast<int>(done.size());
    if (completed == restart_after) core.Reopen();
  }
  std::vector<std::string> out;
  const std::vector<v1::TrialWithMeasurements> trials = core->ListTrials(spec.name(), false).value();
  for (const auto& t : trials) out.push_back(CheckTrial(t.trial()));
  return out;
}

class ConditionalSpaceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ConditionalSpaceTest, TrialsCarryExactlyTheActiveParametersAndResumeExactly) {
  const std::vector<std::string> straight = RunStudy(GetParam(), 30, -1);
  const std::vector<std::string> restarted = RunStudy(GetParam(), 30, 14);
  ASSERT_EQ(straight.size(), 30u);
  EXPECT_EQ(straight, restarted);
  // The strategies explore the tree: each branch of `model` occurs.
  for (const char* model : {"\"linear\"", "\"tree\"", "\"net\""}) {
    EXPECT_TRUE(std::any_of(straight.begin(), straight.end(), [&](const std::string& line) {
      return line.find(model) != std::string::npos;
    })) << model;
  }
}

INSTANTIATE_TEST_SUITE_P(Strategies, ConditionalSpaceTest,
                         ::testing::Values("grid", "random", "bayesian", "quasi_random", "cmaes"),
                         [](const auto& info) { return info.param; });

// With 3 points per double, the grid is x1 (3) x x2 (3) x model, where model stands for
// linear (1) + tree (depth: 1, 5, 8) + net (layers 1 (1) + 2 (width2: 2) + 3 (width2 2 x width3 3 = 6)) =
// 1 + 3 + 9 = 13 configurations: 117 in all, each once.
TEST(ConditionalGridTest, RunsExactlyTheConfigurationsOfTheTreeEachOnce) {
  const std::vector<std::string> trials = RunStudy("grid", 1000, -1);
  EXPECT_EQ(trials.size(), 117u);
  EXPECT_EQ(std::set<std::string>(trials.begin(), trials.end()).size(), trials.size());
  std::set<std::string> expected;
  for (const char* x1 : {"-5", "2.5", "10"}) {
    for (const char* x2 : {"0", "7.5", "15"}) {
      std::vector<std::string> models = {"linear"};
      for (const char* d : {"1", "5", "8"}) models.push_back(std::string("tree depth=") + d);
      models.push_back("net layers=1");
      for (const char* w2 : {"16", "64"}) models.push_back(std::string("net layers=2 width2=") + w2);
      for (const char* w2 : {"16", "64"}) {
        for (const char* w3 : {"0", "0.5", "1"}) {
          models.push_back(std::string("net layers=3 width2=") + w2 + " width3=" + w3);
        }
      }
      for (const std::string& m : models) expected.insert(std::string(x1) + " " + x2 + " " + m);
    }
  }
  ASSERT_EQ(expected.size(), 117u);
  // The trials in the same notation.
  std::set<std::string> got;
  for (const std::string& line : trials) {
    v1::Trial trial;
    std::map<std::string, std::string> v;
    size_t at = 0;
    while ((at = line.find("name: \"", at)) != std::string::npos) {
      const size_t name_end = line.find('"', at + 7);
      const std::string name = line.substr(at + 7, name_end - at - 7);
      const size_t colon = line.find(": ", line.find("value {", name_end) + 7);
      const size_t end = line.find(" }", colon);
      std::string value = line.substr(colon + 2, end - colon - 2);
      if (!value.empty() && value.front() == '"') value = value.substr(1, value.size() - 2);
      v[name] = value;
      at = end;
    }
    std::string text = v["x1"] + " " + v["x2"] + " " + v["model"];
    for (const char* child : {"depth", "layers", "width2", "width3"}) {
      if (v.count(child)) text += std::string(" ") + child + "=" + v[child];
    }
    got.insert(text);
  }
  EXPECT_EQ(got, expected);
}

v1::Parameter Param(const std::string& name, const std::string& text) {
  v1::Parameter p;
  p.set_name(name);
  p.mutable_value()->set_string_value(text);
  return p;
}

TEST(ConditionalParametersTest, AnEnqueuedConfigurationNeedsExactlyTheParametersThatExist) {
  const v1::StudySpec spec = Spec("random", 10);
  ASSERT_TRUE(ValidateStudySpec(spec).ok()) << ValidateStudySpec(spec);
  google::protobuf::RepeatedPtrField<v1::Parameter> given;
  for (const auto& p : {Param("x1", "1"), Param("x2", "2"), Param("model", "net"), Param("layers", "2"),
                        Param("width2", "64")}) {
    *given.Add() = p;
  }
  auto chosen = ChosenParameters(spec, given);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  ASSERT_EQ(chosen->size(), 5u);
  EXPECT_EQ((*chosen)[4].name(), "width2");
  EXPECT_EQ((*chosen)[4].value().double_value(), 64);

  // width3 does not exist with layers = 2.
  *given.Add() = Param("width3", "0.1");
  auto extra = ChosenParameters(spec, given);
  ASSERT_EQ(extra.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      std::string(extra.status().message()),
      "parameters[5] (name 'width3'): does not exist with layers = 2; it exists only when layers is one "
      "of 3");

  // With layers = 3, width3 is required.
  given.RemoveLast();
  given.Mutable(3)->mutable_value()->set_string_value("3");
  auto missing = ChosenParameters(spec, given);
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(missing.status().message()),
            "parameters: 'width3' is missing (every parameter of the study that exists for the given values "
            "needs a value)");
}

TEST(ConditionalParametersTest, ParametersThatDoNotExistNeverReachATrialOrItsFingerprint) {
  const v1::StudySpec spec = Spec("random", 10);
  const searcher::SearchSpace space = ToSearchSpace(spec);
  ASSERT_EQ(space.parameters.size(), 7u);  // x1 x2 model depth layers width2 width3
  EXPECT_EQ(space.parameters[3].name, "depth");
  EXPECT_EQ(space.parameters[3].parent, 2);
  EXPECT_EQ(space.parameters[5].name, "width2");
  EXPECT_EQ(space.parameters[5].active_when, (std::vector<searcher::Value>{int64_t{2}, int64_t{3}}));

  // Two assignments that differ only in depth and width3, which do not exist with model = net, layers = 2.
  searcher::Assignment a = {1.0, 2.0, std::string("net"), int64_t{3}, int64_t{2}, 64.0, 0.5};
  searcher::Assignment b = {1.0, 2.0, std::string("net"), int64_t{7}, int64_t{2}, 64.0, 0.01};
  const std::vector<v1::Parameter> pa = ToParameters(space, a), pb = ToParameters(space, b);
  ASSERT_EQ(pa.size(), 5u);
  google::protobuf::RepeatedPtrField<v1::Parameter> ra(pa.begin(), pa.end()), rb(pb.begin(), pb.end());
  for (const v1::Parameter& p : ra) {
    EXPECT_NE(p.name(), "depth");
    EXPECT_NE(p.name(), "width3");
  }
  v1::Study study;
  *study.mutable_spec() = spec;
  EXPECT_EQ(StudyTrialFingerprint(study, ra), StudyTrialFingerprint(study, rb));
  // Back to the searcher: the absent ones hold their inactive values (the lower bounds).
  const searcher::Assignment back = ToAssignment(space, ra);
  EXPECT_EQ(back, (searcher::Assignment{1.0, 2.0, std::string("net"), int64_t{1}, int64_t{2}, 64.0, 0.0}));
  EXPECT_EQ(ToAssignment(space, rb), back);
}

TEST(ConditionalParametersTest, TheSpaceFingerprintDoesNotDependOnTheOrderChildrenWereWritten) {
  // The same tree, its children keys written in opposite orders.
  v1::StudySpec a = Spec("random", 10), b = Spec("random", 10);
  v1::ParameterSpec* model_b = b.mutable_parameters(2);
  model_b->clear_children();
  const v1::ParameterSpec& model_a = a.parameters(2);
  for (const char* key : {"net", "tree"}) (*model_b->mutable_children())[key] = model_a.children().at(key);
  EXPECT_EQ(SpaceFingerprint(a, ""), SpaceFingerprint(b, ""));
  (*model_b->mutable_children())["linear"];  // Another tree (an empty list under `linear`) is another space.
  EXPECT_NE(SpaceFingerprint(a, ""), SpaceFingerprint(b, ""));
}

}  // namespace
}  // namespace hyperlab::coordinator
