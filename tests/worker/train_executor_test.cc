#include "worker/train_executor.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace hyperlab::worker::train {
namespace {

using ::testing::HasSubstr;

class FakeContext : public TrialContext {
 public:
  explicit FakeContext(int stop_after_polls = -1) : stop_after_(stop_after_polls) {}
  void ReportMeasurement(const v1::Measurement& m) override {
    std::lock_guard<std::mutex> lock(mu_);
    measurements.push_back(m);
  }
  bool StopRequested() const override { return stop_after_ >= 0 && ++polls_ > stop_after_; }
  std::vector<v1::Measurement> measurements;

 private:
  std::mutex mu_;
  const int stop_after_;
  mutable std::atomic<int> polls_{0};
};

// A train assignment: `task_text`, then `overrides` merged over it, then the trial's parameters.
v1::Assignment Assignment(const std::string& task_text,
                          std::vector<std::pair<std::string, double>> params = {},
                          const std::string& overrides = "") {
  v1::Assignment a;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(task_text, a.mutable_task()->mutable_train()))
      << task_text;
  EXPECT_TRUE(google::protobuf::TextFormat::MergeFromString(overrides, a.mutable_task()->mutable_train()))
      << overrides;
  for (const auto& [name, value] : params) {
    v1::Parameter* p = a.mutable_trial()->add_parameters();
    p->set_name(name);
    p->mutable_value()->set_double_value(value);
  }
  return a;
}

constexpr char kMoons[] = R"pb(
  data { synthetic: "moons" samples: 600 noise: 0.1 }
  layers: [ 32, 32 ]
  optimizer: "adam"
  learning_rate: 0.01
  batch_size: 32
  epochs: 15
)pb";

TEST(TrainExecutorTest, LearnsMoonsAndReportsEverything) {
  TrainExecutor executor({.threads = 2});
  FakeContext context;
  const TrialOutcome o = executor.Run(Assignment(kMoons), context);
  ASSERT_EQ(o.state, v1::Trial::SUCCEEDED) << o.reason;
  EXPECT_GT(o.metrics.at("test_accuracy"), 0.95);
  EXPECT_GT(o.metrics.at("dev_accuracy"), 0.95);
  for (const char* m : {"train_loss", "train_accuracy", "dev_loss", "test_loss", "precision", "recall", "f1",
                        "f1_0", "recall_1", "epochs_run", "runtime_seconds", "samples_per_second"}) {
    EXPECT_TRUE(o.metrics.count(m)) << m;
  }
  EXPECT_EQ(o.metrics.at("epochs_run"), 15);
  EXPECT_FALSE(o.metrics.count("avoidable_bias"));  // No human-level error given.
  ASSERT_EQ(context.measurements.size(), 15u);
  EXPECT_EQ(context.measurements[0].step(), 1);
  EXPECT_EQ(context.measurements[14].step(), 15);
  EXPECT_TRUE(context.measurements[3].metrics().count("dev_accuracy"));
  EXPECT_LT(context.measurements[14].metrics().at("train_loss"),
            context.measurements[0].metrics().at("train_loss"));
  const nlohmann::json cm = nlohmann::json::parse(o.artifacts.at("confusion_matrix"));
  int64_t total = 0;
  for (const auto& row : cm["matrix"]) {
    for (int64_t v : row) total += v;
  }
  EXPECT_EQ(total, 120);  // The test set: 20% of 600.
}

TEST(TrainExecutorTest, SameSeedSameResult) {
  TrainExecutor executor({.threads = 1});
  FakeContext c1, c2;
  const TrialOutcome a = executor.Run(Assignment(kMoons, {{"epochs", 3}}), c1);
  const TrialOutcome b = executor.Run(Assignment(kMoons, {{"epochs", 3}}), c2);
  EXPECT_EQ(a.metrics.at("test_loss"), b.metrics.at("test_loss"));
}

TEST(TrainExecutorTest, HugeLearningRateIsInfeasibleWithEpochAndBatch) {
  TrainExecutor executor({.threads = 2});
  FakeContext context;
  const TrialOutcome o = executor.Run(
      Assignment(kMoons, {{"learning_rate", 100}}, R"pb(optimizer: "sgd" epochs: 50)pb"), context);
  ASSERT_EQ(o.state, v1::Trial::INFEASIBLE) << o.reason;
  EXPECT_THAT(o.reason,
              ::testing::MatchesRegex("loss diverged to .* at epoch 1, batch [0-9]+ .*learning_rate 100.*"));
}

TEST(TrainExecutorTest, NanLossIsInfeasibleWithEpochAndBatch) {
  const std::string path = ::testing::TempDir() + "/nan.csv";
  {
    std::ofstream out(path);
    out << "x,label\n";
    for (int i = 0; i < 100; ++i)
      out << (i % 10 == 7 ? "nan" : std::to_string(i % 7)) << "," << i % 2 << "\n";
  }
  TrainExecutor executor;
  FakeContext context;
  const TrialOutcome o =
      executor.Run(Assignment("data { csv: '" + path +
                              "' test_fraction: 0.1 dev_fraction: 0.1 normalization: 'none' } "
                              "hidden_layers: 0 batch_size: 10 epochs: 3"),
                   context);
  ASSERT_EQ(o.state, v1::Trial::INFEASIBLE) << o.reason;
  EXPECT_THAT(o.reason,
              ::testing::MatchesRegex("loss became NaN at epoch 1, batch [0-9]+ \\(learning_rate 0.001\\)"));
}

TEST(TrainExecutorTest, StopsPromptlyWhenAsked) {
  TrainExecutor executor;
  FakeContext context(/*stop_after_polls=*/25);  // 432 / 32 -> 14 batches per epoch: stops in epoch 2.
  const TrialOutcome o = executor.Run(Assignment(kMoons), context);
  EXPECT_EQ(o.state, v1::Trial::STOPPED);
  EXPECT_THAT(o.reason, HasSubstr("epoch 2, batch 12"));
  EXPECT_EQ(context.measurements.size(), 1u);
  EXPECT_TRUE(o.metrics.count("dev_accuracy"));  // The last epoch's metrics.
}

TEST(TrainExecutorTest, KFoldAveragesOverFolds) {
  TrainExecutor executor({.threads = 2});
  FakeContext context;
  const TrialOutcome o = executor.Run(Assignment(kMoons, {}, R"pb(data { k_folds: 3 }
                                                                  epochs: 4)pb"),
                                      context);
  ASSERT_EQ(o.state, v1::Trial::SUCCEEDED) << o.reason;
  EXPECT_EQ(o.metrics.at("folds"), 3);
  EXPECT_TRUE(o.metrics.count("dev_accuracy_std"));
  EXPECT_GE(o.metrics.at("dev_accuracy_std"), 0);
  ASSERT_EQ(context.measurements.size(), 12u);
  EXPECT_EQ(context.measurements[11].step(), 12);
  EXPECT_EQ(context.measurements[11].metrics().at("fold"), 2);
  // The mean of the per-fold final dev accuracies equals the reported one (within the spread).
  EXPECT_LE(std::abs(o.metrics.at("dev_accuracy") - 0.9), 0.1);
}

TEST(TrainExecutorTest, MetricAnalysisGaps) {
  TrainExecutor executor({.threads = 2});
  FakeContext context;
  const TrialOutcome o =
      executor.Run(Assignment(kMoons, {{"epochs", 3}}, "human_level_error: 0.02"), context);
  ASSERT_EQ(o.state, v1::Trial::SUCCEEDED) << o.reason;
  const auto& m = o.metrics;
  EXPECT_NEAR(m.at("avoidable_bias"), (1 - m.at("train_accuracy")) - 0.02, 1e-12);
  EXPECT_NEAR(m.at("variance"), m.at("train_accuracy") - m.at("dev_accuracy"), 1e-12);
  EXPECT_NEAR(m.at("dev_overfit"), m.at("dev_accuracy") - m.at("test_accuracy"), 1e-12);
}

TEST(TrainExecutorTest, CsvRegression) {
  const std::string path = ::testing::TempDir() + "/line.csv";
  {
    std::ofstream out(path);
    out << "x,noise,y\n";
    for (int i = 0; i < 400; ++i)
      out << i / 100.0 << "," << (i * 7919 % 13) / 13.0 << "," << 2 * i / 100.0 + 1 << "\n";
  }
  TrainExecutor executor;
  FakeContext context;
  const TrialOutcome o = executor.Run(Assignment("data { csv: '" + path +
                                                 "' label_column: 'y' regression: true } hidden_layers: 0 "
                                                 "learning_rate: 0.05 batch_size: 16 epochs: 40"),
                                      context);
  ASSERT_EQ(o.state, v1::Trial::SUCCEEDED) << o.reason;
  EXPECT_GT(o.metrics.at("r2"), 0.99);
  EXPECT_LT(o.metrics.at("mae"), 0.1);
  EXPECT_FALSE(o.artifacts.count("confusion_matrix"));
}

TEST(TrainExecutorTest, BadParameterIsInfeasibleMissingFileFails) {
  TrainExecutor executor;
  FakeContext context;
  TrialOutcome o = executor.Run(Assignment(kMoons, {{"batch_size", 12.5}}), context);
  EXPECT_EQ(o.state, v1::Trial::INFEASIBLE);
  EXPECT_THAT(o.reason, HasSubstr("batch_size"));
  o = executor.Run(Assignment("data { train_images: '/nonexistent/x.gz' train_labels: '/nonexistent/y.gz' }"),
                   context);
  EXPECT_EQ(o.state, v1::Trial::FAILED);
  EXPECT_THAT(o.reason,
              HasSubstr("/nonexistent/x.gz: cannot read (it is missing, unreadable or not a regular file)"));
}

TEST(TrainExecutorTest, FashionMnistSubset) {
  if (!std::filesystem::exists(std::string(kFashionMnistDir) + "/train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
  TrainExecutor executor({.threads = 2});
  FakeContext context;
  const TrialOutcome o = executor.Run(
      Assignment("data { name: 'fashion-mnist' train_limit: 3000 } layers: [64] batch_size: 64 epochs: 3"),
      context);
  ASSERT_EQ(o.state, v1::Trial::SUCCEEDED) << o.reason;
  EXPECT_GT(o.metrics.at("test_accuracy"), 0.7);
  EXPECT_EQ(nlohmann::json::parse(o.artifacts.at("confusion_matrix"))["matrix"].size(), 10u);
  EXPECT_EQ(DatasetDigest(Assignment("data { name: 'fashion-mnist' }").task().train().data())->size(), 64u);
}

TEST(TrainExecutorTest, ConvolutionalNetworkOnFashionMnistSubset) {
  if (!std::filesystem::exists(std::string(kFashionMnistDir) + "/train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
  TrainExecutor executor({.threads = 2});
  FakeContext context;
  const std::string task =
      "data { name: 'fashion-mnist' train_limit: 2000 } conv_blocks: 1 filters: 8 dense_units: 32 "
      "batch_size: 64 epochs: 2 learning_rate: 0.003";
  const TrialOutcome o = executor.Run(Assignment(task), context);
  ASSERT_EQ(o.state, v1::Trial::SUCCEEDED) << o.reason;
  EXPECT_GT(o.metrics.at("test_accuracy"), 0.7);
  EXPECT_EQ(context.measurements.size(), 2u);
  // Batch norm, both dropouts and augmentation: still reproducible for a seed.
  const std::string busy =
      "data { train_limit: 1000 } batch_norm: true conv_dropout: 0.1 dense_dropout: 0.2 augment_shift: 2 "
      "augment_flip: true epochs: 1 pooling: 'avg'";
  FakeContext c1, c2;
  const TrialOutcome a = executor.Run(Assignment(task, {}, busy), c1);
  const TrialOutcome b = executor.Run(Assignment(task, {}, busy), c2);
  ASSERT_EQ(a.state, v1::Trial::SUCCEEDED) << a.reason;
  EXPECT_EQ(a.metrics.at("test_loss"), b.metrics.at("test_loss"));
  EXPECT_GT(a.metrics.at("test_accuracy"), 0.3);  // 16 steps of a heavily regularised net; chance is 0.1.
}

TEST(TrainExecutorTest, ConvShapesThatDoNotFitAreInfeasible) {
  if (!std::filesystem::exists(std::string(kFashionMnistDir) + "/train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
  TrainExecutor executor;
  FakeContext context;
  // 28 -> 14 -> 7 -> 3 -> 1: a fifth 2x2 pooling has nothing to pool.
  const TrialOutcome o =
      executor.Run(Assignment("data { name: 'fashion-mnist' train_limit: 500 } filters: 1 epochs: 1",
                              {{"conv_blocks", 5}}),
                   context);
  EXPECT_EQ(o.state, v1::Trial::INFEASIBLE);
  EXPECT_THAT(o.reason, HasSubstr("conv_blocks: 5 blocks with 2x2 pooling need a larger image"));
  const TrialOutcome csv = executor.Run(Assignment(kMoons, {{"conv_blocks", 1}}), context);
  EXPECT_EQ(csv.state, v1::Trial::INFEASIBLE);
  EXPECT_THAT(csv.reason, HasSubstr("conv_blocks needs image data"));
}

}  // namespace
}  // namespace hyperlab::worker::train
