// Plots of a study with conditional parameters (optimizer: sgd -> momentum, adam -> beta1): every
// parameter of the tree gets its panel, axis and bar, and a trial without a child is skipped (slice), put
// in the axis's "absent" slot (parallel) or left out of the child's fit (importance), never given a value.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lab/plot/plots.h"
#include "tests/lab/plot/fixtures.h"
#include "tests/lab/plot/plot_test_util.h"

namespace hyperlab::plot {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ParseSvg;
using testing::XmlNode;

// y (minimised) = the lr's bowl + for sgd a strong momentum term; beta1 does not matter for adam.
double Loss(double lr, const std::string& optimizer, double child) {
  const double d = std::log10(lr) + 2.5;
  return d * d + (optimizer == "sgd" ? 4 * (child - 0.9) * (child - 0.9) : 0.3);
}

// Study "cond": lr (log), optimizer (sgd, adam) with momentum under sgd and beta1 under adam. Trials
// alternate sgd (even ids) and adam (odd ids); trial `failed` (odd: adam) FAILED without a value.
StudyData ConditionalStudy(int trials = 40, int failed = 7, int sgd_trials = -1) {
  v1::ParameterSpec optimizer = testing::CategoricalParam("optimizer", {"sgd", "adam"});
  *(*optimizer.mutable_children())["sgd"].add_parameters() = testing::DoubleParam("momentum", 0, 0.99, false);
  *(*optimizer.mutable_children())["adam"].add_parameters() =
      testing::DoubleParam("beta1", 0.8, 0.999, false);
  StudyData data;
  data.study = testing::MakeStudy("cond", "loss", /*maximize=*/false,
                                  {testing::DoubleParam("lr", 1e-4, 1e-1, true), optimizer});
  int sgd = 0;
  for (int i = 0; i < trials; ++i) {
    const double lr = std::pow(10, -4 + 3 * std::fmod(i * 0.618034, 1.0));
    const double u = std::fmod(i * 0.414214 + 0.1, 1.0);
    std::string opt = i % 2 == 0 ? "sgd" : "adam";
    if (opt == "sgd" && sgd_trials >= 0 && sgd >= sgd_trials) opt = "adam";
    sgd += opt == "sgd" ? 1 : 0;
    const std::string child = opt == "sgd" ? "momentum" : "beta1";
    const double value = opt == "sgd" ? 0.99 * u : 0.8 + 0.199 * u;
    const bool fails = i == failed;
    data.trials.push_back(testing::MakeTrial(
        i, fails ? v1::Trial::FAILED : v1::Trial::SUCCEEDED, {{"lr", lr}, {"optimizer", opt}, {child, value}},
        fails ? std::map<std::string, double>{}
              : std::map<std::string, double>{{"loss", Loss(lr, opt, value)}}));
  }
  return data;
}

// The trial id a point's or line's tooltip names ("trial 12 (succeeded): ...").
int TrialOf(const XmlNode& n) {
  const std::string text = n.AllText();
  int id = -1;
  const size_t at = text.find("trial ");
  EXPECT_NE(at, std::string::npos) << text;
  EXPECT_TRUE(absl::SimpleAtoi(text.substr(at + 6, text.find(' ', at + 6) - at - 6), &id)) << text;
  return id;
}

TEST(ConditionalPlotsTest, SliceHasAPanelPerChildWithOnlyTheTrialsThatHaveIt) {
  const StudyData data = ConditionalStudy();
  auto svg = ParseSvg(SlicePlot(data, {}));
  const auto panels = svg->WithClass("points");
  ASSERT_EQ(panels.size(), 4u);
  EXPECT_EQ(panels[0]->Attr("data-parameter"), "lr");
  EXPECT_EQ(panels[1]->Attr("data-parameter"), "optimizer");
  EXPECT_EQ(panels[2]->Attr("data-parameter"), "momentum");
  EXPECT_EQ(panels[3]->Attr("data-parameter"), "beta1");
  // 40 trials, 39 with a value: 20 sgd, 19 adam (trial 7 failed).
  EXPECT_EQ(panels[0]->WithClass("point").size(), 39u);
  const auto momentum = panels[2]->WithClass("point");
  const auto beta1 = panels[3]->WithClass("point");
  EXPECT_EQ(momentum.size(), 20u);
  EXPECT_EQ(beta1.size(), 19u);
  for (const XmlNode* p : momentum) {
    EXPECT_EQ(TrialOf(*p) % 2, 0) << p->AllText();
    EXPECT_THAT(p->AllText(), HasSubstr("optimizer=sgd"));
  }
  for (const XmlNode* p : beta1) EXPECT_THAT(p->AllText(), HasSubstr("optimizer=adam"));
  EXPECT_THAT(svg->AllText(), HasSubstr("momentum (only when optimizer = sgd)"));
  EXPECT_THAT(svg->AllText(), HasSubstr("beta1 (only when optimizer = adam)"));

  // One child alone, by name.
  auto one = ParseSvg(SlicePlot(data, {.param = "beta1"}));
  ASSERT_EQ(one->WithClass("points").size(), 1u);
  EXPECT_EQ(one->WithClass("point").size(), 19u);
}

// The points of an SVG path "M x y L x y ...", in order.
std::vector<std::pair<double, double>> PathPoints(const std::string& d) {
  std::vector<std::pair<double, double>> out;
  std::vector<std::string> parts = absl::StrSplit(d, absl::ByAnyChar("ML "), absl::SkipEmpty());
  for (size_t i = 0; i + 1 < parts.size(); i += 2) {
    double x = 0, y = 0;
    EXPECT_TRUE(absl::SimpleAtod(parts[i], &x) && absl::SimpleAtod(parts[i + 1], &y)) << d;
    out.push_back({x, y});
  }
  return out;
}

TEST(ConditionalPlotsTest, ParallelGivesEachChildAnAxisAndAbsentTrialsItsAbsentSlot) {
  auto svg = ParseSvg(ParallelPlot(ConditionalStudy(), {}));
  std::map<std::string, double> axis_x;  // Parameter -> where its axis stands.
  for (const XmlNode* a : svg->WithClass("axis")) {
    const auto line = a->WithTag("line");
    ASSERT_FALSE(line.empty());
    axis_x[a->Attr("data-name")] = line[0]->Number("x1");
  }
  ASSERT_EQ(axis_x.size(), 5u);  // lr, optimizer, momentum, beta1, loss.
  ASSERT_TRUE(axis_x.contains("momentum") && axis_x.contains("beta1"));
  const auto absent = svg->WithClass("absent-slot");
  ASSERT_EQ(absent.size(), 2u);  // Under momentum and beta1 only.
  const double absent_y = absent[0]->Number("y") - 4;
  EXPECT_THAT(svg->AllText(), HasSubstr("if optimizer = sgd"));

  const auto lines = svg->WithClass("line");
  ASSERT_EQ(lines.size(), 40u);  // Every trial one unbroken line, the failed one too.
  int checked = 0;
  for (const XmlNode* line : lines) {
    const int id = TrialOf(*line);
    const std::string d = line->Attr("d");
    const auto points = PathPoints(d);
    ASSERT_EQ(points.size(), 5u) << d;
    EXPECT_EQ(std::count(d.begin(), d.end(), 'M'), 1) << "one unbroken line: " << d;
    const bool sgd = id % 2 == 0;
    const auto& at_momentum = points[2];
    const auto& at_beta1 = points[3];
    EXPECT_NEAR(at_momentum.first, axis_x["momentum"], 0.01);
    EXPECT_NEAR(at_beta1.first, axis_x["beta1"], 0.01);
    // The child it does not have: the absent slot; the one it has: on the axis, above the slot.
    EXPECT_NEAR(sgd ? at_beta1.second : at_momentum.second, absent_y, 0.01) << id;
    EXPECT_LT(sgd ? at_momentum.second : at_beta1.second, absent_y - 10) << id;
    ++checked;
  }
  EXPECT_EQ(checked, 40);
}

TEST(ConditionalPlotsTest, ImportanceRanksEachChildWithinItsBranch) {
  auto svg = ParseSvg(ImportancePlot(ConditionalStudy(), {}));
  std::map<std::string, const XmlNode*> bars;
  for (const XmlNode* b : svg->WithClass("bar")) bars[b->Attr("data-parameter")] = b;
  ASSERT_EQ(bars.size(), 4u);
  ASSERT_TRUE(bars.contains("momentum") && bars.contains("beta1"));
  EXPECT_EQ(bars["momentum"]->Attr("data-within"), "optimizer = sgd");
  EXPECT_EQ(bars["beta1"]->Attr("data-within"), "optimizer = adam");
  EXPECT_EQ(bars["lr"]->Attr("data-within"), "");
  // Among the sgd trials momentum matters (its term spans 0..3.2, the lr's 0..2.25); beta1 never does.
  EXPECT_GT(bars["momentum"]->Number("data-share"), 0.3);
  EXPECT_LT(bars["beta1"]->Number("data-share"), 0.1);
  EXPECT_THAT(bars["momentum"]->AllText(), HasSubstr("within optimizer = sgd (20 trials)"));
  EXPECT_THAT(bars["beta1"]->AllText(), HasSubstr("within optimizer = adam (19 trials)"));
  EXPECT_EQ(svg->WithClass("conditional-note").size(), 1u);
  EXPECT_TRUE(svg->WithClass("bar-missing").empty());
}

TEST(ConditionalPlotsTest, ImportanceSaysWhenTooFewTrialsHaveAChild) {
  // Two sgd trials: too few for momentum's fit; the others still get their bars.
  auto svg = ParseSvg(ImportancePlot(ConditionalStudy(30, 7, /*sgd_trials=*/2), {}));
  const auto missing = svg->WithClass("bar-missing");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0]->Attr("data-parameter"), "momentum");
  EXPECT_THAT(missing[0]->text, HasSubstr("2 where optimizer = sgd"));
  std::vector<std::string> names;
  for (const XmlNode* b : svg->WithClass("bar")) names.push_back(b->Attr("data-parameter"));
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("lr", "optimizer", "beta1"));
}

TEST(ConditionalPlotsTest, ContourAndParallelTakeAChildByName) {
  const StudyData data = ConditionalStudy();
  auto svg = ParseSvg(ContourPlot(data, {.params = {"lr", "momentum"}}));
  EXPECT_THAT(svg->AllText(), Not(HasSubstr("beta1")));
  auto parallel = ParseSvg(ParallelPlot(data, {.params = {"beta1", "lr"}}));
  EXPECT_EQ(parallel->WithClass("axis").size(), 3u);
  const absl::StatusOr<std::string> unknown = SlicePlot(data, {.param = "nesterov"});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("lr, optimizer, momentum, beta1"));
}

}  // namespace
}  // namespace hyperlab::plot
