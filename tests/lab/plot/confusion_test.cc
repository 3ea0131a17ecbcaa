// The confusion matrix: k x k cells with the counts, class names, and clear errors without a matrix.
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
using testing::Texts;
using testing::XmlNode;

// What the trainer writes (worker/train/metrics.cc ConfusionMatrixJson).
constexpr char kMatrix[] = R"({"classes":["T-shirt/top","Bag & co","<Sneaker>"],"columns":"predicted",)"
                           R"("matrix":[[50,3,7],[2,40,8],[0,10,80]],"rows":"true"})";

StudyData WithMatrix() {
  StudyData data = testing::FixtureStudy();
  (*data.trials[6].mutable_trial()->mutable_artifacts())["confusion_matrix"] = kMatrix;  // The best trial.
  (*data.trials[2].mutable_trial()->mutable_artifacts())["confusion_matrix"] = R"({"matrix":[[1,0],[0,1]]})";
  return data;
}

TEST(ConfusionPlotTest, BestTrialsMatrixWithCountsAndClassNames) {
  auto svg = ParseSvg(ConfusionPlot(WithMatrix(), {}));
  EXPECT_THAT(svg->WithClass("title")[0]->text, HasSubstr("trial 6"));
  EXPECT_EQ(svg->WithClass("cell").size(), 9u);
  EXPECT_EQ(svg->WithClass("diagonal").size(), 3u);
  EXPECT_THAT(Texts(svg->WithClass("count")), ElementsAre("50", "3", "7", "2", "40", "8", "0", "10", "80"));
  const auto true_labels =
      svg->FindAll([](const XmlNode& n) { return n.HasClass("class-label") && n.HasClass("true"); });
  EXPECT_THAT(Texts(true_labels), ElementsAre("T-shirt/top", "Bag & co", "<Sneaker>"));
  EXPECT_THAT(Texts(svg->WithClass("recall")), ElementsAre("83%", "80%", "89%"));
  EXPECT_THAT(svg->AllText(), HasSubstr("accuracy 85.0% of 200 test examples"));
  // The darkest cell of each row is its largest share.
  EXPECT_EQ(svg->WithClass("cell")[0]->Attr("fill") == svg->WithClass("cell")[1]->Attr("fill"), false);
}

TEST(ConfusionPlotTest, ChosenTrialAndNumberedClassesWithoutNames) {
  auto svg = ParseSvg(ConfusionPlot(WithMatrix(), {.trial = 2}));
  EXPECT_EQ(svg->WithClass("cell").size(), 4u);
  const auto labels =
      svg->FindAll([](const XmlNode& n) { return n.HasClass("class-label") && n.HasClass("predicted"); });
  EXPECT_THAT(Texts(labels), ElementsAre("0", "1"));
}

TEST(ConfusionPlotTest, TrialWithoutMatrixNamesTheTrialsThatHaveOne) {
  auto result = ConfusionPlot(WithMatrix(), {.trial = 1});
  ASSERT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("trial 1 (succeeded) has no confusion_matrix"));
  EXPECT_THAT(result.status().message(), HasSubstr("trials with one: 2, 6"));
}

TEST(ConfusionPlotTest, Errors) {
  EXPECT_EQ(ConfusionPlot(WithMatrix(), {.trial = 42}).status().code(), absl::StatusCode::kInvalidArgument);
  auto none = ConfusionPlot(testing::FixtureStudy(), {});
  ASSERT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(none.status().message(), HasSubstr("no trial of study 'fixture' has a confusion_matrix"));
  StudyData bad = testing::FixtureStudy();
  (*bad.trials[0].mutable_trial()->mutable_artifacts())["confusion_matrix"] = R"({"matrix":[[1,2],[3]]})";
  auto malformed = ConfusionPlot(bad, {.trial = 0});
  ASSERT_EQ(malformed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(malformed.status().message(), HasSubstr("malformed"));
  (*bad.trials[0].mutable_trial()->mutable_artifacts())["confusion_matrix"] = "not json";
  EXPECT_EQ(ConfusionPlot(bad, {.trial = 0}).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace hyperlab::plot
