// Axes: nice 1-2-5 ticks, decade ticks on log axes, categorical bands, and the map to pixels.
#include "lab/plot/axis.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperlab::plot {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Labels(const Axis& a) {
  std::vector<std::string> out;
  for (const Tick& t : a.ticks()) out.push_back(t.label);
  return out;
}

TEST(NiceStepTest, IsOneTwoOrFiveTimesAPowerOfTen) {
  EXPECT_DOUBLE_EQ(NiceStep(0, 1, 5), 0.2);
  EXPECT_DOUBLE_EQ(NiceStep(0, 10, 5), 2);
  EXPECT_DOUBLE_EQ(NiceStep(0.61, 0.89, 5), 0.05);
  EXPECT_DOUBLE_EQ(NiceStep(0, 1000, 4), 200);
  EXPECT_DOUBLE_EQ(NiceStep(0, 7, 5), 1);
}

TEST(AxisTest, LinearRangeIsWidenedToWholeTicks) {
  const Axis a = Axis::Linear(0.613, 0.887);
  EXPECT_DOUBLE_EQ(a.lo(), 0.6);
  EXPECT_DOUBLE_EQ(a.hi(), 0.9);
  EXPECT_THAT(Labels(a), ElementsAre("0.6", "0.65", "0.7", "0.75", "0.8", "0.85", "0.9"));
}

TEST(AxisTest, LinearWithoutNiceKeepsTheRangeAndTicksInside) {
  const Axis a = Axis::Linear(1, 10, /*nice=*/false);
  EXPECT_DOUBLE_EQ(a.lo(), 1);
  EXPECT_DOUBLE_EQ(a.hi(), 10);
  EXPECT_THAT(Labels(a), ElementsAre("2", "4", "6", "8", "10"));
}

TEST(AxisTest, ZeroWidthRangeIsWidened) {
  const Axis a = Axis::Linear(0.5, 0.5);
  EXPECT_LT(a.lo(), 0.5);
  EXPECT_GT(a.hi(), 0.5);
  EXPECT_GE(a.ticks().size(), 2u);
}

TEST(AxisTest, LogTicksAtDecadesEquallySpaced) {
  Axis a = Axis::Log(1e-4, 1e-1);
  a.SetPixels(100, 400);
  EXPECT_THAT(Labels(a), ElementsAre("0.0001", "0.001", "0.01", "0.1"));
  EXPECT_DOUBLE_EQ(a.Map(1e-4), 100);
  EXPECT_DOUBLE_EQ(a.Map(1e-1), 400);
  EXPECT_NEAR(a.Map(1e-3), 200, 1e-9);
  EXPECT_NEAR(a.Map(1e-2), 300, 1e-9);
  EXPECT_NEAR(a.Map(std::sqrt(1e-4 * 1e-3)), 150, 1e-9);  // Halfway in log space.
}

TEST(AxisTest, LogTicksUnderTwoDecadesAddTwoAndFive) {
  EXPECT_THAT(Labels(Axis::Log(4, 64)), ElementsAre("5", "10", "20", "50"));
  EXPECT_THAT(Labels(Axis::Log(1e-6, 1e-3)), ElementsAre("1e-06", "1e-05", "0.0001", "0.001"));
}

TEST(AxisTest, CounterTicksAreWholeNumbers) {
  const Axis a = Axis::Counter(0, 3);
  EXPECT_THAT(Labels(a), ElementsAre("0", "1", "2", "3"));
  EXPECT_DOUBLE_EQ(a.lo(), -0.5);
  EXPECT_DOUBLE_EQ(a.hi(), 3.5);
  const Axis many = Axis::Counter(0, 97);
  for (const Tick& t : many.ticks()) EXPECT_EQ(t.value, std::round(t.value));
}

TEST(AxisTest, CategoriesAreBandsCentredOnTheirIndex) {
  Axis a = Axis::Categorical({"adam", "sgd", "momentum"});
  a.SetPixels(0, 300);
  EXPECT_THAT(Labels(a), ElementsAre("adam", "sgd", "momentum"));
  EXPECT_DOUBLE_EQ(a.Map(0), 50);
  EXPECT_DOUBLE_EQ(a.Map(2), 250);
  EXPECT_DOUBLE_EQ(a.BandWidth(), 100);
}

TEST(AxisTest, YAxesGrowUpwards) {
  Axis a = Axis::Linear(0, 1);
  a.SetPixels(400, 100);
  EXPECT_DOUBLE_EQ(a.Map(0), 400);
  EXPECT_DOUBLE_EQ(a.Map(1), 100);
}

TEST(TickLabelTest, DecimalsFollowTheStep) {
  EXPECT_EQ(TickLabel(0.30000000000000004, 0.1), "0.3");
  EXPECT_EQ(TickLabel(250, 50), "250");
  EXPECT_EQ(TickLabel(0.35, 0.05), "0.35");
  EXPECT_EQ(TickLabel(2e-5, 1e-5), "2e-05");
  EXPECT_EQ(TickLabel(-1e-17, 0.1), "0");
}

TEST(SpansDecadesTest, PositiveValuesOverTwoDecadesOrMore) {
  EXPECT_TRUE(SpansDecades(1e-4, 1e3));
  EXPECT_TRUE(SpansDecades(0.01, 1));
  EXPECT_FALSE(SpansDecades(0.02, 1));  // Under two decades: linear reads fine.
  EXPECT_FALSE(SpansDecades(0, 1000));  // Zero has no place on a log axis.
  EXPECT_FALSE(SpansDecades(-1, 1000));
  EXPECT_FALSE(SpansDecades(0.6, 0.9));
}

TEST(AxisTest, LogDecadesWidensObservedValuesToWholeDecades) {
  const Axis a = Axis::LogDecades(2.4e-4, 1041);
  EXPECT_DOUBLE_EQ(a.lo(), 1e-4);
  EXPECT_DOUBLE_EQ(a.hi(), 1e4);
  EXPECT_THAT(Labels(a), ElementsAre("0.0001", "0.001", "0.01", "0.1", "1", "10", "100", "1000", "10000"));
  // A range inside one decade still gets a whole one.
  const Axis b = Axis::LogDecades(2, 3);
  EXPECT_DOUBLE_EQ(b.lo(), 1);
  EXPECT_DOUBLE_EQ(b.hi(), 10);
}

}  // namespace
}  // namespace hyperlab::plot
