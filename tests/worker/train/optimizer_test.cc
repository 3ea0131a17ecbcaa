#include "worker/train/optimizer.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace hyperlab::worker::train {
namespace {

// One weight buffer {w} with gradient {g}; runs `steps` updates with a constant gradient.
float Steps(OptimizerOptions options, float w, float g, int steps, double lr, bool is_weight = true) {
  std::vector<float> value = {w}, grad = {g};
  std::vector<ParamBuffer> params = {{value.data(), grad.data(), 1, is_weight}};
  Optimizer opt(options, params);
  for (int i = 0; i < steps; ++i) opt.Step(params, lr);
  return value[0];
}

TEST(OptimizerTest, Sgd) { EXPECT_FLOAT_EQ(Steps({OptimizerKind::kSgd}, 1.f, 0.5f, 2, 0.1), 0.9f); }

TEST(OptimizerTest, MomentumAccumulates) {
  // v1 = 0.5, w = 1 - 0.05; v2 = 0.9 * 0.5 + 0.5 = 0.95, w = 0.95 - 0.095.
  EXPECT_FLOAT_EQ(Steps({OptimizerKind::kMomentum, 0.9}, 1.f, 0.5f, 2, 0.1), 0.855f);
}

TEST(OptimizerTest, RmsProp) {
  OptimizerOptions o{OptimizerKind::kRmsprop};
  o.beta2 = 0.9;
  o.epsilon = 0;
  // s = 0.1 * 0.25 = 0.025; step = 0.1 * 0.5 / sqrt(0.025).
  EXPECT_NEAR(Steps(o, 1.f, 0.5f, 1, 0.1), 1 - 0.1 * 0.5 / std::sqrt(0.025), 1e-6);
}

TEST(OptimizerTest, AdamFirstStepsMoveByTheLearningRate) {
  // With bias correction and a constant gradient, every Adam step is lr * g / (|g| + eps') = lr.
  EXPECT_NEAR(Steps({OptimizerKind::kAdam}, 1.f, 0.5f, 1, 0.01), 0.99, 1e-6);
  EXPECT_NEAR(Steps({OptimizerKind::kAdam}, 1.f, -3.f, 3, 0.01), 1.03, 1e-5);
}

TEST(OptimizerTest, AdamMatchesTheTextbookFormula) {
  OptimizerOptions o{OptimizerKind::kAdam};
  std::vector<float> value = {0.3f}, grad = {0.f};
  std::vector<ParamBuffer> params = {{value.data(), grad.data(), 1, true}};
  Optimizer opt(o, params);
  double w = 0.3, m = 0, v = 0;
  const double gs[] = {0.2, -0.1, 0.4, 0.05};
  for (int t = 1; t <= 4; ++t) {
    grad[0] = static_cast<float>(gs[t - 1]);
    opt.Step(params, 0.01);
    m = 0.9 * m + 0.1 * gs[t - 1];
    v = 0.999 * v + 0.001 * gs[t - 1] * gs[t - 1];
    w -= 0.01 * (m / (1 - std::pow(0.9, t))) / (std::sqrt(v / (1 - std::pow(0.999, t))) + 1e-8);
    EXPECT_NEAR(value[0], w, 1e-6) << t;
  }
}

TEST(OptimizerTest, PenaltiesApplyToWeightsOnly) {
  OptimizerOptions o{OptimizerKind::kSgd};
  o.l2 = 0.5;
  o.l1 = 0.1;
  // g' = 0 + 0.5 * 2 + 0.1 * sign(2) = 1.1.
  EXPECT_FLOAT_EQ(Steps(o, 2.f, 0.f, 1, 0.1), 2.f - 0.11f);
  EXPECT_FLOAT_EQ(Steps(o, 2.f, 0.f, 1, 0.1, /*is_weight=*/false), 2.f);
  EXPECT_FLOAT_EQ(PenalizedGradient(0.f, -1.f, 0.1f, 0.f), -0.1f);
  EXPECT_FLOAT_EQ(PenalizedGradient(0.f, 0.f, 0.1f, 0.f), 0.f);
}

TEST(OptimizerTest, WeightDecayIsDecoupledAsInAdamW) {
  OptimizerOptions o{OptimizerKind::kAdam};
  o.weight_decay = 0.1;
  // PyTorch's AdamW: w = (1 - lr wd) w, then the Adam step from the gradient alone.
  std::vector<float> value = {0.3f, 0.3f}, grad = {0.f, 0.f};
  std::vector<ParamBuffer> params = {{value.data(), grad.data(), 1, true},
                                     {value.data() + 1, grad.data() + 1, 1, false}};
  Optimizer opt(o, params);
  double w = 0.3, m = 0, v = 0;
  const double gs[] = {0.2, -0.1, 0.4};
  for (int t = 1; t <= 3; ++t) {
    grad[0] = grad[1] = static_cast<float>(gs[t - 1]);
    opt.Step(params, 0.01);
    m = 0.9 * m + 0.1 * gs[t - 1];
    v = 0.999 * v + 0.001 * gs[t - 1] * gs[t - 1];
    w = (1 - 0.01 * 0.1) * w -
        0.01 * (m / (1 - std::pow(0.9, t))) / (std::sqrt(v / (1 - std::pow(0.999, t))) + 1e-8);
    EXPECT_NEAR(value[0], w, 1e-6) << t;
  }
  // A bias is not decayed: the same gradients without decay.
  o.weight_decay = 0;
  std::vector<float> plain = {0.3f}, plain_grad = {0.f};
  std::vector<ParamBuffer> plain_params = {{plain.data(), plain_grad.data(), 1, true}};
  Optimizer plain_opt(o, plain_params);
  for (double g : gs) {
    plain_grad[0] = static_cast<float>(g);
    plain_opt.Step(plain_params, 0.01);
  }
  EXPECT_FLOAT_EQ(value[1], plain[0]);
  // With a zero gradient, SGD and momentum only shrink the weight.
  OptimizerOptions sgd{OptimizerKind::kSgd};
  sgd.weight_decay = 0.5;
  EXPECT_FLOAT_EQ(Steps(sgd, 2.f, 0.f, 2, 0.1), 2.f * 0.95f * 0.95f);
  sgd.kind = OptimizerKind::kMomentum;
  EXPECT_FLOAT_EQ(Steps(sgd, 2.f, 0.f, 1, 0.1), 2.f * 0.95f);
}

TEST(OptimizerTest, LongBuffersUseThreadsAndStayExact) {
  std::vector<float> value(100000, 1.f), grad(100000, 0.5f);
  std::vector<ParamBuffer> params = {{value.data(), grad.data(), value.size(), true}};
  Optimizer opt({OptimizerKind::kSgd}, params);
  opt.Step(params, 0.1);
  for (float v : value) ASSERT_FLOAT_EQ(v, 0.95f);
}

TEST(LearningRateDecayTest, Schedules) {
  TrainConfig c;
  c.learning_rate = 0.1;
  EXPECT_DOUBLE_EQ(DecayedLearningRate(c, 5), 0.1);
  c.lr_decay = LrDecay::kExponential;
  c.lr_decay_rate = 0.5;
  EXPECT_DOUBLE_EQ(DecayedLearningRate(c, 3), 0.0125);
  c.lr_decay = LrDecay::kInverseTime;
  EXPECT_DOUBLE_EQ(DecayedLearningRate(c, 2), 0.05);
  c.lr_decay = LrDecay::kStep;
  c.lr_decay_steps = 2;
  EXPECT_DOUBLE_EQ(DecayedLearningRate(c, 1), 0.1);
  EXPECT_DOUBLE_EQ(DecayedLearningRate(c, 2), 0.05);
  EXPECT_DOUBLE_EQ(DecayedLearningRate(c, 5), 0.025);
}

}  // namespace
}  // namespace hyperlab::worker::train
