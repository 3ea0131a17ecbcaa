#include "worker/train/metrics.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace hyperlab::worker::train {
namespace {

TEST(MetricsTest, PrecisionRecallF1FromAKnownConfusionMatrix) {
  // truth 0: 3 right, 1 as class 1; truth 1: 2 right; truth 2: 1 as class 0, never predicted.
  const ClassificationReport r = Classify({0, 0, 0, 0, 1, 1, 2}, {0, 0, 0, 1, 1, 1, 0}, 3);
  EXPECT_EQ(r.confusion, (std::vector<std::vector<int64_t>>{{3, 1, 0}, {0, 2, 0}, {1, 0, 0}}));
  EXPECT_DOUBLE_EQ(r.accuracy, 5.0 / 7);
  EXPECT_DOUBLE_EQ(r.precision[0], 0.75);
  EXPECT_DOUBLE_EQ(r.recall[0], 0.75);
  EXPECT_DOUBLE_EQ(r.precision[1], 2.0 / 3);
  EXPECT_DOUBLE_EQ(r.recall[1], 1.0);
  EXPECT_DOUBLE_EQ(r.f1[1], 0.8);
  EXPECT_DOUBLE_EQ(r.precision[2], 0);  // Never predicted: zero_division = 0.
  EXPECT_DOUBLE_EQ(r.f1[2], 0);
  EXPECT_DOUBLE_EQ(r.macro_f1, (0.75 + 0.8 + 0) / 3);
  std::map<std::string, double> m;
  AddClassificationMetrics(r, m);
  EXPECT_DOUBLE_EQ(m["recall_1"], 1.0);
  EXPECT_DOUBLE_EQ(m["f1"], r.macro_f1);
  const nlohmann::json j = nlohmann::json::parse(ConfusionMatrixJson(r, {"a", "b", "c"}));
  EXPECT_EQ(j["matrix"][2][0], 1);
  EXPECT_EQ(j["classes"][1], "b");
}

TEST(MetricsTest, RegressionErrors) {
  const RegressionReport r = Regress({1, 2, 3, 4}, {1, 2, 3, 6});
  EXPECT_DOUBLE_EQ(r.mse, 1.0);
  EXPECT_DOUBLE_EQ(r.mae, 0.5);
  EXPECT_DOUBLE_EQ(r.r2, 1 - 4 / 5.0);
}

TEST(MetricsTest, MetricAnalysisGapsWithKnownAnswers) {
  // Human 1%, train 8%, dev 10%, test 10.5%: avoidable bias 7%, variance 2%, dev overfitting 0.5%.
  const Gaps g = MetricGaps(0.01, 0.08, 0.10, 0.105);
  EXPECT_NEAR(g.avoidable_bias, 0.07, 1e-12);
  EXPECT_NEAR(g.variance, 0.02, 1e-12);
  EXPECT_NEAR(g.dev_overfit, 0.005, 1e-12);
}

TEST(MetricsTest, KFoldAverageAndSpread) {
  const auto m =
      AverageFolds({{{"acc", 0.8}, {"loss", 1}}, {{"acc", 0.9}, {"loss", 3}}, {{"acc", 1.0}, {"loss", 2}}});
  EXPECT_NEAR(m.at("acc"), 0.9, 1e-12);
  EXPECT_NEAR(m.at("acc_std"), std::sqrt(0.02 / 3), 1e-12);
  EXPECT_NEAR(m.at("loss"), 2, 1e-12);
  EXPECT_NEAR(m.at("loss_std"), std::sqrt(2.0 / 3), 1e-12);
}

}  // namespace
}  // namespace hyperlab::worker::train
