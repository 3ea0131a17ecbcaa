// The trainer's batching: every training step averages over a full batch.
#include "worker/train/trainer.h"

#include <numeric>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperlab::worker::train {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

std::vector<int64_t> Step(const std::vector<int64_t>& order, int64_t at, int batch) {
  std::vector<int64_t> scratch;
  const int64_t* rows = StepRows(order, at, batch, scratch);
  return std::vector<int64_t>(rows, rows + batch);
}

TEST(StepRowsTest, FullStepsAreSlicesOfTheOrder) {
  const std::vector<int64_t> order = {7, 3, 9, 0, 5, 1, 8, 2, 6, 4};
  std::vector<int64_t> scratch;
  EXPECT_EQ(StepRows(order, 0, 4, scratch), order.data());
  EXPECT_EQ(StepRows(order, 4, 4, scratch), order.data() + 4);
  EXPECT_THAT(Step(order, 4, 4), ElementsAre(5, 1, 8, 2));
  EXPECT_TRUE(scratch.empty());
}

TEST(StepRowsTest, TheLastShortStepIsToppedUpWithTheOrdersFirstRows) {
  const std::vector<int64_t> order = {7, 3, 9, 0, 5, 1, 8, 2, 6, 4};
  EXPECT_THAT(Step(order, 8, 4), ElementsAre(6, 4, 7, 3));
  EXPECT_THAT(Step(order, 9, 4), ElementsAre(4, 7, 3, 9));
}

TEST(StepRowsTest, ABatchAsLargeAsTheDataWrapsAround) {
  std::vector<int64_t> order(5);
  std::iota(order.begin(), order.end(), 0);
  EXPECT_THAT(Step(order, 0, 5), ElementsAreArray(order));
  EXPECT_THAT(Step(order, 3, 5), ElementsAre(3, 4, 0, 1, 2));
}

}  // namespace
}  // namespace hyperlab::worker::train
