// The Pareto plot: trials over two objectives, the feasible front highlighted and joined, infeasible trials
// as crosses; a study with one objective is refused (FAILED_PRECONDITION).
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lab/plot/plots.h"
#include "tests/lab/plot/fixtures.h"
#include "tests/lab/plot/plot_test_util.h"

namespace hyperlab::plot {
namespace {

using ::testing::HasSubstr;
using testing::MakeStudy;
using testing::MakeTrial;
using testing::ParseSvg;

StudyData TwoObjectiveStudy() {
  StudyData data;
  data.study = MakeStudy("trade-off", "acc", true, {testing::DoubleParam("x", 0, 1, false)});
  v1::StudySpec& spec = *data.study.mutable_spec();
  spec.clear_objective();
  auto* acc = spec.add_objectives();
  acc->set_metric("acc");
  acc->set_goal(v1::Objective::MAXIMIZE);
  auto* latency = spec.add_objectives();
  latency->set_metric("latency");
  latency->set_goal(v1::Objective::MINIMIZE);
  auto* size = spec.add_constraints();
  size->set_metric("size");
  size->set_max(1);
  const double rows[][3] = {{0.9, 5, 0}, {0.5, 1, 0}, {0.4, 2, 0}, {0.99, 0.5, 2}, {0.7, 3, 0}};
  for (int i = 0; i < 5; ++i) {
    data.trials.push_back(MakeTrial(i, v1::Trial::SUCCEEDED, {{"x", 0.1 * i}},
                                    {{"acc", rows[i][0]}, {"latency", rows[i][1]}, {"size", rows[i][2]}}));
  }
  data.trials.push_back(MakeTrial(5, v1::Trial::FAILED, {{"x", 0.9}}, {}));
  return data;
}

TEST(ParetoPlotTest, FrontHighlightedInfeasibleCrossedDominatedPlain) {
  auto svg = ParseSvg(ParetoPlot(TwoObjectiveStudy(), {}));
  ASSERT_NE(svg, nullptr);
  EXPECT_EQ(svg->WithClass("front-line").size(), 1u);
  // 0, 1 and 4 are on the front (3 dominates everything but breaks size <= 1); 2 is dominated by 1.
  EXPECT_EQ(svg->WithClass("front").size(), 3u);
  EXPECT_EQ(svg->WithClass("succeeded").size(), 1u);
  EXPECT_EQ(svg->WithClass("infeasible").size(), 1u);
  EXPECT_THAT(svg->AllText(), HasSubstr("3 of 5 succeeded trials on the front, 1 break a constraint"));
}

TEST(ParetoPlotTest, OneObjectiveOrAnUnknownMetricIsRefused) {
  StudyData one = TwoObjectiveStudy();
  one.study.mutable_spec()->clear_objectives();
  one.study.mutable_spec()->mutable_objective()->set_metric("acc");
  EXPECT_EQ(ParetoPlot(one, {}).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ParetoPlot(TwoObjectiveStudy(), {.params = {"acc", "size"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ParetoPlot(TwoObjectiveStudy(), {.params = {"latency", "acc"}}).ok());
}

}  // namespace
}  // namespace hyperlab::plot
