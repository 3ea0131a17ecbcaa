#include "worker/send_limits.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/limits.h"

namespace hyperlab::worker {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::TrialCompletion Completion() {
  v1::TrialCompletion c;
  c.mutable_lease()->set_study_id(1);
  c.mutable_lease()->set_trial_id(2);
  c.mutable_lease()->set_lease_id("l");
  c.set_state(v1::Trial::SUCCEEDED);
  (*c.mutable_metrics())["value"] = 1;
  return c;
}

TEST(SendLimitsTest, WithinTheLimitsNothingChanges) {
  v1::TrialCompletion c = Completion();
  (*c.mutable_artifacts())["settings"] = "{\"a\": 1}";
  c.add_measurements()->set_step(1);
  const std::string before = c.SerializeAsString();
  EXPECT_FALSE(FitCompletion(c));
  EXPECT_EQ(c.SerializeAsString(), before);
}

TEST(SendLimitsTest, OverLimitMetricsFailTheTrialNamingTheLimit) {
  v1::TrialCompletion c = Completion();
  (*c.mutable_metrics())[std::string(200, 'n')] = 1;
  EXPECT_TRUE(FitCompletion(c));
  EXPECT_EQ(c.state(), v1::Trial::FAILED);
  EXPECT_EQ(c.reason(), "metric name of 200 characters, over the limit max_metric_name_length = 128");
  EXPECT_TRUE(c.metrics().empty());
  EXPECT_EQ(c.lease().trial_id(), 2);

  c = Completion();
  for (int i = 0; i <= kMaxMetricsPerReport; ++i) (*c.mutable_metrics())["m" + std::to_string(i)] = i;
  EXPECT_TRUE(FitCompletion(c));
  EXPECT_THAT(c.reason(), HasSubstr("1002 metrics, over the limit max_metrics_per_report = 1000"));

  c = Completion();
  (*c.mutable_metrics())["bad name"] = 1;
  EXPECT_TRUE(FitCompletion(c));
  EXPECT_THAT(c.reason(), HasSubstr("metric name of 8 characters is not"));
}

TEST(SendLimitsTest, OverLimitArtifactsFailTheTrial) {
  v1::TrialCompletion c = Completion();
  (*c.mutable_artifacts())["big"] = std::string(kMaxArtifactBytes + 1, 'x');
  EXPECT_TRUE(FitCompletion(c));
  EXPECT_THAT(c.reason(), HasSubstr("artifact 'big' of 1048577 bytes, over the limit max_artifact_bytes"));
  EXPECT_TRUE(c.artifacts().empty());
  c = Completion();
  (*c.mutable_artifacts())["bin"] = std::string("\xff\xfe", 2);
  EXPECT_TRUE(FitCompletion(c));
  EXPECT_THAT(c.reason(), HasSubstr("artifact 'bin' is not valid UTF-8"));
}

TEST(SendLimitsTest, LongReasonIsCutAndMadeValidUtf8) {
  v1::TrialCompletion c = Completion();
  c.set_state(v1::Trial::FAILED);
  c.set_reason(std::string(kMaxReasonLength + 100, 'r') + "\xff");
  EXPECT_FALSE(FitCompletion(c));
  EXPECT_EQ(c.reason().size(), kMaxReasonLength);
  EXPECT_THAT(c.reason(), Not(HasSubstr("\xff")));
}

TEST(SendLimitsTest, TooManyOrTooLargeMeasurementsAreDroppedNotTheTrial) {
  v1::TrialCompletion c = Completion();
  for (int i = 0; i < kMaxMeasurementsPerReport + 5; ++i) c.add_measurements()->set_step(i);
  EXPECT_FALSE(FitCompletion(c));
  EXPECT_EQ(c.measurements_size(), kMaxMeasurementsPerReport);
  EXPECT_EQ(c.measurements(0).step(), 5);  // The newest are kept.

  c = Completion();
  for (int i = 0; i < 6000; ++i) {
    v1::Measurement* m = c.add_measurements();
    for (int k = 0; k < 10; ++k) (*m->mutable_metrics())["metric_with_a_long_name_" + std::to_string(k)] = k;
  }
  ASSERT_GT(c.ByteSizeLong(), kMaxCallBytes);
  EXPECT_FALSE(FitCompletion(c));
  EXPECT_EQ(c.state(), v1::Trial::SUCCEEDED);
  EXPECT_EQ(c.measurements_size(), 0);
  EXPECT_THAT(c.reason(), HasSubstr("6000 intermediate measurements not sent"));
  EXPECT_LE(c.ByteSizeLong(), kMaxCallBytes);
}

TEST(SendLimitsTest, MeasurementCheckNamesTheStep) {
  v1::Measurement m;
  m.set_step(4);
  (*m.mutable_metrics())[std::string(129, 'x')] = 1;
  absl::Status s = CheckMeasurement(m);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(),
            "measurement at step 4: metric name of 129 characters, over the limit "
            "max_metric_name_length = 128");
}

}  // namespace
}  // namespace hyperlab::worker
