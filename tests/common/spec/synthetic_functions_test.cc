#include "common/spec/synthetic_functions.h"

#include <numbers>

#include "gtest/gtest.h"

namespace hyperlab {
namespace {

constexpr double kPi = std::numbers::pi;

TEST(BraninTest, GlobalMinima) {
  EXPECT_NEAR(Branin(-kPi, 12.275), 0.397887, 1e-6);
  EXPECT_NEAR(Branin(kPi, 2.275), 0.397887, 1e-6);
  EXPECT_NEAR(Branin(9.42478, 2.475), 0.397887, 1e-6);
  EXPECT_GT(Branin(0, 0), 1.0);
  EXPECT_NEAR(Branin(0, 0), 55.602112, 1e-5);  // (-6)^2 + 10 (1 - 1/(8 pi)) + 10.
}

TEST(Hartmann6Test, GlobalMinimum) {
  EXPECT_NEAR(Hartmann6({0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573}), -3.32237, 1e-5);
  EXPECT_GT(Hartmann6({0, 0, 0, 0, 0, 0}), -3.3);
  EXPECT_GT(Hartmann6({0.5, 0.5, 0.5, 0.5, 0.5, 0.5}), -3.3);
}

TEST(SyntheticFunctionsTest, TheTableEvaluatesEachFunctionAtItsMinimum) {
  const SyntheticFunction* branin = FindSyntheticFunction("branin");
  ASSERT_NE(branin, nullptr);
  ASSERT_EQ(branin->parameters.size(), 2u);
  EXPECT_EQ(branin->parameters[0].name, "x1");
  EXPECT_NEAR(branin->evaluate({kPi, 2.275}), branin->minimum, 1e-5);
  const SyntheticFunction* hartmann = FindSyntheticFunction("hartmann6");
  ASSERT_NE(hartmann, nullptr);
  ASSERT_EQ(hartmann->parameters.size(), 6u);
  EXPECT_NEAR(hartmann->evaluate({0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573}),
              hartmann->minimum, 1e-5);
  EXPECT_EQ(FindSyntheticFunction("rosenbrock"), nullptr);
  EXPECT_EQ(SyntheticFunctionNames(), "branin, hartmann6");
}

}  // namespace
}  // namespace hyperlab
