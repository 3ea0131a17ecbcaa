#include "common/spec/spec_validation.h"

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/limits.h"

namespace hyperlab::coordinator {
namespace {

using ::testing::StartsWith;

// The spec of examples/branin-random.yaml.
v1::StudySpec ValidSpec() {
  v1::StudySpec spec;
  const bool parsed = google::protobuf::TextFormat::ParseFromString(
      R"pb(
        name: "branin-random"
        hypothesis: "Random search finds Branin's basin within 50 trials."
        objective { metric: "value" goal: MINIMIZE }
        parameters {
          name: "x1"
          double_range { min: -5 max: 10 }
        }
        parameters {
          name: "x2"
          double_range { min: 0 max: 15 }
        }
        parameters {
          name: "lr"
          double_range { min: 1e-4 max: 0.1 scale: LOG }
        }
        parameters {
          name: "layers"
          integer { min: 1 max: 4 }
        }
        parameters {
          name: "batch"
          discrete { values: [ 32, 64, 128 ] }
        }
        parameters {
          name: "opt"
          categorical { values: [ "sgd", "adam" ] }
        }
        algorithm { random { seed: 7 } }
        budget { max_trials: 50 max_parallel: 4 max_failed: 5 }
        task { synthetic { function: "branin" } }
      )pb",
      &spec);
  EXPECT_TRUE(parsed);
  return spec;
}

v1::CommandTask* UseCommand(v1::StudySpec& spec) {
  v1::CommandTask* command = spec.mutable_task()->mutable_command();
  command->add_argv("python3");
  command->add_argv("objective.py");
  return command;
}

TEST(ValidateStudySpecTest, ExampleSpecIsValid) { EXPECT_TRUE(ValidateStudySpec(ValidSpec()).ok()); }

TEST(ValidateStudySpecTest, CommandTaskWithPlaceholdersIsValid) {
  v1::StudySpec spec = ValidSpec();
  v1::CommandTask* command = UseCommand(spec);
  command->add_argv("--x={x1}");
  command->add_argv("--config={{\"lr\": {lr}}}");
  command->set_timeout_seconds(60);
  (*command->mutable_env())["OMP_NUM_THREADS"] = "1";
  EXPECT_TRUE(ValidateStudySpec(spec).ok()) << ValidateStudySpec(spec);
}

TEST(ValidateStudySpecTest, Hartmann6WithItsSixParametersIsValid) {
  v1::StudySpec spec = ValidSpec();
  spec.clear_parameters();
  for (int i = 1; i <= 6; ++i) {
    v1::ParameterSpec* p = spec.add_parameters();
    p->set_name(absl::StrCat("x", i));
    p->mutable_double_range()->set_max(1);
  }
  spec.mutable_task()->mutable_synthetic()->set_function("hartmann6");
  EXPECT_TRUE(ValidateStudySpec(spec).ok()) << ValidateStudySpec(spec);
}

TEST(ValidateStudySpecTest, IntegerLogScaleFromOneIsValid) {
  v1::StudySpec spec = ValidSpec();
  spec.mutable_parameters(3)->mutable_integer()->set_scale(v1::LOG);
  EXPECT_TRUE(ValidateStudySpec(spec).ok()) << ValidateStudySpec(spec);
}

TEST(ValidateStudySpecTest, GridPointsZeroAndTwoAreValid) {
  v1::StudySpec spec = ValidSpec();
  spec.mutable_algorithm()->mutable_grid()->set_points_per_double(0);
  EXPECT_TRUE(ValidateStudySpec(spec).ok());
  spec.mutable_algorithm()->mutable_grid()->set_points_per_double(2);
  EXPECT_TRUE(ValidateStudySpec(spec).ok());
}

TEST(ValidateStudySpecTest, ReportsTheFirstProblemInFieldOrder) {
  v1::StudySpec spec = ValidSpec();
  spec.mutable_budget()->set_max_trials(0);
  spec.mutable_parameters(0)->mutable_double_range()->set_min(20);
  absl::Status status = ValidateStudySpec(spec);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "parameters[0].double (name 'x1'): min 20 > max 10");
}

// One case per rule: a change that breaks the valid spec, and the start of the expected message.
struct BadSpecCase {
  std::string test_name;
  std::function<void(v1::StudySpec&)> mutate;
  std::string expected_prefix;
};

class BadSpecTest : public ::testing::TestWithParam<BadSpecCase> {};

TEST_P(BadSpecTest, IsInvalidArgumentNamingTheField) {
  v1::StudySpec spec = ValidSpec();
  GetParam().mutate(spec);
  absl::Status status = ValidateStudySpec(spec);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), StartsWith(GetParam().expected_prefix));
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

v1::DoubleRange& DoubleAt(v1::StudySpec& s, int i) {
  return *s.mutable_parameters(i)->mutable_double_range();
}
v1::Budget& Budget(v1::StudySpec& s) { return *s.mutable_budget(); }

std::vector<BadSpecCase> NameAndObjectiveCases() {
  return {
      BadSpecCase{"NameRequired", [](auto& s) { s.clear_name(); }, "name: required"},
      BadSpecCase{"NameTooLong", [](auto& s) { s.set_name(std::string(129, 'a')); }, "name: too long"},
      BadSpecCase{"NameStartsWithDigit", [](auto& s) { s.set_name("1study"); },
                  "name: must start with a letter"},
      BadSpecCase{"NameWithSpace", [](auto& s) { s.set_name("my study"); }, "name: must start with a letter"},
      BadSpecCase{"HypothesisTooLong", [](auto& s) { s.set_hypothesis(std::string(4097, 'h')); },
                  "hypothesis: too long"},
      BadSpecCase{"MetricRequired", [](auto& s) { s.mutable_objective()->clear_metric(); },
                  "objective.metric: required"},
      BadSpecCase{"MetricNotAName", [](auto& s) { s.mutable_objective()->set_metric("dev loss"); },
                  "objective.metric: must match"},
      BadSpecCase{"GoalRequired", [](auto& s) { s.mutable_objective()->clear_goal(); },
                  "objective.goal: required: one of minimize, maximize"},
  };
}

std::vector<BadSpecCase> ParameterCases() {
  return {
      BadSpecCase{"ParametersRequired", [](auto& s) { s.clear_parameters(); }, "parameters: required"},
      BadSpecCase{"ParameterNameRequired", [](auto& s) { s.mutable_parameters(2)->clear_name(); },
                  "parameters[2].name: required"},
      BadSpecCase{"ParameterNameNotIdentifier",
                  [](auto& s) { s.mutable_parameters(2)->set_name("learning-rate"); },
                  "parameters[2].name: must be an identifier"},
      BadSpecCase{"ParameterNameDuplicate", [](auto& s) { s.mutable_parameters(3)->set_name("lr"); },
                  "parameters[3].name: duplicate parameter name 'lr' (also parameters[2])"},
      BadSpecCase{"DomainRequired", [](auto& s) { s.mutable_parameters(5)->clear_domain(); },
                  "parameters[5] (name 'opt'): a domain is required"},
      BadSpecCase{"DoubleMinAboveMax",
                  [](auto& s) {
                    DoubleAt(s, 0).set_min(10);
                    DoubleAt(s, 0).set_max(5);
                  },
                  "parameters[0].double (name 'x1'): min 10 > max 5"},
      BadSpecCase{"DoubleMinNotFinite", [](auto& s) { DoubleAt(s, 0).set_min(kNaN); },
                  "parameters[0].double.min (name 'x1'): must be finite"},
      BadSpecCase{"DoubleMaxNotFinite", [](auto& s) { DoubleAt(s, 1).set_max(kInf); },
                  "parameters[1].double.max (name 'x2'): must be finite"},
      BadSpecCase{"DoubleLogMinZero", [](auto& s) { DoubleAt(s, 2).set_min(0); },
                  "parameters[2].double.min (name 'lr'): log scale needs min > 0, got 0"},
      BadSpecCase{"DoubleLogMinNegative", [](auto& s) { DoubleAt(s, 2).set_min(-1); },
                  "parameters[2].double.min (name 'lr'): log scale needs min > 0, got -1"},
      BadSpecCase{"IntegerMinAboveMax",
                  [](auto& s) { s.mutable_parameters(3)->mutable_integer()->set_min(5); },
                  "parameters[3].integer (name 'layers'): min 5 > max 4"},
      BadSpecCase{"IntegerLogMinZero",
                  [](auto& s) {
                    s.mutable_parameters(3)->mutable_integer()->set_min(0);
                    s.mutable_parameters(3)->mutable_integer()->set_scale(v1::LOG);
                  },
                  "parameters[3].integer.min (name 'layers'): log scale needs min >= 1, got 0"},
      BadSpecCase{"DiscreteEmpty",
                  [](auto& s) { s.mutable_parameters(4)->mutable_discrete()->clear_values(); },
                  "parameters[4].discrete.values (name 'batch'): must not be empty"},
      BadSpecCase{"DiscreteNotFinite",
                  [](auto& s) { s.mutable_parameters(4)->mutable_discrete()->set_values(1, kInf); },
                  "parameters[4].discrete.values[1] (name 'batch'): must be finite"},
      BadSpecCase{"DiscreteDuplicate",
                  [](auto& s) { s.mutable_parameters(4)->mutable_discrete()->set_values(2, 32); },
                  "parameters[4].discrete.values[2] (name 'batch'): duplicate value 32 (also values[0])"},
      BadSpecCase{"CategoricalEmpty",
                  [](auto& s) { s.mutable_parameters(5)->mutable_categorical()->clear_values(); },
                  "parameters[5].categorical.values (name 'opt'): must not be empty"},
      BadSpecCase{"CategoricalEmptyString",
                  [](auto& s) { s.mutable_parameters(5)->mutable_categorical()->add_values(""); },
                  "parameters[5].categorical.values[2] (name 'opt'): must not be empty"},
      BadSpecCase{"CategoricalDuplicate",
                  [](auto& s) { s.mutable_parameters(5)->mutable_categorical()->add_values("sgd"); },
                  "parameters[5].categorical.values[2] (name 'opt'): duplicate value 'sgd' (also values[0])"},
  };
}

std::vector<BadSpecCase> AlgorithmAndBudgetCases() {
  return {
      BadSpecCase{"AlgorithmRequired", [](auto& s) { s.clear_algorithm(); },
                  "algorithm: required: one of random, grid, bayesian"},
      BadSpecCase{"GridOnePoint",
                  [](auto& s) { s.mutable_algorithm()->mutable_grid()->set_points_per_double(1); },
                  "algorithm.grid.points_per_double: "},
      BadSpecCase{"GridTooManyPoints",
                  [](auto& s) { s.mutable_algorithm()->mutable_grid()->set_points_per_double(1001); },
                  "algorithm.grid.points_per_double: "},
      BadSpecCase{"MaxTrialsZero", [](auto& s) { Budget(s).set_max_trials(0); },
                  "budget.max_trials: must be > 0, got 0"},
      BadSpecCase{"MaxTrialsUnset", [](auto& s) { s.clear_budget(); },
                  "budget.max_trials: must be > 0, got 0"},
      BadSpecCase{"MaxTrialsTooMany", [](auto& s) { Budget(s).set_max_trials(1000001); },
                  "budget.max_trials: "},
      BadSpecCase{"MaxParallelNegative", [](auto& s) { Budget(s).set_max_parallel(-1); },
                  "budget.max_parallel: must be >= 0, got -1"},
      BadSpecCase{"MaxFailedNegative", [](auto& s) { Budget(s).set_max_failed(-1); }, "budget.max_failed: "},
      BadSpecCase{"MaxAttemptsNegative", [](auto& s) { Budget(s).set_max_attempts(-2); },
                  "budget.max_attempts: "},
  };
}

std::vector<BadSpecCase> TaskCases() {
  return {
      BadSpecCase{"TaskRequired", [](auto& s) { s.clear_task(); },
                  "task: required: one of synthetic, command"},
      BadSpecCase{"SyntheticUnknownFunction",
                  [](auto& s) { s.mutable_task()->mutable_synthetic()->set_function("rosenbrock"); },
                  "task.synthetic.function: unknown function 'rosenbrock'; known: branin, hartmann6"},
      BadSpecCase{"SyntheticFunctionRequired",
                  [](auto& s) { s.mutable_task()->mutable_synthetic()->clear_function(); },
                  "task.synthetic.function: required"},
      BadSpecCase{"SyntheticDelayNegative",
                  [](auto& s) { s.mutable_task()->mutable_synthetic()->set_delay_seconds(-1); },
                  "task.synthetic.delay_seconds: "},
      BadSpecCase{"SyntheticDelayInfinite",
                  [](auto& s) { s.mutable_task()->mutable_synthetic()->set_delay_seconds(kInf); },
                  "task.synthetic.delay_seconds: "},
      BadSpecCase{"BraninMissingParameter", [](auto& s) { s.mutable_parameters(1)->set_name("y"); },
                  "task.synthetic: branin needs parameter 'x2'"},
      BadSpecCase{"BraninCategoricalParameter",
                  [](auto& s) { s.mutable_parameters(0)->mutable_categorical()->add_values("a"); },
                  "task.synthetic: branin needs parameter 'x1' to be numeric"},
      BadSpecCase{"Hartmann6MissingParameter",
                  [](auto& s) { s.mutable_task()->mutable_synthetic()->set_function("hartmann6"); },
                  "task.synthetic: hartmann6 needs parameter 'x3'"},
      BadSpecCase{"CommandArgvEmpty", [](auto& s) { s.mutable_task()->mutable_command(); },
                  "task.command.argv: must not be empty"},
      BadSpecCase{"CommandProgramEmpty", [](auto& s) { UseCommand(s)->set_argv(0, ""); },
                  "task.command.argv[0]: must not be empty"},
      BadSpecCase{"CommandUnknownPlaceholder", [](auto& s) { UseCommand(s)->add_argv("--x={foo}"); },
                  "task.command.argv[2]: unknown parameter '{foo}'"},
      BadSpecCase{"CommandUnclosedBrace", [](auto& s) { UseCommand(s)->add_argv("--x={x1"); },
                  "task.command.argv[2]: unclosed '{'"},
      BadSpecCase{"CommandUnmatchedBrace", [](auto& s) { UseCommand(s)->add_argv("--x=x1}"); },
                  "task.command.argv[2]: unmatched '}'"},
      BadSpecCase{"CommandTimeoutNegative", [](auto& s) { UseCommand(s)->set_timeout_seconds(-5); },
                  "task.command.timeout_seconds: "},
      BadSpecCase{"CommandEnvBadName", [](auto& s) { (*UseCommand(s)->mutable_env())["A=B"] = "1"; },
                  "task.command.env: invalid variable name 'A=B'"},
  };
}

std::vector<BadSpecCase> LimitCases() {
  return {
      // Issue 14 #5: every size a spec can set is bounded (proto/limits.h), naming field and parameter.
      BadSpecCase{
          "IntegerMaxBeyondExactIntegers",
          [](auto& s) { s.mutable_parameters(3)->mutable_integer()->set_max(9'000'000'000'000'000'000); },
          "parameters[3].integer.max (name 'layers'): 9000000000000000000, over the limit "
          "max_integer_magnitude = 9007199254740992"},
      BadSpecCase{"IntegerMinAtInt64Min",
                  [](auto& s) {
                    s.mutable_parameters(3)->mutable_integer()->set_min(std::numeric_limits<int64_t>::min());
                  },
                  "parameters[3].integer.min (name 'layers'): -9223372036854775808, over the limit "
                  "max_integer_magnitude"},
      BadSpecCase{"MaxParallelHuge", [](auto& s) { Budget(s).set_max_parallel(2'000'000'000); },
                  "budget.max_parallel: 2000000000, over the limit max_parallel = 10000"},
      BadSpecCase{"MaxAttemptsHuge", [](auto& s) { Budget(s).set_max_attempts(2'000'000'000); },
                  "budget.max_attempts: 2000000000, over the limit max_attempts = 100"},
      BadSpecCase{"MaxFailedHuge", [](auto& s) { Budget(s).set_max_failed(2'000'000'000); },
                  "budget.max_failed: 2000000000, over the limit max_trials = 1000000"},
      BadSpecCase{
          "BayesianInitialTrialsHuge",
          [](auto& s) { s.mutable_algorithm()->mutable_bayesian()->set_initial_trials(2'000'000'000); },
          "algorithm.bayesian.initial_trials: 2000000000, over the limit max_trials"},
      BadSpecCase{"BayesianInitialTrialsNegative",
                  [](auto& s) { s.mutable_algorithm()->mutable_bayesian()->set_initial_trials(-1); },
                  "algorithm.bayesian.initial_trials: must be >= 0, got -1"},
      BadSpecCase{"BayesianUcbBetaInfinite",
                  [](auto& s) { s.mutable_algorithm()->mutable_bayesian()->set_ucb_beta(kInf); },
                  "algorithm.bayesian.ucb_beta: must be finite and >= 0, got inf"},
      BadSpecCase{"BayesianUcbBetaNaN",
                  [](auto& s) { s.mutable_algorithm()->mutable_bayesian()->set_ucb_beta(kNaN); },
                  "algorithm.bayesian.ucb_beta: must be finite and >= 0"},
      BadSpecCase{"MedianMinStepHuge",
                  [](auto& s) {
                    s.mutable_early_stopping()->mutable_median()->set_min_step(
                        std::numeric_limits<int64_t>::max());
                  },
                  "early_stopping.median.min_step: 9223372036854775807, over the limit max_step"},
      BadSpecCase{
          "MedianMinTrialsHuge",
          [](auto& s) { s.mutable_early_stopping()->mutable_median()->set_min_trials(2'000'000'000); },
          "early_stopping.median.min_trials: 2000000000, over the limit max_trials"},
      BadSpecCase{"AshaMinStepHuge",
                  [](auto& s) {
                    s.mutable_early_stopping()->mutable_asha()->set_min_step(
                        std::numeric_limits<int64_t>::max());
                  },
                  "early_stopping.asha.min_step: 9223372036854775807, over the limit max_step"},
      BadSpecCase{"MetricsEntryNotAName", [](auto& s) { s.add_metrics("dev loss"); },
                  "metrics[0]: must match"},
      BadSpecCase{"MetricsEntryEmpty", [](auto& s) { s.add_metrics(""); }, "metrics[0]: required"},
      BadSpecCase{"MetricsDuplicate",
                  [](auto& s) {
                    s.add_metrics("loss");
                    s.add_metrics("loss");
                  },
                  "metrics[1]: duplicate metric 'loss' (also metrics[0])"},
  };
}

std::vector<BadSpecCase> BadSpecCases() {
  std::vector<BadSpecCase> all;
  for (auto group : {NameAndObjectiveCases, ParameterCases, AlgorithmAndBudgetCases, TaskCases, LimitCases}) {
    for (BadSpecCase& c : group()) all.push_back(std::move(c));
  }
  return all;
}

// Issue 14 #5: a grid over a wide integer range made GridStrategy compute hi - lo + 1 with signed overflow
// and the coordinator allocate gigabytes in the request thread. Refused here, before any strategy exists.
TEST(ValidateStudySpecTest, GridOverTheWholeInt64RangeIsRefusedNamingTheParameter) {
  v1::StudySpec spec = ValidSpec();
  spec.mutable_algorithm()->mutable_grid();
  v1::ParameterSpec* units = spec.add_parameters();
  units->set_name("units");
  units->mutable_integer()->set_min(-9'000'000'000'000'000'000);
  units->mutable_integer()->set_max(9'000'000'000'000'000'000);
  const absl::Status status = ValidateStudySpec(spec);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "parameters[6].integer.min (name 'units'): -9000000000000000000, over the limit "
            "max_integer_magnitude = 9007199254740992");
}

TEST(ValidateStudySpecTest, WidestIntegerRangeWithinTheLimitMakesASmallGrid) {
  v1::StudySpec spec = ValidSpec();
  spec.mutable_algorithm()->mutable_grid();
  v1::ParameterSpec* units = spec.add_parameters();
  units->set_name("units");
  units->mutable_integer()->set_min(-kMaxIntegerMagnitude);
  units->mutable_integer()->set_max(kMaxIntegerMagnitude);
  EXPECT_TRUE(ValidateStudySpec(spec).ok()) << ValidateStudySpec(spec);
}

// The product of the axes is bounded too, and named at the parameter where it passes the limit: ten
// parameters of ten values are 10^10 points (the old code accepted any product).
TEST(ValidateStudySpecTest, GridWithTooManyPointsIsRefusedAtTheParameterThatPassesTheLimit) {
  v1::StudySpec spec = ValidSpec();
  spec.mutable_algorithm()->mutable_grid()->set_points_per_double(10);
  spec.clear_parameters();
  spec.mutable_task()->mutable_synthetic()->set_function("branin");
  for (int i = 0; i < 10; ++i) {
    v1::ParameterSpec* p = spec.add_parameters();
    p->set_name(i < 2 ? absl::StrCat("x", i + 1) : absl::StrCat("p", i));
    p->mutable_double_range()->set_max(1);
  }
  const absl::Status status = ValidateStudySpec(spec);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      status.message(),
      "parameters[9] (name 'p9'): the grid has up to 10000000000 points with parameters[0..9], over the "
      "limit max_grid_points = 1000000000; use fewer values, a smaller algorithm.grid.points_per_double, "
      "or random or bayesian search");
  spec.mutable_parameters()->RemoveLast();
  EXPECT_TRUE(ValidateStudySpec(spec).ok()) << "10^9 points is at the limit: " << ValidateStudySpec(spec);
  spec.mutable_algorithm()->mutable_random();
  spec.add_parameters()->CopyFrom(spec.parameters(8));
  spec.mutable_parameters(9)->set_name("p9");
  EXPECT_TRUE(ValidateStudySpec(spec).ok()) << "random search has no grid";
}

// Issue 14 #8/#16: a spec over max_spec_bytes is refused by the same check on both sides (the CLI's loader
// and CreateStudy).
TEST(ValidateStudySpecTest, SpecOverMaxSpecBytesIsRefused) {
  v1::StudySpec spec = ValidSpec();
  v1::CategoricalValues* values = spec.mutable_parameters(5)->mutable_categorical();
  for (int i = 0; values->ByteSizeLong() <= kMaxSpecBytes; ++i)
    values->add_values(std::string(1000, 'a' + i % 26) + std::to_string(i));
  const absl::Status status = ValidateStudySpec(spec);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith("spec: "));
  EXPECT_THAT(std::string(status.message()),
              ::testing::HasSubstr("bytes, over the limit max_spec_bytes = 1048576"));
}

// A budget changed on its own is held to the same limits (for the coordinator's budget updates).
TEST(ValidateBudgetTest, AppliesTheSpecsBudgetLimits) {
  v1::Budget budget = ValidSpec().budget();
  EXPECT_TRUE(ValidateBudget(budget).ok());
  budget.set_max_trials(kMaxTrials + 1);
  EXPECT_EQ(ValidateBudget(budget).code(), absl::StatusCode::kInvalidArgument);
  budget.set_max_trials(10);
  budget.set_max_parallel(kMaxParallel + 1);
  EXPECT_EQ(ValidateBudget(budget).message(),
            "budget.max_parallel: 10001, over the limit max_parallel = 10000");
}

INSTANTIATE_TEST_SUITE_P(Rules, BadSpecTest, ::testing::ValuesIn(BadSpecCases()),
                         [](const ::testing::TestParamInfo<BadSpecCase>& info) {
                           return info.param.test_name;
                         });

TEST(WithDefaultsTest, FillsEveryDefault) {
  v1::StudySpec spec = ValidSpec();
  spec.mutable_algorithm()->mutable_grid();
  spec.mutable_budget()->clear_max_parallel();
  spec.mutable_budget()->clear_max_failed();
  UseCommand(spec);

  const v1::StudySpec filled = WithDefaults(spec);
  EXPECT_EQ(filled.parameters(0).double_range().scale(), v1::LINEAR);
  EXPECT_EQ(filled.parameters(2).double_range().scale(), v1::LOG);
  EXPECT_EQ(filled.parameters(3).integer().scale(), v1::LINEAR);
  EXPECT_EQ(filled.algorithm().grid().points_per_double(), 5);
  EXPECT_EQ(filled.budget().max_parallel(), 1);
  EXPECT_EQ(filled.budget().max_failed(), 5);  // A tenth of max_trials (50), at least 3.
  EXPECT_EQ(filled.budget().max_attempts(), 3);
  EXPECT_EQ(filled.task().command().timeout_seconds(), 3600);
  EXPECT_TRUE(ValidateStudySpec(filled).ok()) << ValidateStudySpec(filled);
}

TEST(WithDefaultsTest, KeepsExplicitValuesAndIsIdempotent) {
  v1::StudySpec spec = ValidSpec();
  spec.mutable_algorithm()->mutable_grid()->set_points_per_double(7);
  spec.mutable_budget()->set_max_attempts(1);
  UseCommand(spec)->set_timeout_seconds(60);

  const v1::StudySpec filled = WithDefaults(spec);
  EXPECT_EQ(filled.algorithm().grid().points_per_double(), 7);
  EXPECT_EQ(filled.budget().max_parallel(), 4);
  EXPECT_EQ(filled.budget().max_failed(), 5);
  EXPECT_EQ(filled.budget().max_attempts(), 1);
  EXPECT_EQ(filled.task().command().timeout_seconds(), 60);
  EXPECT_EQ(WithDefaults(filled).SerializeAsString(), filled.SerializeAsString());
}

TEST(WithDefaultsTest, LeavesOtherAlgorithmsAndTasksUnset) {
  const v1::StudySpec filled = WithDefaults(ValidSpec());
  EXPECT_FALSE(filled.algorithm().has_grid());
  EXPECT_FALSE(filled.task().has_command());
  EXPECT_EQ(filled.parameters(0).double_range().scale(), v1::LINEAR);
}

}  // namespace
}  // namespace hyperlab::coordinator
