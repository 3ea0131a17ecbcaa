#include "tools/study_file.h"

#include <algorithm>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/limits.h"

namespace hyperlab::tools {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// examples/branin-random.yaml, verbatim.
constexpr absl::string_view kExample = R"yaml(name: branin-random
hypothesis: Random search finds Branin's basin within 50 trials.
objective: {metric: value, goal: minimize}
parameters:
  - {name: x1, double: {min: -5, max: 10}}
  - {name: x2, double: {min: 0, max: 15}}
  - {name: lr, double: {min: 1.0e-4, max: 1.0e-1, scale: log}}
  - {name: layers, integer: {min: 1, max: 4}}
  - {name: batch, discrete: {values: [32, 64, 128]}}
  - {name: opt, categorical: {values: [sgd, adam]}}
algorithm: {random: {seed: 7}}          # or {grid: {points_per_double: 5}}, or {bayesian: {seed: 7}}
budget: {max_trials: 50, max_parallel: 4, max_failed: 5}
task: {synthetic: {function: branin}}   # or {command: {argv: [...], timeout_seconds: 60}}
)yaml";

// The repository root, given by CMake (__FILE__ is relative under a compiler launcher such as ccache).
std::string SourceRoot() { return HYPERLAB_SOURCE_DIR "/"; }

std::string WriteTempFile(const std::string& name, absl::string_view text) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/", name);
  std::ofstream(path) << text;
  return path;
}

absl::StatusOr<v1::StudySpec> Parse(absl::string_view yaml) { return ParseStudyYaml(yaml, "study.yaml"); }

// Asserts INVALID_ARGUMENT with a one-line message that starts with `prefix` ("study.yaml:<line>: <path>").
void ExpectError(absl::string_view yaml, const std::string& prefix) {
  absl::StatusOr<v1::StudySpec> spec = Parse(yaml);
  ASSERT_FALSE(spec.ok()) << "parsed a bad file:\n" << yaml;
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(spec.status().message()), StartsWith(prefix));
  EXPECT_THAT(std::string(spec.status().message()), Not(HasSubstr("\n")));
}

TEST(StudyFileTest, ExampleParsesWithItsValues) {
  absl::StatusOr<v1::StudySpec> spec = Parse(kExample);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->name(), "branin-random");
  EXPECT_EQ(spec->hypothesis(), "Random search finds Branin's basin within 50 trials.");
  EXPECT_EQ(spec->objective().metric(), "value");
  EXPECT_EQ(spec->objective().goal(), v1::Objective::MINIMIZE);
  ASSERT_EQ(spec->parameters_size(), 6);
  EXPECT_EQ(spec->parameters(0).name(), "x1");
  EXPECT_EQ(spec->parameters(0).double_range().min(), -5);
  EXPECT_EQ(spec->parameters(0).double_range().max(), 10);
  EXPECT_EQ(spec->parameters(0).double_range().scale(), v1::SCALE_UNSPECIFIED);  // No defaults filled here.
  EXPECT_EQ(spec->parameters(2).double_range().min(), 1e-4);
  EXPECT_EQ(spec->parameters(2).double_range().max(), 0.1);
  EXPECT_EQ(spec->parameters(2).double_range().scale(), v1::LOG);
  EXPECT_EQ(spec->parameters(3).integer().min(), 1);
  EXPECT_EQ(spec->parameters(3).integer().max(), 4);
  EXPECT_THAT(spec->parameters(4).discrete().values(), ElementsAre(32, 64, 128));
  EXPECT_THAT(spec->parameters(5).categorical().values(), ElementsAre("sgd", "adam"));
  EXPECT_EQ(spec->algorithm().random().seed(), 7u);
  EXPECT_EQ(spec->budget().max_trials(), 50);
  EXPECT_EQ(spec->budget().max_parallel(), 4);
  EXPECT_EQ(spec->budget().max_failed(), 5);
  EXPECT_EQ(spec->budget().max_attempts(), 0);
  EXPECT_EQ(spec->task().synthetic().function(), "branin");
}

TEST(StudyFileTest, ExampleFilesInTheRepositoryLoad) {
  for (const char* name : {"branin-random.yaml", "branin-grid.yaml", "hartmann6-random.yaml"}) {
    const std::string path = absl::StrCat(SourceRoot(), "examples/", name);
    absl::StatusOr<v1::StudySpec> spec = LoadStudyFile(path);
    EXPECT_TRUE(spec.ok()) << spec.status();
  }
  absl::StatusOr<v1::StudySpec> grid = LoadStudyFile(SourceRoot() + "examples/branin-grid.yaml");
  ASSERT_TRUE(grid.ok());
  EXPECT_EQ(grid->algorithm().grid().points_per_double(), 5);
  EXPECT_EQ(grid->budget().max_trials(), 25);
}

TEST(StudyFileTest, CommandTaskLoads) {
  absl::StatusOr<v1::StudySpec> spec = Parse(R"yaml(
name: quadratic
objective: {metric: loss, goal: MINIMIZE}
parameters:
  - name: x
    double: {min: -1, max: 1}
algorithm:
  bayesian: {seed: 3}
budget: {maxTrials: 10}
task: {command: {argv: [python3, examples/command/objective.py, "--x={x}"], timeout_seconds: 60,
                 env: {OMP_NUM_THREADS: "1"}}}
metrics: [accuracy, dev/loss]
)yaml");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_THAT(spec->task().command().argv(),
              ElementsAre("python3", "examples/command/objective.py", "--x={x}"));
  EXPECT_EQ(spec->task().command().timeout_seconds(), 60);
  EXPECT_EQ(spec->task().command().env().at("OMP_NUM_THREADS"), "1");
  EXPECT_EQ(spec->budget().max_trials(), 10);
  EXPECT_EQ(spec->algorithm().bayesian().seed(), 3u);
  EXPECT_THAT(spec->metrics(), ElementsAre("accuracy", "dev/loss"));
}

TEST(StudyFileTest, EnumsInAnyCase) {
  absl::StatusOr<v1::StudySpec> spec = Parse(R"yaml(
name: s
objective: {metric: acc, goal: Maximize}
parameters:
  - {name: lr, double: {min: 0.001, max: 1, scale: LOG}}
  - {name: units, integer: {min: 8, max: 512, scale: log}}
  - {name: momentum, double: {min: 0, max: 0.99, scale: linear}}
algorithm: {grid: {}}
budget: {max_trials: 8}
task: {synthetic: {function: branin}}
)yaml");
  // Branin needs x1 and x2: the enums parsed, then validation ran.
  ASSERT_FALSE(spec.ok());
  EXPECT_THAT(std::string(spec.status().message()),
              StartsWith("study.yaml:10: task.synthetic: branin needs"));

  spec = Parse(R"yaml(
name: s
objective: {metric: value, goal: Maximize}
parameters:
  - {name: x1, double: {min: 0.001, max: 1, scale: LOG}}
  - {name: x2, integer: {min: 8, max: 512, scale: log}}
algorithm: {grid: }
budget: {max_trials: 8}
task: {synthetic: {function: branin}}
)yaml");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->objective().goal(), v1::Objective::MAXIMIZE);
  EXPECT_EQ(spec->parameters(0).double_range().scale(), v1::LOG);
  EXPECT_EQ(spec->parameters(1).integer().scale(), v1::LOG);
  EXPECT_TRUE(spec->algorithm().has_grid());
}

TEST(StudyFileTest, UnknownTopLevelField) {
  ExpectError(R"yaml(name: s
objective: {metric: value, goal: minimize}
colour: blue
)yaml",
              "study.yaml:3: unknown field 'colour'; expected one of name, hypothesis, objective");
}

TEST(StudyFileTest, UnknownNestedField) {
  ExpectError(R"yaml(name: s
objective:
  metric: value
  direction: down
)yaml",
              "study.yaml:4: objective: unknown field 'direction'; expected one of metric, goal");
}

TEST(StudyFileTest, LogScaleWithMinZero) {
  ExpectError(R"yaml(name: s
objective: {metric: value, goal: minimize}
parameters:
  - name: lr
    double:
      min: 0
      max: 1
      scale: log
)yaml",
              "study.yaml:6: parameters[0].double.min (name 'lr'): log scale needs min > 0, got 0");
}

TEST(StudyFileTest, MinAboveMax) {
  ExpectError(R"yaml(name: s
objective: {metric: value, goal: minimize}
parameters:
  - {name: x1, double: {min: 0, max: 1}}
  - {name: x2, double: {min: 10, max: 5}}
)yaml",
              "study.yaml:5: parameters[1].double (name 'x2'): min 10 > max 5");
}

TEST(StudyFileTest, EmptyValueList) {
  ExpectError(R"yaml(name: s
objective: {metric: value, goal: minimize}
parameters:
  - {name: x1, double: {min: 0, max: 1}}
  - {name: batch,
     discrete: {values: []}}
)yaml",
              "study.yaml:6: parameters[1].discrete.values (name 'batch'): must not be empty");
}

TEST(StudyFileTest, DuplicateParameterName) {
  ExpectError(R"yaml(name: s
objective: {metric: value, goal: minimize}
parameters:
  - {name: x1, double: {min: 0, max: 1}}
  - {name: x2, double: {min: 0, max: 1}}
  - {name: x1, integer: {min: 0, max: 1}}
)yaml",
              "study.yaml:6: parameters[2].name: duplicate parameter name 'x1' (also parameters[0])");
}

TEST(StudyFileTest, UnknownAlgorithm) {
  ExpectError(R"yaml(name: s
objective: {metric: value, goal: minimize}
parameters: [{name: x1, double: {min: 0, max: 1}}]
algorithm: {annealing: {}}
)yaml",
              "study.yaml:4: algorithm: unknown field 'annealing'; expected one of random, grid, bayesian");
}

TEST(StudyFileTest, UnknownTask) {
  ExpectError(R"yaml(name: s
objective: {metric: value, goal: minimize}
parameters: [{name: x1, double: {min: 0, max: 1}}]
algorithm: {random: {}}
budget: {max_trials: 3}
task:
  docker: {image: trainer}
)yaml",
              "study.yaml:7: task: unknown field 'docker'; expected one of synthetic, command");
}

TEST(StudyFileTest, UnknownSyntheticFunction) {
  ExpectError(
      R"yaml(name: s
objective: {metric: value, goal: minimize}
parameters: [{name: x1, double: {min: 0, max: 1}}]
algorithm: {random: {}}
budget: {max_trials: 3}
task:
  synthetic:
    function: rosenbrock
)yaml",
      "study.yaml:8: task.synthetic.function: unknown function 'rosenbrock'; known: branin, hartmann6");
}

TEST(StudyFileTest, ZeroTrials) {
  ExpectError(R"yaml(name: s
objective: {metric: value, goal: minimize}
parameters: [{name: x1, double: {min: 0, max: 1}}]
algorithm: {random: {}}
budget:
  max_parallel: 2
  max_trials: 0
)yaml",
              "study.yaml:7: budget.max_trials: must be > 0, got 0");
}

TEST(StudyFileTest, MissingRequiredSectionHasNoLine) {
  ExpectError(R"yaml(name: s
objective: {metric: value, goal: minimize}
parameters: [{name: x1, double: {min: 0, max: 1}}]
algorithm: {random: {}}
budget: {max_trials: 3}
)yaml",
              "study.yaml: task: required: one of synthetic, command");
}

TEST(StudyFileTest, YamlSyntaxError) {
  ExpectError(R"yaml(name: s
objective: {metric: value, goal: minimize}
budget: max_trials: 3
)yaml",
              "study.yaml:3: YAML syntax error: ");
}

TEST(StudyFileTest, StringWhereANumberBelongs) {
  ExpectError(R"yaml(name: s
budget:
  max_trials: ten
)yaml",
              "study.yaml:3: budget.max_trials: expected an integer, got 'ten'");
  ExpectError("name: s\nparameters: [{name: x, double: {min: low, max: 1}}]\n",
              "study.yaml:2: parameters[0].double.min: expected a number, got 'low'");
}

TEST(StudyFileTest, ListWhereAMapBelongsAndMapWhereAListBelongs) {
  ExpectError("name: s\nobjective: [value, minimize]\n",
              "study.yaml:2: objective: expected a map, got a list");
  ExpectError("name: s\nparameters: {name: x1}\n", "study.yaml:2: parameters: expected a list, got a map");
}

TEST(StudyFileTest, UnknownEnumValue) {
  ExpectError("name: s\nobjective: {metric: value, goal: smallest}\n",
              "study.yaml:2: objective.goal: unknown value 'smallest'; expected one of minimize, maximize");
}

TEST(StudyFileTest, TwoMembersOfAOneof) {
  ExpectError(R"yaml(name: s
parameters:
  - name: x1
    double: {min: 0, max: 1}
    integer: {min: 0, max: 1}
)yaml",
              "study.yaml:5: parameters[0]: 'double' and 'integer' are both set");
}

TEST(StudyFileTest, FieldSetTwice) {
  ExpectError("name: s\nname: t\n", "study.yaml:2: name: set twice (also line 1)");
}

TEST(StudyFileTest, IntegerWithLogScaleAccepted) {
  absl::StatusOr<v1::StudySpec> spec = Parse(R"yaml(name: s
objective: {metric: value, goal: minimize}
parameters:
  - {name: x1, double: {min: -5, max: 10}}
  - {name: x2, integer: {min: 1, max: 15, scale: log}}
algorithm: {random: {seed: 1}}
budget: {max_trials: 3}
task: {synthetic: {function: branin}}
)yaml");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->parameters(1).integer().scale(), v1::LOG);
  EXPECT_EQ(spec->parameters(1).integer().max(), 15);
}

TEST(StudyFileTest, EmptyFile) {
  ExpectError("", "study.yaml: empty study file");
  ExpectError("# only a comment\n", "study.yaml: empty study file");
}

TEST(StudyFileTest, TopLevelNotAMap) { ExpectError("- name: s\n", "study.yaml:1: expected a map of fields"); }

TEST(StudyFileTest, MissingFile) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/no-such-study.yaml");
  absl::StatusOr<v1::StudySpec> spec = LoadStudyFile(path);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(spec.status().message(), absl::StrCat(path, ": cannot read: No such file or directory"));
}

TEST(StudyFileTest, LoadedFileErrorsNameThePath) {
  const std::string path = WriteTempFile("bad-trials.yaml", R"yaml(name: s
objective: {metric: value, goal: minimize}
parameters: [{name: x1, double: {min: 0, max: 1}}]
algorithm: {random: {}}
budget: {max_trials: 0}
)yaml");
  absl::StatusOr<v1::StudySpec> spec = LoadStudyFile(path);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(spec.status().message()),
              StartsWith(absl::StrCat(path, ":5: budget.max_trials: ")));
}

TEST(StudyFileTest, LoadsTheExampleFromATempFile) {
  const std::string path = WriteTempFile("branin-random.yaml", kExample);
  absl::StatusOr<v1::StudySpec> spec = LoadStudyFile(path);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->name(), "branin-random");
}

// --- Issue 14 #16: sizes a study file can set are bounded before anything is built or sent -------------

// A file of `parameters` categorical parameters whose value lists are one anchored list of `values`
// values, each `length` characters: a few kilobytes that expand to parameters * values nodes.
std::string AliasedValues(int parameters, int values, int length) {
  std::string yaml =
      "name: s\nobjective: {metric: value, goal: minimize}\nparameters:\n  - {name: p0, categorical: "
      "{values: &v [";
  for (int i = 0; i < values; ++i) {
    absl::StrAppend(&yaml, i ? ", " : "", "v", i, std::string(std::max(0, length - 7), 'x'));
  }
  yaml += "]}}\n";
  for (int p = 1; p < parameters; ++p)
    absl::StrAppend(&yaml, "  - {name: p", p, ", categorical: {values: *v}}\n");
  return yaml + "algorithm: {random: {}}\nbudget: {max_trials: 1}\ntask: {command: {argv: [true]}}\n";
}

// Billion laughs: yaml-cpp shares an aliased node, and the conversion to JSON visited it once per alias.
// 60 references to a 10,000-value list (60 KB of YAML) are 600,000 nodes; the old loader built them
// all (hundreds of MB, seconds; the 114 KB file of the finding reached 3.7 GB) and accepted the spec.
TEST(StudyFileTest, AliasesExpandingBeyondMaxStudyFileNodesAreRefusedWithTheLine) {
  const std::string yaml = AliasedValues(60, 10000, 2);
  ASSERT_LT(yaml.size(), 100u << 10);
  absl::StatusOr<v1::StudySpec> spec = Parse(yaml);
  ASSERT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(spec.status().message()),
              ::testing::MatchesRegex(
                  "study\\.yaml:[0-9]+: parameters\\[[0-9]+\\]\\.categorical\\.values.*: the document "
                  "has over 524288 nodes with its aliases expanded, over the limit "
                  "max_study_file_nodes = 524288 .*"));
}

// The same with few nodes and long values: 5 references to 1 MB of text are 5 MB of expanded text.
TEST(StudyFileTest, AliasesExpandingBeyondMaxStudyFileBytesOfTextAreRefused) {
  const std::string yaml = AliasedValues(5, 1000, 1000);
  absl::StatusOr<v1::StudySpec> spec = Parse(yaml);
  ASSERT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      std::string(spec.status().message()),
      HasSubstr("bytes of text with its aliases expanded, over the limit max_study_file_bytes = 4194304"));
}

TEST(StudyFileTest, AliasesWithinTheLimitsStillWork) {
  absl::StatusOr<v1::StudySpec> spec = Parse(AliasedValues(3, 4, 2));
  ASSERT_TRUE(spec.ok()) << spec.status();
  ASSERT_EQ(spec->parameters_size(), 3);
  EXPECT_EQ(spec->parameters(2).categorical().values_size(), 4);
}

// A spec over max_spec_bytes is refused by the CLI before it is sent (the coordinator refuses it too).
TEST(StudyFileTest, SpecOverMaxSpecBytesIsRefusedBeforeSending) {
  const std::string yaml = AliasedValues(1, 1100, 1000);  // One list: 1.1 MB, no alias used.
  absl::StatusOr<v1::StudySpec> spec = Parse(yaml);
  ASSERT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(spec.status().message()), StartsWith("study.yaml: spec: "));
  EXPECT_THAT(std::string(spec.status().message()), HasSubstr("over the limit max_spec_bytes = 1048576"));
}

TEST(StudyFileTest, FileOverMaxStudyFileBytesIsRefusedUnread) {
  const std::string path = WriteTempFile("huge.yaml", std::string(kMaxStudyFileBytes + 10, '#'));
  absl::StatusOr<v1::StudySpec> spec = LoadStudyFile(path);
  ASSERT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(spec.status().message(),
            absl::StrCat(path, ": over 4194304 bytes, over the limit max_study_file_bytes = 4194304"));
  // An endless file: the old loader read /dev/zero until memory ran out.
  spec = LoadStudyFile("/dev/zero");
  ASSERT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(spec.status().message()), HasSubstr("max_study_file_bytes"));
  EXPECT_THAT(std::string(Parse(std::string(kMaxStudyFileBytes + 1, '#')).status().message()),
              StartsWith("study.yaml: 4194305 bytes, over the limit max_study_file_bytes"));
}

// Errors that name a parameter still point at the line of the field.
TEST(StudyFileTest, WideIntegerRangeIsRefusedNamingLineAndParameter) {
  ExpectError(R"yaml(name: s
objective: {metric: value, goal: minimize}
algorithm: {grid: {}}
parameters:
  - {name: x1, double: {min: 0, max: 1}}
  - name: units
    integer:
      min: -9000000000000000000
      max: 9000000000000000000
)yaml",
              "study.yaml:8: parameters[1].integer.min (name 'units'): -9000000000000000000, over the limit "
              "max_integer_magnitude = 9007199254740992");
}

}  // namespace
}  // namespace hyperlab::tools
