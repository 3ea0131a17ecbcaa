// The contour plot: a filled grid from the Gaussian-process fit, the trials on top, a colour scale.
#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/plot/fixtures.h"
#include "tests/lab/plot/plot_test_util.h"
#include "lab/plot/plots.h"
#include "lab/plot/surrogate.h"

namespace hyperlab::plot {
namespace {

using ::testing::ElementsAre;
using testing::FixtureStudy;
using ::testing::HasSubstr;
using testing::ParseSvg;
using testing::Texts;
using testing::XmlNode;

TEST(ContourPlotTest, GridOfCellsTrialsOnTopAndAColourScale) {
  auto svg = ParseSvg(ContourPlot(FixtureStudy(), {}));  // Default: the first two parameters, lr and epochs.
  EXPECT_EQ(svg->WithClass("cell").size(), 40u * 40u);
  const auto points = svg->WithClass("points")[0]->WithTag("circle");
  EXPECT_EQ(points.size(), 9u);  // The succeeded trials the fit rests on.
  ASSERT_EQ(svg->WithClass("best").size(), 1u);
  EXPECT_THAT(svg->WithClass("best")[0]->AllText(), HasSubstr("trial 6"));
  EXPECT_EQ(svg->WithClass("colourbar").size(), 1u);
  EXPECT_FALSE(svg->FindAll([](const XmlNode& n) { return n.HasClass("colour"); }).empty());
  const auto x_ticks =
      svg->FindAll([](const XmlNode& n) { return n.HasClass("tick-label") && n.HasClass("x"); });
  EXPECT_THAT(Texts(x_ticks), ElementsAre("0.0001", "0.001", "0.01", "0.1"));
  EXPECT_THAT(svg->AllText(), HasSubstr("lr (log scale)"));
}

TEST(ContourPlotTest, BrighterCellsWhereTheMetricIsHigher) {
  // The fixture peaks at lr = 10^-2.5: the cell there must be brighter (viridis: more green + red) than at
  // lr = 1e-4, at the same epochs.
  auto svg = ParseSvg(ContourPlot(FixtureStudy(), {}));
  const auto cells = svg->WithClass("cell");
  auto brightness = [](const std::string& hex) {
    const long v = std::strtol(hex.c_str() + 1, nullptr, 16);
    return ((v >> 16) & 255) + ((v >> 8) & 255);
  };
  // Cells run column by column (x), 40 per column, bottom row... any row: compare column 0 (lr = 1e-4) with
  // column 20 (the peak).
  const int row = 20;
  const std::string left = cells[0 * 40 + row]->Attr("fill"), peak = cells[20 * 40 + row]->Attr("fill");
  EXPECT_GT(brightness(peak), brightness(left) + 50) << left << " vs " << peak;
}

TEST(ContourPlotTest, FarOutliersDoNotTakeOverTheColourScale) {
  StudyData data = FixtureStudy();
  EXPECT_TRUE(ParseSvg(ContourPlot(data, {}))->WithClass("clip").empty());
  // Two diverged trials far below the others (three times the interquartile range and more): the scale's
  // bad end stops at the outer fence.
  data.trials.push_back(testing::MakeTrial(
      12, v1::Trial::SUCCEEDED, {{"lr", 0.1}, {"epochs", int64_t{10}}, {"optimizer", std::string("sgd")}},
      {{"dev_accuracy", -1.0}}));
  data.trials.push_back(testing::MakeTrial(
      13, v1::Trial::SUCCEEDED, {{"lr", 0.09}, {"epochs", int64_t{2}}, {"optimizer", std::string("sgd")}},
      {{"dev_accuracy", -0.5}}));
  auto svg = ParseSvg(ContourPlot(data, {}));
  const auto clip = svg->WithClass("clip");
  ASSERT_EQ(clip.size(), 1u);
  EXPECT_THAT(clip[0]->text, HasSubstr("≤ "));
  const double fence = std::stod(clip[0]->text.substr(std::string("≤ ").size()));
  EXPECT_GT(fence, -0.5);
  EXPECT_LT(fence, 0.6);  // Below every ordinary trial: none of them loses its colour.
}

// The numbers on the colour bar, its end and clip labels included.
std::vector<double> ColourBarValues(const XmlNode& svg) {
  std::vector<double> out;
  for (const XmlNode* t : svg.FindAll([](const XmlNode& n) { return n.HasClass("colour"); })) {
    std::string text = t->text;
    for (const char* prefix : {"≤ ", "≥ "}) {
      if (text.rfind(prefix, 0) == 0) text = text.substr(std::string(prefix).size());
    }
    out.push_back(std::stod(text));
  }
  return out;
}

TEST(ContourPlotTest, ColoursNeverGoBeyondTheObservedValues) {
  // A loss over seven decades: a fit to the raw values swings far below zero between the trials, and the
  // colour bar used to follow it (to -34 for a loss that cannot be negative).
  const StudyData data = testing::LossStudy();
  double lo = 1e300, hi = 0;
  for (const auto& item : data.trials) {
    if (auto v = MetricValue(item.trial(), "loss")) lo = std::min(lo, *v), hi = std::max(hi, *v);
  }
  auto svg = ParseSvg(ContourPlot(data, {}));
  const std::vector<double> bar = ColourBarValues(*svg);
  ASSERT_GE(bar.size(), 3u);
  for (double v : bar) {
    EXPECT_GE(v, lo * (1 - 1e-3)) << "colour bar label below the lowest observed loss";
    EXPECT_LE(v, hi * (1 + 1e-3)) << "colour bar label above the highest observed loss";
  }
  // Its good end is the best trial's value, written out.
  const auto ends = svg->WithClass("end");
  ASSERT_FALSE(ends.empty());
  EXPECT_EQ(ends[0]->text, ShortNumber(lo));
  // The surface's colours are drawn from the same range.
  const XmlNode* surface = svg->WithClass("surface")[0];
  EXPECT_GE(surface->Number("data-colour-min"), lo * (1 - 1e-9));
  EXPECT_LE(surface->Number("data-colour-max"), hi * (1 + 1e-9));
  // Fitted in log space, and the subtitle says so.
  EXPECT_THAT(svg->WithClass("subtitle")[0]->text, HasSubstr("log space"));
  EXPECT_THAT(svg->WithClass("subtitle")[0]->text, HasSubstr("colours only span the observed values"));
  // Decades on the colour bar.
  EXPECT_THAT(svg->AllText(), HasSubstr("0.001"));

  // A maximised metric in a narrow range (the fixture's accuracies): the same rule.
  auto accuracy = ParseSvg(ContourPlot(FixtureStudy(), {}));
  for (double v : ColourBarValues(*accuracy)) {
    EXPECT_GE(v, 0.59);
    EXPECT_LE(v, 0.8959 + 1e-4);
  }
}

TEST(ContourPlotTest, FailedTrialsAreDrawnWhereTheyWereTriedAndInTheLegend) {
  const StudyData data = testing::LossStudy();
  auto svg = ParseSvg(ContourPlot(data, {}));
  ASSERT_EQ(svg->WithClass("failed-points").size(), 1u);
  const auto failed = svg->WithClass("failed-points")[0]->WithClass("failed");
  ASSERT_EQ(failed.size(), 4u);  // Trials 20 to 23 diverged.
  EXPECT_THAT(failed[0]->AllText(), HasSubstr("trial 20 (failed): no value"));
  EXPECT_THAT(failed[0]->AllText(), HasSubstr("loss became NaN at step 2"));
  // Where: lr above 0.2, on the right of a log axis from 1e-5 to 1 (the last 14% of its width).
  const XmlNode* frame = svg->WithTag("rect")[1];  // The plot area's background.
  const double left = frame->Number("x"), width = frame->Number("width");
  for (const XmlNode* f : failed) {
    const std::string d = f->WithTag("path")[0]->Attr("d");
    const double x = std::stod(d.substr(1)) + 4.5;  // "M x-4.5 y-4.5 ..."
    EXPECT_GT(x, left + width * (1 - std::log10(1 / 0.2) / 5) - 1) << d;
    EXPECT_LE(x, left + width + 1) << d;
  }
  const auto legend = Texts(svg->WithClass("legend-label"));
  EXPECT_THAT(legend, ::testing::Contains("failed (no value)"));
  // The fixture's FAILED and INFEASIBLE trials, too.
  EXPECT_EQ(
      ParseSvg(ContourPlot(FixtureStudy(), {}))->WithClass("failed-points")[0]->WithClass("failed").size(),
      2u);
}

TEST(ContourPlotTest, CategoricalAxisHasACellPerCategory) {
  auto svg = ParseSvg(ContourPlot(FixtureStudy(), {.params = {"lr", "optimizer"}}));
  EXPECT_EQ(svg->WithClass("cell").size(), 40u * 2u);
}

TEST(ContourPlotTest, BadParameterListsAreInvalid) {
  const StudyData data = FixtureStudy();
  EXPECT_EQ(ContourPlot(data, {.params = {"lr"}}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ContourPlot(data, {.params = {"lr", "lr"}}).status().code(), absl::StatusCode::kInvalidArgument);
  auto unknown = ContourPlot(data, {.params = {"lr", "batch"}});
  ASSERT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("lr, epochs, optimizer"));
}

TEST(ContourPlotTest, TooFewTrialsIsAFailedPrecondition) {
  StudyData data = FixtureStudy();
  data.trials.resize(2);
  auto result = ContourPlot(data, {});
  ASSERT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("at least 3"));
}

TEST(ContourPlotTest, OneParameterStudyHasNoContour) {
  StudyData data = FixtureStudy();
  data.study.mutable_spec()->mutable_parameters()->DeleteSubrange(1, 2);
  EXPECT_EQ(ContourPlot(data, {}).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(SurrogateTest, FitsTheTrialsItWasGiven) {
  const StudyData data = FixtureStudy();
  std::vector<const v1::ParameterSpec*> params;
  for (const auto& p : data.study.spec().parameters()) params.push_back(&p);
  auto s = Surrogate::Fit(data, params, "dev_accuracy");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->observations(), 9);
  for (const auto& item : data.trials) {
    const v1::Trial& t = item.trial();
    if (t.state() != v1::Trial::SUCCEEDED) continue;
    Eigen::MatrixXd point(1, 3);
    point << s->Encode(0, t.parameters(0).value().double_value()),
        s->Encode(1, static_cast<double>(t.parameters(1).value().int_value())),
        t.parameters(2).value().string_value() == "adam" ? 0 : 1;
    EXPECT_NEAR(s->Predict(point)(0), t.metrics().at("dev_accuracy"), 0.03) << "trial " << t.id();
  }
  EXPECT_DOUBLE_EQ(s->Encode(0, 1e-4), 0);
  EXPECT_DOUBLE_EQ(s->Encode(0, 1e-1), 1);
  EXPECT_NEAR(s->Encode(0, std::pow(10, -2.5)), 0.5, 1e-12);
}

TEST(SurrogateTest, LargeStudiesUseAnEvenSpreadOfTrials) {
  StudyData data;
  data.study =
      testing::MakeStudy("big", "y", /*maximize=*/false,
                         {testing::DoubleParam("a", 0, 1, false), testing::DoubleParam("b", 0, 1, false)});
  for (int i = 0; i < 1500; ++i) {
    const double a = std::fmod(i * 0.618034, 1.0), b = std::fmod(i * 0.414214, 1.0);
    data.trials.push_back(testing::MakeTrial(i, v1::Trial::SUCCEEDED, {{"a", a}, {"b", b}},
                                             {{"y", (a - 0.3) * (a - 0.3) + b}}));
  }
  auto s = Surrogate::Fit(data, {&data.study.spec().parameters(0), &data.study.spec().parameters(1)}, "y");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->observations(), Surrogate::kDataCap);
  Eigen::MatrixXd point(1, 2);
  point << 0.3, 0.5;
  EXPECT_NEAR(s->Predict(point)(0), 0.5, 0.02);
  auto svg = ParseSvg(ContourPlot(data, {}));
  EXPECT_EQ(svg->WithClass("points")[0]->WithTag("circle").size(), 1500u);  // Every trial is still drawn.
}

}  // namespace
}  // namespace hyperlab::plot
