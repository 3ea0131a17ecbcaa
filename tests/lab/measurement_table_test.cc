// `trials --measurements`: one row per reported step, the union of the metrics as columns, exact in CSV.
#include "lab/measurement_table.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/lab_test_util.h"

namespace hyperlab::lab {
namespace {

using ::testing::ElementsAre;
using testing::Parse;

TEST(MeasurementTableTest, OneRowPerStepWithEveryMetricAsAColumn) {
  std::vector<TrialMeasurements> trials = {
      {"alpha",
       3,
       {Parse<v1::Measurement>("step: 1 time_unix_ms: 1000 metrics { key: 'dev_loss' value: 0.5 }"),
        Parse<v1::Measurement>(
            "step: 2 time_unix_ms: 2000 metrics { key: 'dev_loss' value: 0.30000000000000004 }"
            " metrics { key: 'dev_accuracy' value: 0.8 }")}},
      {"alpha", 4, {}},  // A trial that reported nothing has no row.
      {"beta", 0, {Parse<v1::Measurement>("step: 1 time_unix_ms: 1500 metrics { key: 'loss' value: 2 }")}},
  };
  const Table with_study = MeasurementTable(trials, /*with_study=*/true);
  EXPECT_THAT(with_study.header,
              ElementsAre("study", "trial", "step", "time_unix_ms", "dev_accuracy", "dev_loss", "loss"));
  EXPECT_EQ(RenderCsv(with_study),
            "study,trial,step,time_unix_ms,dev_accuracy,dev_loss,loss\n"
            "alpha,3,1,1000,,0.5,\n"
            "alpha,3,2,2000,0.8,0.30000000000000004,\n"
            "beta,0,1,1500,,,2\n");
  const Table alone = MeasurementTable({trials[0]}, /*with_study=*/false);
  EXPECT_THAT(alone.header, ElementsAre("trial", "step", "time_unix_ms", "dev_accuracy", "dev_loss"));
  ASSERT_EQ(alone.rows.size(), 2u);
  EXPECT_EQ(RenderJson(alone)[1]["dev_loss"].get<double>(), 0.30000000000000004);
  EXPECT_EQ(RenderJson(alone)[1]["step"], 2);
}

TEST(MeasurementTableTest, NoTrialsGiveOnlyTheHeader) {
  EXPECT_EQ(RenderCsv(MeasurementTable({}, false)), "trial,step,time_unix_ms\n");
}

}  // namespace
}  // namespace hyperlab::lab
