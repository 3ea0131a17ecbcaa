// Importance: the parameter the metric depends on most comes first, bars sorted, shares in [0, 1].
#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/plot/fixtures.h"
#include "tests/lab/plot/plot_test_util.h"
#include "lab/plot/plots.h"

namespace hyperlab::plot {
namespace {

using ::testing::HasSubstr;
using testing::ParseSvg;
using testing::XmlNode;

// 30 trials of y = strong(a) + weak(b) + nothing(c): a matters most, b a little, c not at all.
StudyData KnownImportance() {
  StudyData data;
  data.study =
      testing::MakeStudy("imp", "y", /*maximize=*/false,
                         {testing::DoubleParam("c", 0, 1, false), testing::DoubleParam("a", 1e-3, 1, true),
                          testing::CategoricalParam("b", {"x", "z"})});
  for (int i = 0; i < 30; ++i) {
    const double a = std::pow(10, -3 + 3 * std::fmod(i * 0.618034, 1.0));
    const double c = std::fmod(i * 0.414214 + 0.2, 1.0);
    const std::string b = i % 3 == 0 ? "x" : "z";
    const double y = 4 * std::pow(std::log10(a) + 1.5, 2) + (b == "x" ? 0.5 : 0);
    data.trials.push_back(
        testing::MakeTrial(i, v1::Trial::SUCCEEDED, {{"c", c}, {"a", a}, {"b", b}}, {{"y", y}}));
  }
  return data;
}

TEST(ImportancePlotTest, BarsSortedWithTheStrongestParameterFirst) {
  auto svg = ParseSvg(ImportancePlot(KnownImportance(), {}));
  const auto bars = svg->WithClass("bar");
  ASSERT_EQ(bars.size(), 3u);
  EXPECT_EQ(bars[0]->Attr("data-parameter"), "a");
  EXPECT_EQ(bars[1]->Attr("data-parameter"), "b");
  EXPECT_EQ(bars[2]->Attr("data-parameter"), "c");
  std::vector<double> shares;
  for (const XmlNode* b : bars) shares.push_back(b->Number("data-share"));
  EXPECT_GT(shares[0], 0.8);
  EXPECT_LT(shares[2], 0.05);
  for (size_t i = 0; i < shares.size(); ++i) {
    EXPECT_GE(shares[i], 0);
    EXPECT_LE(shares[i], 1);
    if (i > 0) {
      EXPECT_GE(shares[i - 1], shares[i]);
      EXPECT_GE(bars[i - 1]->Number("width"), bars[i]->Number("width"));
    }
  }
  EXPECT_THAT(svg->WithClass("note")[0]->text, HasSubstr("Main effects explain"));
}

TEST(ImportancePlotTest, FixtureStudyRanksTheLearningRateFirst) {
  auto svg = ParseSvg(ImportancePlot(testing::FixtureStudy(), {}));
  const auto bars = svg->WithClass("bar");
  ASSERT_EQ(bars.size(), 3u);
  EXPECT_EQ(bars[0]->Attr("data-parameter"), "lr");
}

TEST(ImportancePlotTest, TooFewTrialsIsAFailedPrecondition) {
  StudyData data = KnownImportance();
  data.trials.resize(2);
  EXPECT_EQ(ImportancePlot(data, {}).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ImportancePlot(data, {.metric = "nope"}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ImportancePlotTest, FewTrialsCarryACaveatInThePlot) {
  // 9 succeeded trials: shares from so few are rough, and the plot says so.
  auto few = ParseSvg(ImportancePlot(testing::FixtureStudy(), {}));
  const auto caveat = few->WithClass("caveat");
  ASSERT_EQ(caveat.size(), 1u);
  EXPECT_THAT(caveat[0]->text, HasSubstr("Only 9 trials"));
  EXPECT_THAT(caveat[0]->text, HasSubstr("rough"));
  // Below the bars and above the note, inside the picture.
  const double bottom = few->Number("height");
  EXPECT_LT(caveat[0]->Number("y"), few->WithClass("note")[0]->Number("y"));
  EXPECT_LT(caveat[0]->Number("y"), bottom);
  for (const XmlNode* bar : few->WithClass("bar")) {
    EXPECT_GT(caveat[0]->Number("y"), bar->Number("y") + bar->Number("height"));
  }
  // 30 trials: none.
  EXPECT_TRUE(ParseSvg(ImportancePlot(KnownImportance(), {}))->WithClass("caveat").empty());
  // The threshold itself: 19 trials have it, 20 do not.
  StudyData data = KnownImportance();
  data.trials.resize(kImportanceFewTrials - 1);
  EXPECT_EQ(ParseSvg(ImportancePlot(data, {}))->WithClass("caveat").size(), 1u);
  data = KnownImportance();
  data.trials.resize(kImportanceFewTrials);
  EXPECT_TRUE(ParseSvg(ImportancePlot(data, {}))->WithClass("caveat").empty());
}

TEST(ImportancePlotTest, MetricOverDecadesIsDecomposedInLogSpace) {
  // The loss study's loss spans seven decades and depends on the learning rate far more than on the width.
  auto svg = ParseSvg(ImportancePlot(testing::LossStudy(), {}));
  const auto bars = svg->WithClass("bar");
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[0]->Attr("data-parameter"), "lr");
  EXPECT_GT(bars[0]->Number("data-share"), 0.8);
  EXPECT_THAT(svg->WithClass("subtitle")[0]->text, HasSubstr("log(loss)"));
}

}  // namespace
}  // namespace hyperlab::plot
