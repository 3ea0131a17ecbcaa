// The slice plot: a panel per parameter, log axes at decades for LOG parameters, bands for categories.
#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/plot/fixtures.h"
#include "tests/lab/plot/plot_test_util.h"
#include "lab/plot/plots.h"

namespace hyperlab::plot {
namespace {

using ::testing::ElementsAre;
using testing::FixtureStudy;
using ::testing::HasSubstr;
using testing::ParseSvg;
using testing::Texts;
using testing::XmlNode;

std::vector<const XmlNode*> XTicks(const XmlNode& svg) {
  return svg.FindAll([](const XmlNode& n) { return n.HasClass("tick-label") && n.HasClass("x"); });
}

TEST(SlicePlotTest, OnePanelPerParameterEachWithEveryTrialThatHasAValue) {
  auto svg = ParseSvg(SlicePlot(FixtureStudy(), {}));
  const auto panels = svg->WithClass("points");
  ASSERT_EQ(panels.size(), 3u);
  EXPECT_EQ(panels[0]->Attr("data-parameter"), "lr");
  EXPECT_EQ(panels[1]->Attr("data-parameter"), "epochs");
  EXPECT_EQ(panels[2]->Attr("data-parameter"), "optimizer");
  for (const XmlNode* p : panels) {
    // 9 succeeded + 1 stopped with a value; failed trials have none.
    EXPECT_EQ(p->WithClass("point").size(), 10u) << p->Attr("data-parameter");
    EXPECT_EQ(p->WithClass("stopped").size(), 1u);
    ASSERT_EQ(p->WithClass("best").size(), 1u);
    EXPECT_THAT(p->WithClass("best")[0]->AllText(), HasSubstr("trial 6"));
  }
}

TEST(SlicePlotTest, LogParameterHasTicksAtDecadesEquallySpaced) {
  auto svg = ParseSvg(SlicePlot(FixtureStudy(), {.param = "lr"}));
  const auto ticks = XTicks(*svg);
  ASSERT_THAT(Texts(ticks), ElementsAre("0.0001", "0.001", "0.01", "0.1"));
  const double step = ticks[1]->Number("x") - ticks[0]->Number("x");
  EXPECT_GT(step, 50);
  for (size_t i = 2; i < ticks.size(); ++i) {
    EXPECT_NEAR(ticks[i]->Number("x") - ticks[i - 1]->Number("x"), step, 0.02);
  }
  EXPECT_EQ(svg->WithClass("points").size(), 1u);
  EXPECT_THAT(svg->AllText(), HasSubstr("lr (log scale)"));
  // A point at lr = 1e-3 (trial 5) lies on the 0.001 tick.
  for (const XmlNode* p : svg->WithClass("point")) {
    if (p->AllText().find("trial 5 ") != std::string::npos) {
      EXPECT_NEAR(p->Number("cx"), ticks[1]->Number("x"), 0.02);
    }
  }
}

TEST(SlicePlotTest, CategoricalParameterHasOneBandPerCategoryAndItsMean) {
  auto svg = ParseSvg(SlicePlot(FixtureStudy(), {.param = "optimizer"}));
  EXPECT_THAT(Texts(XTicks(*svg)), ElementsAre("adam", "sgd"));
  EXPECT_EQ(svg->WithClass("category-mean").size(), 2u);
  // Trials of a category stay inside its band (the left half of the plot for adam).
  const auto ticks = XTicks(*svg);
  const double middle = (ticks[0]->Number("x") + ticks[1]->Number("x")) / 2;
  for (const XmlNode* p : svg->WithClass("point")) {
    const bool adam = p->AllText().find("optimizer=adam") != std::string::npos;
    EXPECT_EQ(p->Number("cx") < middle, adam) << p->AllText();
  }
}

TEST(SlicePlotTest, UnknownParameterNamesTheStudysParameters) {
  auto result = SlicePlot(FixtureStudy(), {.param = "learning_rate"});
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("unknown parameter 'learning_rate'"));
  EXPECT_THAT(result.status().message(), HasSubstr("lr, epochs, optimizer"));
}

TEST(SlicePlotTest, NamesFromTheStudyAreEscaped) {
  StudyData data;
  data.study = testing::MakeStudy("esc", "score", true,
                                  {testing::CategoricalParam("kind", {"T-shirt & top", "<bag>"})});
  data.trials.push_back(
      testing::MakeTrial(0, v1::Trial::SUCCEEDED, {{"kind", std::string("<bag>")}}, {{"score", 1}}));
  data.trials.push_back(
      testing::MakeTrial(1, v1::Trial::SUCCEEDED, {{"kind", std::string("T-shirt & top")}}, {{"score", 2}}));
  auto svg = ParseSvg(SlicePlot(data, {}));
  EXPECT_THAT(Texts(XTicks(*svg)), ElementsAre("T-shirt & top", "<bag>"));
}

TEST(SlicePlotTest, ValuesSpanningDecadesGoOnALogAxis) {
  auto svg = ParseSvg(SlicePlot(testing::LossStudy(), {.param = "lr"}));
  const auto y_ticks =
      svg->FindAll([](const XmlNode& n) { return n.HasClass("tick-label") && n.HasClass("y"); });
  EXPECT_THAT(Texts(y_ticks), ElementsAre("0.0001", "0.001", "0.01", "0.1", "1", "10", "100"));
  EXPECT_EQ(svg->WithClass("axis-label")[1]->text, "loss (log scale)");
  // The fixture's accuracies (under two decades) stay linear.
  EXPECT_EQ(ParseSvg(SlicePlot(FixtureStudy(), {.param = "lr"}))->WithClass("axis-label")[1]->text,
            "dev_accuracy");
}

}  // namespace
}  // namespace hyperlab::plot
