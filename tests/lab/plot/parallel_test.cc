// Parallel coordinates: an axis per parameter and one for the objective, a line per trial through its values,
// coloured by the objective; log axes for log-scale parameters, bands for categories, failed trials grey.
#include <cmath>
#include <regex>

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/plot/fixtures.h"
#include "tests/lab/plot/plot_test_util.h"
#include "lab/plot/palette.h"
#include "lab/plot/plots.h"

namespace hyperlab::plot {
namespace {

using ::testing::ElementsAre;
using testing::FixtureStudy;
using ::testing::HasSubstr;
using testing::ParseSvg;
using testing::Texts;
using testing::XmlNode;

// The (x, y) points of a line's path ("M x y L x y ...").
std::vector<std::pair<double, double>> PathPoints(const std::string& d) {
  std::vector<std::pair<double, double>> out;
  std::regex point("[ML](-?[0-9.]+) (-?[0-9.]+)");
  for (auto it = std::sregex_iterator(d.begin(), d.end(), point); it != std::sregex_iterator(); ++it)
    out.push_back({std::stod((*it)[1]), std::stod((*it)[2])});
  return out;
}

const XmlNode* LineOf(const XmlNode& svg, int64_t trial) {
  for (const XmlNode* l : svg.WithClass("line")) {
    const std::string text(absl::StripLeadingAsciiWhitespace(l->AllText()));
    if (text.rfind(absl::StrCat("trial ", trial, " ("), 0) == 0) return l;
  }
  return nullptr;
}

// The pixel y of tick `label` on axis `axis` (tick labels sit 4 px below their tick).
double TickY(const XmlNode& axis, const std::string& label) {
  for (const XmlNode* t : axis.WithClass("tick-label"))
    if (t->text == label) return t->Number("y") - 4;
  ADD_FAILURE() << "no tick " << label;
  return 0;
}

TEST(ParallelPlotTest, AnAxisPerParameterThenTheObjective) {
  auto svg = ParseSvg(ParallelPlot(FixtureStudy(), {}));
  const auto axes = svg->WithClass("axis");
  ASSERT_EQ(axes.size(), 4u);
  EXPECT_EQ(axes[0]->Attr("data-name"), "lr");
  EXPECT_EQ(axes[1]->Attr("data-name"), "epochs");
  EXPECT_EQ(axes[2]->Attr("data-name"), "optimizer");
  EXPECT_EQ(axes[3]->Attr("data-name"), "dev_accuracy");
  EXPECT_TRUE(axes[3]->HasClass("objective"));
  // Log ticks at the decades for lr, one label per category for optimizer.
  EXPECT_THAT(Texts(axes[0]->WithClass("tick-label")), ElementsAre("0.0001", "0.001", "0.01", "0.1"));
  EXPECT_THAT(Texts(axes[0]->WithClass("axis-kind")), ElementsAre("log scale"));
  EXPECT_THAT(Texts(axes[2]->WithClass("tick-label")), ElementsAre("adam", "sgd"));
  EXPECT_THAT(Texts(axes[2]->WithClass("axis-kind")), ElementsAre("categorical"));
  EXPECT_THAT(Texts(axes[3]->WithClass("axis-kind")), ElementsAre("higher is better"));
}

TEST(ParallelPlotTest, OneLinePerTrialThroughItsValues) {
  auto svg = ParseSvg(ParallelPlot(FixtureStudy(), {}));
  EXPECT_EQ(svg->WithClass("line").size(), 12u);  // 9 succeeded, 1 stopped, 2 failed.
  const auto axes = svg->WithClass("axis");
  // Trial 6: lr = 3e-3 on a log axis from 1e-4 to 1e-1: log10(30) / 3 of the way up from 1e-4.
  const XmlNode* line = LineOf(*svg, 6);
  ASSERT_NE(line, nullptr);
  const auto points = PathPoints(line->Attr("d"));
  ASSERT_EQ(points.size(), 4u);
  const double bottom = TickY(*axes[0], "0.0001"), top = TickY(*axes[0], "0.1");
  EXPECT_NEAR(points[0].second, bottom + (top - bottom) * std::log10(30) / 3, 0.02);
  // epochs = 9 on 1..10.
  const double e2 = TickY(*axes[1], "2"), e8 = TickY(*axes[1], "8");
  EXPECT_NEAR(points[1].second, e2 + (e8 - e2) * 7 / 6, 0.02);
  // adam's band, within its jitter.
  EXPECT_NEAR(points[2].second, TickY(*axes[2], "adam"),
              0.25 * std::abs(TickY(*axes[2], "adam") - TickY(*axes[2], "sgd")));
  // Each point is on its axis.
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_NEAR(points[k].first, axes[k]->WithTag("line")[0]->Number("x1"), 0.01);
  }
}

TEST(ParallelPlotTest, ColouredByTheObjectiveBrightestForTheBest) {
  auto svg = ParseSvg(ParallelPlot(FixtureStudy(), {}));
  // Maximised: the best trial (6) gets the bright end of viridis, the worst succeeded one (0) the dark end.
  const XmlNode* best = LineOf(*svg, 6);
  ASSERT_NE(best, nullptr);
  EXPECT_TRUE(best->HasClass("best"));
  EXPECT_EQ(best->Attr("stroke"), Viridis(1));
  EXPECT_EQ(LineOf(*svg, 0)->Attr("stroke"), Viridis(0));
  // The best is drawn last, on top of the others.
  EXPECT_EQ(svg->WithClass("line").back(), best);
  // Stopped: dashed.
  EXPECT_FALSE(LineOf(*svg, 5)->Attr("stroke-dasharray").empty());
}

TEST(ParallelPlotTest, FailedTrialsAreGreyUnderTheOthersAndEndInTheFailedSlot) {
  auto svg = ParseSvg(ParallelPlot(FixtureStudy(), {}));
  const auto lines = svg->WithClass("line");
  const XmlNode* failed = LineOf(*svg, 3);
  ASSERT_NE(failed, nullptr);
  EXPECT_TRUE(failed->HasClass("failed"));
  EXPECT_EQ(failed->Attr("stroke"), LineOf(*svg, 8)->Attr("stroke"));  // INFEASIBLE: the same grey.
  EXPECT_NE(failed->Attr("stroke").find("#b"), std::string::npos);
  EXPECT_TRUE(lines[0]->HasClass("failed") || lines[0]->HasClass("infeasible"));
  // It ends below every value on the objective axis, at the "failed" label.
  const auto objective = svg->WithClass("objective")[0];
  const double end_y = PathPoints(failed->Attr("d")).back().second;
  for (const XmlNode* t : objective->WithClass("tick-label")) {
    if (t->HasClass("failed-slot")) {
      EXPECT_NEAR(t->Number("y") - 4, end_y, 0.01);
    } else {
      EXPECT_LT(t->Number("y") - 4, end_y - 10) << t->text;
    }
  }
  EXPECT_THAT(Texts(svg->WithClass("legend-label")), ::testing::Contains("failed (no value)"));
  EXPECT_THAT(svg->WithClass("subtitle")[0]->text, HasSubstr("2 failed, in grey"));
}

TEST(ParallelPlotTest, ObjectiveOverDecadesOnALogAxis) {
  auto svg = ParseSvg(ParallelPlot(testing::LossStudy(), {}));
  const auto objective = svg->WithClass("objective")[0];
  EXPECT_THAT(Texts(objective->WithClass("axis-kind")), ElementsAre("lower is better, log scale"));
  std::vector<std::string> ticks;
  for (const XmlNode* t : objective->WithClass("tick-label"))
    if (!t->HasClass("failed-slot")) ticks.push_back(t->text);
  EXPECT_THAT(ticks, ElementsAre("0.0001", "0.001", "0.01", "0.1", "1", "10", "100"));
  // Minimised: the lowest loss is the brightest.
  ASSERT_NE(LineOf(*svg, 10), nullptr);
  EXPECT_EQ(LineOf(*svg, 10)->Attr("stroke"), Viridis(1));
}

TEST(ParallelPlotTest, ParamsChooseAndOrderTheAxes) {
  auto svg = ParseSvg(ParallelPlot(FixtureStudy(), {.params = {"optimizer", "lr"}}));
  const auto axes = svg->WithClass("axis");
  ASSERT_EQ(axes.size(), 3u);
  EXPECT_EQ(axes[0]->Attr("data-name"), "optimizer");
  EXPECT_EQ(axes[1]->Attr("data-name"), "lr");
  auto unknown = ParallelPlot(FixtureStudy(), {.params = {"lr", "batch"}});
  ASSERT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("lr, epochs, optimizer"));
  EXPECT_EQ(ParallelPlot(FixtureStudy(), {.params = {"lr", "lr"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ParallelPlotTest, ErrorsNameWhatIsMissing) {
  StudyData data = FixtureStudy();
  EXPECT_EQ(ParallelPlot(data, {.metric = "nope"}).status().code(), absl::StatusCode::kInvalidArgument);
  data.trials.clear();
  EXPECT_EQ(ParallelPlot(data, {}).status().code(), absl::StatusCode::kFailedPrecondition);
  auto kind = ParsePlotKind("parallel");
  ASSERT_TRUE(kind.ok());
  EXPECT_TRUE(MakePlot(*kind, FixtureStudy(), {}).ok());
}

}  // namespace
}  // namespace hyperlab::plot
