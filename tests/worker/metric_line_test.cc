#include "worker/metric_line.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperlab::worker {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

MetricLine ParseOk(absl::string_view line) {
  absl::StatusOr<std::optional<MetricLine>> parsed = ParseMetricLine(line);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  if (!parsed.ok() || !parsed->has_value()) {
    ADD_FAILURE() << "not a metric line: " << line;
    return {};
  }
  return **parsed;
}

absl::Status ParseError(absl::string_view line) {
  absl::StatusOr<std::optional<MetricLine>> parsed = ParseMetricLine(line);
  EXPECT_FALSE(parsed.ok()) << "parsed: " << line;
  return parsed.status();
}

TEST(ParseMetricLineTest, FinalValues) {
  MetricLine line = ParseOk("hyperlab: accuracy=0.91 loss=2.5e-1 epochs=12\n");
  EXPECT_FALSE(line.step.has_value());
  EXPECT_THAT(line.metrics, ElementsAre(Pair("accuracy", 0.91), Pair("epochs", 12.0), Pair("loss", 0.25)));
}

TEST(ParseMetricLineTest, ToleratesBlanksAndCarriageReturn) {
  MetricLine line = ParseOk("  hyperlab:value=-3\t  dev/f1=+0.5 \r\n");
  EXPECT_THAT(line.metrics, ElementsAre(Pair("dev/f1", 0.5), Pair("value", -3.0)));
}

TEST(ParseMetricLineTest, LastValueOfARepeatedNameWins) {
  EXPECT_THAT(ParseOk("hyperlab: a=1 a=2").metrics, ElementsAre(Pair("a", 2.0)));
}

TEST(ParseMetricLineTest, IntermediateMeasurement) {
  MetricLine line = ParseOk("hyperlab: step=7 train.loss=0.5 val-acc=0.8");
  ASSERT_TRUE(line.step.has_value());
  EXPECT_EQ(*line.step, 7);
  EXPECT_THAT(line.metrics, ElementsAre(Pair("train.loss", 0.5), Pair("val-acc", 0.8)));
  EXPECT_EQ(ParseOk("hyperlab: loss=1 step=0").step, 0);
}

TEST(ParseMetricLineTest, NanAndInfinityArePassedOn) {
  MetricLine line = ParseOk("hyperlab: loss=nan big=inf small=-inf also=Infinity huge=1e999");
  EXPECT_TRUE(std::isnan(line.metrics["loss"]));
  EXPECT_EQ(line.metrics["big"], std::numeric_limits<double>::infinity());
  EXPECT_EQ(line.metrics["small"], -std::numeric_limits<double>::infinity());
  EXPECT_EQ(line.metrics["also"], std::numeric_limits<double>::infinity());
  EXPECT_EQ(line.metrics["huge"], std::numeric_limits<double>::infinity());
}

TEST(ParseMetricLineTest, OtherLinesAreNotMetricLines) {
  for (absl::string_view line : {"", "epoch 3 loss=0.5", "Hyperlab: value=1", "hyperlab value=1",
                                 "# hyperlab: value=1", "hyperlabs: value=1"}) {
    absl::StatusOr<std::optional<MetricLine>> parsed = ParseMetricLine(line);
    ASSERT_TRUE(parsed.ok()) << line << ": " << parsed.status();
    EXPECT_FALSE(parsed->has_value()) << line;
  }
}

TEST(ParseMetricLineTest, MalformedLinesNameTheBadToken) {
  struct Case {
    const char* line;
    const char* token;
  };
  for (const Case& c :
       {Case{"hyperlab: value=0.5 loss", "'loss'"}, Case{"hyperlab: value=abc", "'value=abc'"},
        Case{"hyperlab: value=", "'value='"}, Case{"hyperlab: value=0x1p3", "'value=0x1p3'"},
        Case{"hyperlab: value=1.5.2", "'value=1.5.2'"}, Case{"hyperlab: 9lives=1", "'9lives=1'"},
        Case{"hyperlab: =1", "'=1'"}, Case{"hyperlab: a$b=1", "'a$b=1'"},
        Case{"hyperlab: step=-1 a=1", "'step=-1'"}, Case{"hyperlab: step=1.5 a=1", "'step=1.5'"},
        Case{"hyperlab: step=1 step=2 a=1", "'step=2'"}}) {
    absl::Status status = ParseError(c.line);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.line;
    EXPECT_THAT(status.message(), HasSubstr(c.token)) << c.line;
  }
}

TEST(ParseMetricLineTest, LineWithoutMetricsIsMalformed) {
  EXPECT_EQ(ParseError("hyperlab:").code(), absl::StatusCode::kInvalidArgument);
  absl::Status status = ParseError("hyperlab: step=3");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("no metric values"));
}

TEST(IsValidMetricNameTest, FollowsTheGrammar) {
  EXPECT_TRUE(IsValidMetricName("_a"));
  EXPECT_TRUE(IsValidMetricName("dev/f1.macro-avg_2"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_FALSE(IsValidMetricName("1a"));
  EXPECT_FALSE(IsValidMetricName("-a"));
  EXPECT_FALSE(IsValidMetricName("a b"));
}

}  // namespace
}  // namespace hyperlab::worker
