// Conditional parameters in a study file (docs/search.md, "Conditional parameters"): the `children` syntax,
// the flat order every layer uses, and errors that name the file, line and path of the mistake.
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/spec/parameter_tree.h"
#include "common/spec/spec_validation.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/limits.h"
#include "tools/study_file.h"

namespace hyperlab::tools {
namespace {

using ::testing::ElementsAre;

absl::StatusOr<v1::StudySpec> Parse(absl::string_view yaml) { return ParseStudyYaml(yaml, "study.yaml"); }

void ExpectError(absl::string_view yaml, const std::string& message) {
  absl::StatusOr<v1::StudySpec> spec = Parse(yaml);
  ASSERT_FALSE(spec.ok()) << "parsed a bad file:\n" << yaml;
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(spec.status().message()), message);
}

std::vector<std::string> Names(const v1::StudySpec& spec) {
  std::vector<std::string> out;
  for (const FlatParameter& p : FlatParameters(spec)) out.push_back(p.spec->name());
  return out;
}

constexpr absl::string_view kHead = R"yaml(name: s
objective: {metric: value, goal: minimize}
algorithm: {random: {seed: 1}}
budget: {max_trials: 10}
task: {command: {argv: [prog, '{x}']}}
)yaml";

std::string File(absl::string_view parameters) { return std::string(kHead) + std::string(parameters); }

TEST(StudyFileConditionalTest, ChildrenLoadInTheOrderOfTheirParentsValues) {
  // conv_blocks 1, 2, 3 share their children through a YAML anchor: one parameter each, active under any.
  absl::StatusOr<v1::StudySpec> spec = Parse(File(R"yaml(parameters:
  - {name: x, double: {min: 0, max: 1}}
  - name: optimizer
    categorical: {values: [sgd, momentum, adam]}
    children:
      adam: [{name: beta1, double: {min: 0.8, max: 0.999}}]
      sgd: []
      momentum:
        - {name: momentum, double: {min: 0, max: 0.99}}
  - name: conv_blocks
    integer: {min: 0, max: 3}
    children:
      3: &conv [{name: filters, integer: {min: 8, max: 64, scale: log}}, {name: kernel_size, discrete: {values: [3, 5]}}]
      1: *conv
      2: *conv
)yaml"));
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_THAT(Names(*spec),
              ElementsAre("x", "optimizer", "momentum", "beta1", "conv_blocks", "filters", "kernel_size"));
  const std::vector<FlatParameter> flat = FlatParameters(*spec);
  EXPECT_EQ(flat[2].parent, 1);
  EXPECT_THAT(flat[2].when, ElementsAre("momentum"));
  EXPECT_EQ(flat[2].path, "parameters[1].children[momentum][0]");
  EXPECT_EQ(flat[5].parent, 4);
  EXPECT_THAT(flat[5].when, ElementsAre("1", "2", "3"));
  EXPECT_EQ(flat[6].depth, 1);
}

TEST(StudyFileConditionalTest, AnErrorInAChildNamesItsPathAndLine) {
  ExpectError(File(R"yaml(parameters:
  - {name: x, double: {min: 0, max: 1}}
  - {name: units, integer: {min: 1, max: 9}}
  - name: optimizer
    categorical: {values: [sgd, adam]}
    children:
      sgd:
        - name: momentum
          double: {min: 1, max: 0.99}
)yaml"),
              "study.yaml:14: parameters[2].children[sgd][0].double (name 'momentum'): min 1 > max 0.99");
}

TEST(StudyFileConditionalTest, AKeyMustBeAValueOfTheParent) {
  ExpectError(
      File(R"yaml(parameters:
  - {name: x, double: {min: 0, max: 1}}
  - name: optimizer
    categorical: {values: [sgd, adam]}
    children:
      adamw: [{name: beta1, double: {min: 0.8, max: 0.999}}]
)yaml"),
      "study.yaml:11: parameters[1].children[adamw]: 'adamw' is not a value of parameter 'optimizer'; "
      "expected one of sgd, adam");
  ExpectError(
      File(R"yaml(parameters:
  - {name: x, double: {min: 0, max: 1}}
  - name: blocks
    integer: {min: 0, max: 3}
    children:
      4: [{name: filters, integer: {min: 8, max: 64}}]
)yaml"),
      "study.yaml:11: parameters[1].children[4]: '4' is not a value of parameter 'blocks'; expected an "
      "integer in [0, 3]");
  // Two keys for one value.
  ExpectError(File(R"yaml(parameters:
  - {name: x, double: {min: 0, max: 1}}
  - name: batch
    discrete: {values: [32, 64]}
    children:
      '64': [{name: a, double: {min: 0, max: 1}}]
      '64.0': [{name: b, double: {min: 0, max: 1}}]
)yaml"),
              "study.yaml:12: parameters[1].children[64.0]: the same value as key '64'");
}

TEST(StudyFileConditionalTest, OnlyParametersWithFinitelyManyValuesHaveChildren) {
  ExpectError(
      File(R"yaml(parameters:
  - name: x
    double: {min: 0, max: 1}
    children:
      '0.5': [{name: y, double: {min: 0, max: 1}}]
)yaml"),
      "study.yaml:9: parameters[0].children: only a categorical, discrete or integer parameter can have "
      "children");
}

TEST(StudyFileConditionalTest, NamesAreUniqueAcrossTheTreeUnlessOneChildIsSharedIdentically) {
  ExpectError(File(R"yaml(parameters:
  - {name: x, double: {min: 0, max: 1}}
  - name: optimizer
    categorical: {values: [sgd, adam]}
    children:
      sgd: [{name: x, double: {min: 0, max: 2}}]
)yaml"),
              "study.yaml:11: parameters[1].children[sgd][0].name: duplicate parameter name 'x' (also "
              "parameters[0])");
  ExpectError(File(R"yaml(parameters:
  - {name: x, double: {min: 0, max: 1}}
  - name: optimizer
    categorical: {values: [sgd, adam]}
    children:
      sgd: [{name: lr, double: {min: 0, max: 1}}]
      adam: [{name: lr, double: {min: 0, max: 0.1}}]
)yaml"),
              "study.yaml:12: parameters[1].children[adam][0].name: duplicate parameter name 'lr' (also "
              "parameters[1].children[sgd][0]); a child under several values of one parent must be defined "
              "identically under each");
}

TEST(StudyFileConditionalTest, TheTreeIsAtMostMaxParameterDepthDeep) {
  // A chain of categorical parameters a0 -> a1 -> ... each under the value `on` of the one above.
  std::string yaml = std::string(kHead) + "parameters:\n  - {name: x, double: {min: 0, max: 1}}\n";
  std::string indent = "  ";
  for (int level = 0; level <= kMaxParameterDepth; ++level) {
    yaml += indent + "- name: a" + std::to_string(level) + "\n";
    yaml += indent + "  categorical: {values: [on, off]}\n";
    if (level < kMaxParameterDepth) {
      yaml += indent + "  children:\n" + indent + "    'on':\n";
      indent += "      ";
    }
  }
  // Depth kMaxParameterDepth is allowed ...
  ASSERT_TRUE(Parse(yaml).ok()) << Parse(yaml).status();
  // ... one more is not.
  yaml += indent + "  children:\n" + indent + "    'on': [{name: deep, double: {min: 0, max: 1}}]\n";
  absl::StatusOr<v1::StudySpec> spec = Parse(yaml);
  ASSERT_FALSE(spec.ok());
  EXPECT_THAT(std::string(spec.status().message()),
              ::testing::HasSubstr(".children: level 9, over the limit max_parameter_depth = 8"));
}

TEST(StudyFileConditionalTest, ACommandCannotPutAConditionalParameterInItsArguments) {
  absl::StatusOr<v1::StudySpec> spec = Parse(R"yaml(name: s
objective: {metric: value, goal: minimize}
algorithm: {random: {seed: 1}}
budget: {max_trials: 10}
task: {command: {argv: [prog, '--momentum={momentum}']}}
parameters:
  - name: optimizer
    categorical: {values: [sgd, adam]}
    children:
      sgd: [{name: momentum, double: {min: 0, max: 0.99}}]
)yaml");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(),
            "study.yaml:5: task.command.argv[1]: '{momentum}' is a conditional parameter, absent from trials "
            "where it is inactive; read it from the JSON in HYPERLAB_PARAMS, which holds the active "
            "parameters");
}

TEST(StudyFileConditionalTest, AGridCountsTheConfigurationsOfTheTree) {
  // 1000 values; under each of 3 of them a 1000 x 1000 grid: 997 + 3 x 10^6 points, over 10^9 with x.
  std::string values, children;
  for (int i = 0; i < 1000; ++i) values += (i ? ", " : "") + std::to_string(i);
  const std::string yaml = R"yaml(name: s
objective: {metric: value, goal: minimize}
algorithm: {grid: {points_per_double: 1000}}
budget: {max_trials: 10}
task: {command: {argv: [prog]}}
parameters:
  - name: c
    discrete: {values: [)yaml" +
                           values + R"yaml(]}
    children:
      '1': &grid [{name: a, double: {min: 0, max: 1}}, {name: b, double: {min: 0, max: 1}}]
      '2': *grid
      '3': *grid
  - {name: x, double: {min: 0, max: 1}}
)yaml";
  absl::StatusOr<v1::StudySpec> spec = Parse(yaml);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(),
            "study.yaml:13: parameters[1] (name 'x'): the grid has up to 3000997000 points with "
            "parameters[0..1], over the limit max_grid_points = 1000000000; use fewer values, a smaller "
            "algorithm.grid.points_per_double, or random or bayesian search");
}

TEST(StudyFileConditionalTest, KeysAreBoundedAndShownEscaped) {
  // A key over max_value_length is refused before it is looked at or echoed (set on the message: YAML
  // itself refuses such a long plain key).
  absl::StatusOr<v1::StudySpec> spec =
      Parse(File("parameters:\n  - name: o\n    categorical: {values: [a, b]}\n  - {name: x, double: {min: "
                 "0, max: 1}}\n"));
  ASSERT_TRUE(spec.ok()) << spec.status();
  (*spec->mutable_parameters(0)->mutable_children())[std::string(kMaxValueLength + 1, 'k')];
  EXPECT_EQ(std::string(ValidateStudySpec(*spec).message()),
            "parameters[0].children: a key of 1025 characters, over the limit max_value_length = 1024");
  // More keys than the parent has values.
  ExpectError(File("parameters:\n  - name: o\n    categorical: {values: [a]}\n    children:\n      a: []\n"
                   "      b: []\n"),
              "study.yaml:9: parameters[0].children: 2 keys for 1 values of parameter 'o'");
  // A key that is not a value is shown escaped: no raw control characters in the one-line message.
  ExpectError(
      File("parameters:\n  - name: o\n    categorical: {values: [a, b]}\n    children:\n      \"x\\ty\": "
           "[]\n"),
      "study.yaml:9: parameters[0].children[x\\ty]: 'x\\ty' is not a value of parameter 'o'; expected one "
      "of a, b");
}

}  // namespace
}  // namespace hyperlab::tools
