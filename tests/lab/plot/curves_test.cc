// Learning curves: train and dev of a metric per step for the best trials, or one trial.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/plot/fixtures.h"
#include "tests/lab/plot/plot_test_util.h"
#include "lab/plot/plots.h"

namespace hyperlab::plot {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ParseSvg;
using testing::XmlNode;

// The fixture with per-epoch measurements for its succeeded and stopped trials: training loss falls, dev
// loss falls and then rises again (overfitting) from epoch 3.
StudyData WithCurves() {
  StudyData data = testing::FixtureStudy();
  for (auto& t : data.trials) {
    if (t.trial().metrics().empty()) continue;
    const double acc = t.trial().metrics().at("dev_accuracy");
    for (int step = 1; step <= 6; ++step) {
      const double train = 1.0 / step, dev = 0.5 + 0.05 * (step - 3) * (step - 3);
      testing::AddMeasurement(t, step,
                              {{"train_loss", train},
                               {"dev_loss", dev},
                               {"train_accuracy", acc - 0.1 / step},
                               {"dev_accuracy", acc - 0.05 / step},
                               {"learning_rate", 0.01}});
    }
  }
  return data;
}

std::vector<std::string> CurveTrials(const XmlNode& svg) {
  std::vector<std::string> out;
  for (const XmlNode* g : svg.WithClass("trial-curves")) out.push_back(g->Attr("data-trial"));
  return out;
}

TEST(CurvesPlotTest, TrainAndDevLossOfTheFiveBestTrials) {
  auto svg = ParseSvg(CurvesPlot(WithCurves(), {}));
  // Best by dev_accuracy among trials with curves: 6 (0.896), 2 (0.887), 9 (0.869), 5 (stopped, 0.844),
  // 10 (0.783).
  EXPECT_THAT(CurveTrials(*svg), ElementsAre("6", "2", "9", "5", "10"));
  EXPECT_EQ(svg->WithClass("train").size(), 5u);
  EXPECT_EQ(svg->WithClass("dev").size(), 5u);
  for (const XmlNode* dev : svg->WithClass("dev")) EXPECT_FALSE(dev->Attr("stroke-dasharray").empty());
  EXPECT_EQ(svg->WithClass("step-point").size(), 5u * 2 * 6);
  EXPECT_THAT(svg->WithClass("title")[0]->text, HasSubstr("loss"));
  EXPECT_THAT(svg->WithClass("subtitle")[0]->text, HasSubstr("dev rising while train falls"));
}

TEST(CurvesPlotTest, TheDevCurveTurnsUpWhereTheModelOverfits) {
  auto svg = ParseSvg(CurvesPlot(WithCurves(), {.trial = 6}));
  ASSERT_EQ(svg->WithClass("dev").size(), 1u);
  // Six points: y (pixels, down is lower loss) falls to step 3, then rises... i.e. pixel y grows back.
  std::vector<double> ys;
  for (const XmlNode* c : svg->WithClass("step-point")) {
    if (c->Attr("fill") == "#ffffff") ys.push_back(c->Number("cy"));
  }
  ASSERT_EQ(ys.size(), 6u);
  EXPECT_GT(ys[2], ys[0]);  // Lower loss at step 3 than at step 1: lower on the page is larger y.
  EXPECT_LT(ys[5], ys[2]);  // Higher again at step 6.
}

TEST(CurvesPlotTest, TopAndAccuracy) {
  auto svg = ParseSvg(CurvesPlot(WithCurves(), {.metric = "dev_accuracy", .top = 2}));
  EXPECT_THAT(CurveTrials(*svg), ElementsAre("6", "2"));
  EXPECT_THAT(svg->WithClass("title")[0]->text, HasSubstr("accuracy"));
  EXPECT_THAT(svg->WithClass("subtitle")[0]->text, HasSubstr("dev falling while train rises"));
}

TEST(CurvesPlotTest, MetricWithoutSplitIsDrawnAlone) {
  auto svg = ParseSvg(CurvesPlot(WithCurves(), {.metric = "learning_rate", .top = 1}));
  EXPECT_EQ(svg->WithClass("curve").size(), 1u);
}

TEST(CurvesPlotTest, UnknownMetricNamesTheMeasuredOnes) {
  auto result = CurvesPlot(WithCurves(), {.metric = "f1"});
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("dev_loss, learning_rate, train_accuracy"));
}

TEST(CurvesPlotTest, NoMeasurementsIsAFailedPrecondition) {
  auto result = CurvesPlot(testing::FixtureStudy(), {});
  ASSERT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("intermediate measurements"));
  auto failed = CurvesPlot(WithCurves(), {.trial = 3});  // The failed trial measured nothing.
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CurvesPlot(WithCurves(), {.trial = 99}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CurvesPlotTest, LossesOverManyDecadesGetALogAxis) {
  StudyData data = WithCurves();
  testing::AddMeasurement(data.trials[6], 7, {{"train_loss", 1e-4}, {"dev_loss", 40}});
  auto svg = ParseSvg(CurvesPlot(data, {.trial = 6}));
  EXPECT_THAT(svg->AllText(), HasSubstr("loss (log scale)"));
}

}  // namespace
}  // namespace hyperlab::plot
