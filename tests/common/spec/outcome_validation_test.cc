// Several objectives and outcome constraints in a study spec (common/spec/outcome_validation.h): accepted
// forms, and every refusal naming its field path.
#include <string>

#include "common/spec/spec_validation.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/limits.h"
#include "proto/outcomes.h"

namespace hyperlab {
namespace {

using ::testing::StartsWith;

// A client-task study (any metric names) with two objectives and one constraint.
v1::StudySpec MultiSpec() {
  v1::StudySpec spec;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        name: "multi"
        objectives { metric: "dev_accuracy" goal: MAXIMIZE }
        objectives { metric: "latency_ms" goal: MINIMIZE }
        constraints { metric: "params_millions" max: 1 }
        parameters {
          name: "x"
          double_range { min: 0 max: 1 }
        }
        algorithm { bayesian { seed: 1 } }
        budget { max_trials: 10 }
        task { client {} }
      )pb",
      &spec));
  return spec;
}

void ExpectInvalid(const v1::StudySpec& spec, const std::string& prefix) {
  const absl::Status status = ValidateStudySpec(spec);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), StartsWith(prefix));
}

TEST(OutcomeValidationTest, SeveralObjectivesAndConstraintsAreValidBeforeAndAfterDefaults) {
  const v1::StudySpec spec = MultiSpec();
  EXPECT_TRUE(ValidateStudySpec(spec).ok()) << ValidateStudySpec(spec);
  EXPECT_TRUE(ValidateStudySpec(WithDefaults(spec)).ok());
  EXPECT_EQ(PrimaryObjective(spec).metric(), "dev_accuracy");
  EXPECT_EQ(StudyObjectives(spec).size(), 2u);
}

TEST(OutcomeValidationTest, EarlyStoppingDefaultsToThePrimaryObjective) {
  v1::StudySpec spec = MultiSpec();
  spec.mutable_early_stopping()->mutable_median();
  const v1::StudySpec filled = WithDefaults(spec);
  EXPECT_EQ(filled.early_stopping().metric(), "dev_accuracy");
  EXPECT_EQ(filled.early_stopping().goal(), v1::Objective::MAXIMIZE);
}

TEST(OutcomeValidationTest, ObjectiveAndObjectivesTogetherAreRefused) {
  v1::StudySpec spec = MultiSpec();
  spec.mutable_objective()->set_metric("loss");
  spec.mutable_objective()->set_goal(v1::Objective::MINIMIZE);
  ExpectInvalid(spec, "objective: give either objective or objectives, not both");
}

TEST(OutcomeValidationTest, BadObjectivesNameTheirPath) {
  v1::StudySpec one = MultiSpec();
  one.mutable_objectives()->RemoveLast();
  ExpectInvalid(one, "objectives: at least 2");
  v1::StudySpec dup = MultiSpec();
  dup.mutable_objectives(1)->set_metric("dev_accuracy");
  ExpectInvalid(dup, "objectives[1].metric: duplicate metric 'dev_accuracy' (also objectives[0])");
  v1::StudySpec noisy = MultiSpec();
  noisy.mutable_objectives(1)->set_noisy(true);
  ExpectInvalid(noisy, "objectives[1].noisy: only a single `objective:` may be declared noisy");
  v1::StudySpec no_goal = MultiSpec();
  no_goal.mutable_objectives(1)->clear_goal();
  ExpectInvalid(no_goal, "objectives[1].goal: required");
  v1::StudySpec bad_name = MultiSpec();
  bad_name.mutable_objectives(0)->set_metric("9lives");
  ExpectInvalid(bad_name, "objectives[0].metric: must match");
  v1::StudySpec many = MultiSpec();
  many.clear_objectives();
  for (int i = 0; i <= kMaxObjectives; ++i) {
    auto* o = many.add_objectives();
    o->set_metric("m" + std::to_string(i));
    o->set_goal(v1::Objective::MINIMIZE);
  }
  ExpectInvalid(many, "objectives: 9 entries, over the limit max_objectives = 8");
  v1::StudySpec none;
  none = MultiSpec();
  none.clear_objectives();
  ExpectInvalid(none, "objective.metric: required");
}

TEST(OutcomeValidationTest, BadConstraintsNameTheirPath) {
  v1::StudySpec no_bound = MultiSpec();
  no_bound.mutable_constraints(0)->clear_max();
  ExpectInvalid(no_bound, "constraints[0]: a bound is required");
  v1::StudySpec inf = MultiSpec();
  inf.mutable_constraints(0)->set_max(std::numeric_limits<double>::infinity());
  ExpectInvalid(inf, "constraints[0].max: must be finite");
  v1::StudySpec crossed = MultiSpec();
  crossed.mutable_constraints(0)->set_min(2);
  ExpectInvalid(crossed, "constraints[0].max: must be >= min 2, got 1");
  v1::StudySpec unnamed = MultiSpec();
  unnamed.mutable_constraints(0)->clear_metric();
  ExpectInvalid(unnamed, "constraints[0].metric: required");
  v1::StudySpec many = MultiSpec();
  for (int i = 0; i < kMaxConstraints; ++i) *many.add_constraints() = many.constraints(0);
  ExpectInvalid(many, "constraints: 17 entries, over the limit max_constraints = 16");
}

TEST(OutcomeValidationTest, MetricsMustBeOnesTheTaskReports) {
  v1::StudySpec synthetic = MultiSpec();
  synthetic.mutable_task()->mutable_synthetic()->set_function("branin");
  synthetic.clear_parameters();
  for (const char* name : {"x1", "x2"}) {
    auto* p = synthetic.add_parameters();
    p->set_name(name);
    p->mutable_double_range()->set_min(0);
    p->mutable_double_range()->set_max(1);
  }
  ExpectInvalid(synthetic, "objectives[0].metric: the synthetic task reports only 'value'");
  synthetic.clear_objectives();
  synthetic.mutable_objective()->set_metric("value");
  synthetic.mutable_objective()->set_goal(v1::Objective::MINIMIZE);
  ExpectInvalid(synthetic, "constraints[0].metric: the synthetic task reports only 'value'");
}

TEST(OutcomeValidationTest, FeasibilityMissingMetricIsInfeasible) {
  const v1::StudySpec spec = MultiSpec();
  google::protobuf::Map<std::string, double> metrics;
  EXPECT_FALSE(SatisfiesConstraints(spec, metrics));  // Not reported: infeasible.
  metrics["params_millions"] = 1;
  EXPECT_TRUE(SatisfiesConstraints(spec, metrics));  // The bound itself is allowed.
  metrics["params_millions"] = 1.0001;
  EXPECT_FALSE(SatisfiesConstraints(spec, metrics));
  metrics["params_millions"] = std::nan("");
  EXPECT_FALSE(SatisfiesConstraints(spec, metrics));
}

}  // namespace
}  // namespace hyperlab
