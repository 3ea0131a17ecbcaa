// The history plot: one marker per finished trial by state, and a best-so-far line that only improves.
#include <cmath>
#include <regex>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/plot/fixtures.h"
#include "tests/lab/plot/plot_test_util.h"
#include "lab/plot/frame.h"
#include "lab/plot/plots.h"

namespace hyperlab::plot {
namespace {

using testing::FixtureStudy;
using ::testing::HasSubstr;
using testing::ParseSvg;
using testing::XmlNode;

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

// The box a text or a trial's marker covers, in SVG pixels (text: estimated from its font size and length).
struct Rect {
  double x0, y0, x1, y1;
  bool Overlaps(const Rect& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

std::vector<Rect> MarkerBoxes(const testing::XmlNode& svg) {
  std::vector<Rect> out;
  for (const testing::XmlNode* n : svg.WithClass("point")) {
    if (n->tag == "circle") {
      const double r = n->Number("r");
      out.push_back({n->Number("cx") - r, n->Number("cy") - r, n->Number("cx") + r, n->Number("cy") + r});
    } else if (n->tag == "path") {  // A cross: "M x y L x y M x y L x y".
      std::vector<double> v;
      const std::string d = n->Attr("d");
      std::regex number("-?[0-9.]+");
      for (auto it = std::sregex_iterator(d.begin(), d.end(), number); it != std::sregex_iterator(); ++it)
        v.push_back(std::stod(it->str()));
      Rect r{1e9, 1e9, -1e9, -1e9};
      for (size_t k = 0; k + 1 < v.size(); k += 2) {
        r = {std::min(r.x0, v[k]), std::min(r.y0, v[k + 1]), std::max(r.x1, v[k]), std::max(r.y1, v[k + 1])};
      }
      out.push_back(r);
    }
  }
  return out;
}

// Texts that are not turned (turned ones are the axis labels, outside the plot area).
std::vector<std::pair<std::string, Rect>> TextBoxes(const testing::XmlNode& svg) {
  std::vector<std::pair<std::string, Rect>> out;
  for (const testing::XmlNode* n : svg.WithTag("text")) {
    if (!n->Attr("transform").empty()) continue;
    const double size = n->Number("font-size"), w = TextWidth(n->text, size);
    double x = n->Number("x");
    if (n->Attr("text-anchor") == "end") x -= w;
    if (n->Attr("text-anchor") == "middle") x -= w / 2;
    const double base = n->Number("y");
    out.push_back({n->text, {x, base - 0.8 * size, x + w, base + 0.2 * size}});
  }
  return out;
}

TEST(HistoryPlotTest, LabelsNeverLieOverTheData) {
  // The lowest value on the first trial, at the bottom of the value range, right above the failed strip:
  // where the strip's label used to be written.
  StudyData data;
  data.study = testing::MakeStudy("l", "loss", /*maximize=*/false, {testing::DoubleParam("x", 0, 1, false)});
  data.trials.push_back(testing::MakeTrial(0, v1::Trial::SUCCEEDED, {{"x", 0.1}}, {{"loss", 0.0}}));
  data.trials.push_back(testing::MakeTrial(1, v1::Trial::FAILED, {{"x", 0.9}}, {}));
  data.trials.push_back(testing::MakeTrial(2, v1::Trial::SUCCEEDED, {{"x", 0.5}}, {{"loss", 5.0}}));
  data.trials.push_back(testing::MakeTrial(3, v1::Trial::SUCCEEDED, {{"x", 0.4}}, {{"loss", 10.0}}));
  for (const StudyData& d : {data, FixtureStudy(), testing::LossStudy()}) {
    auto svg = ParseSvg(HistoryPlot(d, {}));
    const std::vector<Rect> markers = MarkerBoxes(*svg);
    ASSERT_FALSE(markers.empty());
    for (const auto& [text, box] : TextBoxes(*svg)) {
      for (const Rect& m : markers) {
        EXPECT_FALSE(box.Overlaps(m)) << "'" << text << "' lies over a trial at " << m.x0 << "," << m.y0
                                      << " in study " << d.study.spec().name();
      }
    }
  }
  auto svg = ParseSvg(HistoryPlot(data, {}));
  ASSERT_EQ(svg->WithClass("strip-label").size(), 1u);
  EXPECT_EQ(svg->WithClass("strip-label")[0]->text, "failed");
}

TEST(HistoryPlotTest, ValuesSpanningDecadesGoOnALogAxis) {
  auto svg = ParseSvg(HistoryPlot(testing::LossStudy(), {}));
  const auto y_ticks =
      svg->FindAll([](const XmlNode& n) { return n.HasClass("tick-label") && n.HasClass("y"); });
  std::vector<std::string> labels;
  for (const XmlNode* t : y_ticks) labels.push_back(t->text);
  EXPECT_THAT(labels, ::testing::ElementsAre("0.0001", "0.001", "0.01", "0.1", "1", "10", "100"));
  EXPECT_EQ(svg->WithClass("axis-label")[1]->text, "loss (log scale)");
  EXPECT_THAT(svg->WithClass("subtitle")[0]->text, HasSubstr("log axis"));
  // Each decade takes the same height: 1e-3 is as far above 1e-4 as 10 is above 1.
  auto y_of = [&](const std::string& label) {
    for (const XmlNode* t : y_ticks)
      if (t->text == label) return t->Number("y");
    return 0.0;
  };
  EXPECT_NEAR(y_of("0.0001") - y_of("0.001"), y_of("1") - y_of("10"), 0.02);
  // The best trial (1.2e-4, trial 10) sits between the 1e-4 and 1e-3 ticks, a twelfth of a decade up.
  const auto best = svg->WithClass("best-marker");
  ASSERT_EQ(best.size(), 1u);
  const double decade = y_of("0.0001") - y_of("0.001");
  EXPECT_NEAR(best[0]->Number("cy"), y_of("0.0001") - 4 - decade * std::log10(1.2 / 1.0), 1.0);

  // Under two decades (the fixture's accuracies), the axis stays linear.
  auto linear = ParseSvg(HistoryPlot(FixtureStudy(), {}));
  EXPECT_EQ(linear->WithClass("axis-label")[1]->text, "dev_accuracy");
}

}  // namespace
}  // namespace hyperlab::plot
