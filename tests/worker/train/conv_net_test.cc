// The convolutional network end to end: gradient checks of every parameter of whole networks against
// central finite differences (max / average / no pooling, batch norm with and without, dropout in both
// parts, no dense hidden layer, several activations, odd image sides, a padding row), and the behaviour
// the trainer relies on: snapshots restore batch-norm statistics, shapes that pooling cannot take are
// refused naming the knob.
#include "worker/train/conv_net.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/finite_difference.h"
#include "worker/train/optimizer.h"

namespace hyperlab::worker::train {
namespace {

using ::testing::HasSubstr;

struct Case {
  std::string name;
  int blocks = 2;
  int filters = 3;
  int kernel = 3;
  Pooling pooling = Pooling::kMax;
  bool batch_norm = false;
  Activation activation = Activation::kTanh;
  int dense_units = 6;
  double conv_dropout = 0, dense_dropout = 0;
  double l2 = 0;
  ImageShape image = {2, 7, 6};
};

std::unique_ptr<ConvNet> MakeNet(const Case& c, int batch, int rows, uint32_t data_seed = 11) {
  ConvNetSpec spec;
  spec.image = c.image;
  spec.blocks = c.blocks;
  spec.filters = c.filters;
  spec.kernel_size = c.kernel;
  spec.pooling = c.pooling;
  spec.batch_norm = c.batch_norm;
  spec.activation = c.activation;
  spec.dense_units = c.dense_units;
  spec.conv_dropout = c.conv_dropout;
  spec.dense_dropout = c.dense_dropout;
  spec.outputs = 3;
  spec.batch = batch;
  spec.init = Init::kGlorot;
  spec.seed = 3;
  auto net = ConvNet::Create(spec);
  EXPECT_TRUE(net.ok()) << net.status();
  if (!net.ok()) return nullptr;
  std::mt19937 rng(data_seed);
  std::normal_distribution<float> gauss(0, 1);
  for (int i = 0; i < rows * (*net)->input_size(); ++i) (*net)->input()[i] = gauss(rng);
  for (int i = 0; i < rows; ++i) (*net)->targets()[i] = static_cast<float>(i % 3);
  return std::move(*net);
}

double Objective(ConvNet& m, const Case& c, int rows) {
  m.set_dropout_step(0);
  return m.Forward(rows, /*training=*/true).loss_sum / rows + m.Penalty(0, c.l2);
}

void CheckGradients(const Case& c) {
  SCOPED_TRACE(c.name);
  const int batch = 4, rows = 3;  // One padding row.
  std::unique_ptr<ConvNet> m = MakeNet(c, batch, rows);
  ASSERT_NE(m, nullptr);
  SCOPED_TRACE(m->Describe() + "\n" + m->Implementations());
  m->set_dropout_step(0);
  m->Forward(rows, true);
  m->Backward(rows);
  std::vector<std::vector<float>> analytic;
  for (const ParamBuffer& p : m->params()) {
    std::vector<float> g(p.grad, p.grad + p.size);
    for (size_t i = 0; i < p.size; ++i) {
      if (p.is_weight) g[i] = PenalizedGradient(g[i], p.value[i], 0, c.l2);
    }
    analytic.push_back(g);
  }
  const double h = 2e-3;
  const double center = Objective(*m, c, rows);
  int checked = 0, nonzero = 0, kinks = 0;
  for (size_t k = 0; k < m->params().size(); ++k) {
    ParamBuffer p = m->params()[k];
    for (size_t i = 0; i < p.size; ++i) {
      const hyperlab::testing::Nudged n =
          hyperlab::testing::Nudge(p.value[i], h, [&] { return Objective(*m, c, rows); });
      const double up = n.up, down = n.down;
      // ReLU and max pooling make the objective piecewise smooth: where a step of h crosses a kink (a
      // unit changes sign, a window changes winner) on one side, the central difference is not the
      // gradient, but the one-sided difference on the other side is. So the analytic gradient must match
      // the central difference or, at a kink (one-sided slopes disagree), one of the one-sided ones.
      // Kinks must be rare.
      const double numeric = (up - down) / (2 * h);
      const double left = (center - down) / h, right = (up - center) / h;
      const double a = analytic[k][i];
      auto close = [&](double n) { return std::fabs(a - n) <= 2e-3 + 2e-2 * std::fabs(n); };
      const bool kink = std::fabs(left - right) > 2e-3 + 2e-2 * std::fabs(left + right) / 2;
      if (!close(numeric) && kink && (close(left) || close(right))) {
        ++kinks;
      } else {
        EXPECT_NEAR(a, numeric, 2e-3 + 2e-2 * std::fabs(numeric))
            << "buffer " << k << " element " << i << " (one-sided " << left << ", " << right << ")";
      }
      ++checked;
      nonzero += std::fabs(a) > 1e-4;
    }
  }
  EXPECT_GE(checked, 100);
  EXPECT_LE(kinks, checked / 50) << "too many points where the objective is not smooth";
  // Blocked weight layouts pad the filters to 16 (zero gradients); the real parameters must show.
  EXPECT_GE(nonzero, 60) << "most gradients are zero: the check would prove nothing";
}

TEST(ConvNetGradientTest, MaxPoolTanh) { CheckGradients({"max pool, tanh"}); }
TEST(ConvNetGradientTest, MaxPoolReluDerivativeAfterPooling) {
  CheckGradients({.name = "max pool, relu", .activation = Activation::kRelu});
}
TEST(ConvNetGradientTest, MaxPoolSigmoidWithConvDropout) {
  CheckGradients(
      {.name = "max pool, sigmoid, conv dropout", .activation = Activation::kSigmoid, .conv_dropout = 0.3});
}
TEST(ConvNetGradientTest, AveragePoolBatchNormTanh) {
  CheckGradients({.name = "avg pool, batch norm, tanh", .pooling = Pooling::kAvg, .batch_norm = true});
}
TEST(ConvNetGradientTest, BatchNormFusedReluAndBothDropouts) {
  CheckGradients({.name = "batch norm + relu, dropouts",
                  .batch_norm = true,
                  .activation = Activation::kRelu,
                  .conv_dropout = 0.2,
                  .dense_dropout = 0.3});
}
TEST(ConvNetGradientTest, NoPoolingNoDenseLayerEvenKernel) {
  CheckGradients({.name = "no pooling, no dense, kernel 2",
                  .blocks = 1,
                  .kernel = 2,
                  .pooling = Pooling::kNone,
                  .dense_units = 0,
                  .image = {1, 5, 4}});
}
TEST(ConvNetGradientTest, AveragePoolReluIdentityL2) {
  CheckGradients(
      {.name = "avg pool, relu, l2", .pooling = Pooling::kAvg, .activation = Activation::kRelu, .l2 = 0.2});
}
TEST(ConvNetGradientTest, SixteenFiltersBlockedLayouts) {
  // Multiples of 16 filters: the layouts oneDNN picks on AVX-512 have no padding (the cases above pad).
  CheckGradients({.name = "16 filters", .blocks = 1, .filters = 16, .dense_units = 5, .image = {1, 6, 6}});
}

TEST(ConvNetGradientTest, WinogradSecondBlock) {
  // 16 -> 32 channels, 3x3: the second block runs the Winograd kernels where oneDNN has them (AVX-512).
  // (oneDNN's Winograd kernels fuse ReLU but not tanh or sigmoid.)
  CheckGradients({.name = "winograd",
                  .filters = 16,
                  .activation = Activation::kRelu,
                  .dense_units = 4,
                  .image = {1, 4, 4}});
}

TEST(ConvNetTest, DescribesItsShapes) {
  std::unique_ptr<ConvNet> m = MakeNet({.name = "", .batch_norm = true, .image = {1, 28, 28}}, 2, 2);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(
      m->Describe(),
      "1x28x28 -> conv 3 3x3 -> batch norm -> tanh -> max pool -> 3x14x14 -> conv 6 3x3 -> batch norm -> "
      "tanh -> max pool -> 6x7x7 -> flatten 294 -> dense 6 -> 3");
  EXPECT_EQ(m->flat_features(), 294);
}

TEST(ConvNetTest, NoReferenceKernelsForTheBenchmarkNetwork) {
  // oneDNN falls back to its reference kernels (about 1000x slower) when handed layouts its optimised
  // kernels do not take; given the forward pass's weights layout, backward data did so on AVX-512.
  ConvNetSpec spec;
  spec.image = {1, 28, 28};
  spec.blocks = 3;
  spec.filters = 32;
  spec.batch = 128;
  for (bool batch_norm : {false, true}) {
    spec.batch_norm = batch_norm;
    auto net = ConvNet::Create(spec);
    ASSERT_TRUE(net.ok()) << net.status();
    EXPECT_THAT((*net)->Implementations(), ::testing::Not(HasSubstr("ref"))) << (*net)->Implementations();
  }
}

TEST(ConvNetTest, RefusesMorePoolingsThanTheImageAllows) {
  ConvNetSpec spec;
  spec.image = {1, 28, 28};
  spec.blocks = 5;  // 28 -> 14 -> 7 -> 3 -> 1 -> nothing.
  auto net = ConvNet::Create(spec);
  EXPECT_EQ(net.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(net.status().message(), HasSubstr("conv_blocks: 5 blocks with 2x2 pooling"));
  spec.blocks = 4;
  EXPECT_TRUE(ConvNet::Create(spec).ok());
  spec.blocks = 8;
  spec.pooling = Pooling::kNone;
  spec.filters = 1;
  EXPECT_TRUE(ConvNet::Create(spec).ok());
  spec.image = {};
  EXPECT_THAT(ConvNet::Create(spec).status().message(), HasSubstr("needs image data"));
}

TEST(ConvNetTest, SnapshotRestoresWeightsAndBatchNormStatistics) {
  const Case c{.name = "snapshot", .batch_norm = true, .activation = Activation::kRelu};
  std::unique_ptr<ConvNet> m = MakeNet(c, 4, 4);
  ASSERT_NE(m, nullptr);
  m->Forward(4, true);  // Moves the running averages.
  const std::vector<float> snapshot = m->Snapshot();
  m->Forward(4, false);
  const std::vector<float> before(m->output(), m->output() + 4 * 3);
  Optimizer opt({OptimizerKind::kAdam}, m->params());
  for (int i = 0; i < 3; ++i) {
    m->Forward(4, true);
    m->Backward(4);
    opt.Step(m->params(), 0.05);
  }
  m->Forward(4, false);
  EXPECT_NE(std::vector<float>(m->output(), m->output() + 12), before);
  m->Restore(snapshot);
  m->Forward(4, false);
  EXPECT_EQ(std::vector<float>(m->output(), m->output() + 12), before);
}

TEST(ConvNetTest, InferenceIgnoresOtherRowsOfTheBatch) {
  // Evaluation pads its last batch: with running statistics, a row's output must not depend on the rest.
  const Case c{.name = "rows", .batch_norm = true, .activation = Activation::kRelu};
  std::unique_ptr<ConvNet> m = MakeNet(c, 4, 4);
  ASSERT_NE(m, nullptr);
  m->Forward(4, true);
  m->Forward(4, false);
  const std::vector<float> first(m->output(), m->output() + 3);
  for (int i = m->input_size(); i < 4 * m->input_size(); ++i) m->input()[i] = 7.f;
  m->Forward(4, false);
  EXPECT_EQ(std::vector<float>(m->output(), m->output() + 3), first);
}

TEST(ConvNetTest, LearnsASimpleImageTask) {
  // Class = where a bright 2x2 square sits (left, middle, right third of an 8x9 image): a convolution finds
  // it at once; the loss must fall well below chance.
  ConvNetSpec spec;
  spec.image = {1, 8, 9};
  spec.blocks = 1;
  spec.filters = 4;
  spec.dense_units = 8;
  spec.outputs = 3;
  spec.batch = 16;
  auto net = ConvNet::Create(spec);
  ASSERT_TRUE(net.ok()) << net.status();
  ConvNet& m = **net;
  Optimizer opt({OptimizerKind::kAdam}, m.params());
  std::mt19937 rng(1);
  double last = 0;
  for (int step = 0; step < 150; ++step) {
    std::fill_n(m.input(), 16 * m.input_size(), 0.f);
    for (int i = 0; i < 16; ++i) {
      const int cls = static_cast<int>(rng() % 3), y = static_cast<int>(rng() % 7),
                x = cls * 3 + static_cast<int>(rng() % 2);
      for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx) m.input()[i * 72 + (y + dy) * 9 + x + dx] = 1.f;
      m.targets()[i] = static_cast<float>(cls);
    }
    last = m.Forward(16, true).loss_sum / 16;
    m.Backward(16);
    opt.Step(m.params(), 0.01);
  }
  EXPECT_LT(last, 0.2 * std::log(3.0));
}

}  // namespace
}  // namespace hyperlab::worker::train
