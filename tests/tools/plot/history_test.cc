// The history plot: one marker per finished trial by state, and a best-so-far line that only improves.
#include <regex>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/tools/plot/fixtures.h"
#include "tests/tools/plot/plot_test_util.h"
#include "tools/plot/plots.h"

namespace hyperlab::tools::plot {
namespace {

using testing::FixtureStudy;
using ::testing::HasSubstr;
using testing::ParseSvg;

TEST(HistoryPlotTest, OneMarkerPerTrialMarkedByState) {
  const StudyData data = FixtureStudy();
  auto svg = ParseSvg(HistoryPlot(data, {}));
  EXPECT_EQ(svg->WithClass("point").size(), 12u);
  EXPECT_EQ(svg->WithClass("succeeded").size(), 9u);
  EXPECT_EQ(svg->WithClass("stopped").size(), 1u);
  EXPECT_EQ(svg->WithClass("failed").size(), 2u);  // FAILED and INFEASIBLE: no value.
  EXPECT_THAT(svg->WithClass("title")[0]->text, HasSubstr("dev_accuracy"));
  EXPECT_THAT(svg->WithClass("subtitle")[0]->text, HasSubstr("best 0.8959 at trial 6"));
  // Tooltips name the trial, its state and its parameters.
  EXPECT_THAT(svg->AllText(), HasSubstr("trial 3 (failed): dev_accuracy=none"));
  EXPECT_THAT(svg->AllText(), HasSubstr("loss became NaN at epoch 2"));
}

TEST(HistoryPlotTest, BestSoFarLineOnlyImprovesAndEndsAtTheBest) {
  const StudyData data = FixtureStudy();
  auto svg = ParseSvg(HistoryPlot(data, {}));
  const auto lines = svg->WithClass("best-so-far");
  ASSERT_EQ(lines.size(), 1u);
  // "M x y" then "H x V y" steps: for a maximised metric each new y is higher on the page (smaller).
  const std::string d = lines[0]->Attr("d");
  std::regex vertical("V([0-9.]+)");
  std::vector<double> ys;
  std::smatch m;
  const std::string start = d.substr(d.find(' ') + 1);
  ys.push_back(std::stod(start));
  for (auto it = std::sregex_iterator(d.begin(), d.end(), vertical); it != std::sregex_iterator(); ++it) {
    ys.push_back(std::stod((*it)[1]));
  }
  // Improvements in trial order: trial 0 (0.598), 1 (0.755), 2 (0.887), 6 (0.896).
  ASSERT_EQ(ys.size(), 4u) << d;
  for (size_t i = 1; i < ys.size(); ++i) EXPECT_LT(ys[i], ys[i - 1]) << d;
  // The best trial's marker sits on the line's last level.
  const auto best = svg->WithClass("best-marker");
  ASSERT_EQ(best.size(), 1u);
  EXPECT_NEAR(best[0]->Number("cy"), ys.back(), 0.01);
}

TEST(HistoryPlotTest, MinimisedObjectiveStepsDown) {
  StudyData data;
  data.study = testing::MakeStudy("m", "loss", /*maximize=*/false, {testing::DoubleParam("x", 0, 1, false)});
  const double losses[] = {3, 2, 2.5, 1};
  for (int i = 0; i < 4; ++i) {
    data.trials.push_back(
        testing::MakeTrial(i, v1::Trial::SUCCEEDED, {{"x", 0.1 * i}}, {{"loss", losses[i]}}));
  }
  auto svg = ParseSvg(HistoryPlot(data, {}));
  const std::string d = svg->WithClass("best-so-far")[0]->Attr("d");
  EXPECT_EQ(std::count(d.begin(), d.end(), 'V'), 2) << d;  // 3 -> 2 -> 1; 2.5 is no improvement.
  EXPECT_THAT(svg->WithClass("subtitle")[0]->text, HasSubstr("lower is better"));
}

TEST(HistoryPlotTest, OtherMetricOnRequest) {
  auto svg = ParseSvg(HistoryPlot(FixtureStudy(), {.metric = "test_accuracy"}));
  EXPECT_THAT(svg->WithClass("title")[0]->text, HasSubstr("test_accuracy"));
}

TEST(HistoryPlotTest, UnknownMetricNamesTheAvailableOnes) {
  auto result = HistoryPlot(FixtureStudy(), {.metric = "dev_acc"});
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("unknown metric 'dev_acc'"));
  EXPECT_THAT(result.status().message(), HasSubstr("dev_accuracy"));
}

TEST(HistoryPlotTest, NoTrialsIsAFailedPrecondition) {
  StudyData data = FixtureStudy();
  data.trials.clear();
  auto result = HistoryPlot(data, {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("no trials"));
}

}  // namespace
}  // namespace hyperlab::tools::plot
