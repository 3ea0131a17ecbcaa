// Gradient checks against central finite differences for every layer type, activation, loss, penalty and
// dropout, in both weight layouts (plain and the one oneDNN picks).
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/finite_difference.h"
#include "worker/train/loss.h"
#include "worker/train/model.h"
#include "worker/train/optimizer.h"

namespace hyperlab::worker::train {
namespace {

struct Case {
  std::string name;
  Activation activation = Activation::kTanh;
  std::vector<int> hidden = {7, 6};
  bool regression = false;
  double dropout = 0;
  double l1 = 0, l2 = 0;
  bool pick_layouts = false;
};

std::unique_ptr<Model> MakeModel(const Case& c, int batch, int rows) {
  ModelSpec spec;
  spec.inputs = 5;
  spec.hidden = c.hidden;
  spec.outputs = c.regression ? 1 : 3;
  spec.regression = c.regression;
  spec.activation = c.activation;
  spec.dropout = c.dropout;
  spec.batch = batch;
  spec.init = Init::kGlorot;
  spec.seed = 3;
  spec.pick_layouts = c.pick_layouts;
  auto model = Model::Create(spec);
  EXPECT_TRUE(model.ok()) << model.status();
  std::mt19937 rng(11);
  std::normal_distribution<float> gauss(0, 1);
  for (int i = 0; i < rows * spec.inputs; ++i) (*model)->input()[i] = gauss(rng);
  for (int i = 0; i < rows; ++i) {
    (*model)->targets()[i] = c.regression ? gauss(rng) : static_cast<float>(i % 3);
  }
  return std::move(*model);
}

// The objective whose gradient Backward (plus PenalizedGradient) computes: mean data loss + penalty.
double Objective(Model& m, const Case& c, int rows) {
  m.set_dropout_step(0);
  return m.Forward(rows, /*training=*/true).loss_sum / rows + m.Penalty(c.l1, c.l2);
}

void CheckGradients(const Case& c) {
  SCOPED_TRACE(c.name);
  const int batch = 4, rows = 3;  // One padding row.
  std::unique_ptr<Model> m = MakeModel(c, batch, rows);
  m->set_dropout_step(0);
  m->Forward(rows, true);
  m->Backward(rows);
  std::vector<std::vector<float>> analytic;
  for (const ParamBuffer& p : m->params()) {
    std::vector<float> g(p.grad, p.grad + p.size);
    for (size_t i = 0; i < p.size; ++i) {
      if (p.is_weight) g[i] = PenalizedGradient(g[i], p.value[i], c.l1, c.l2);
    }
    analytic.push_back(g);
  }
  const double h = 2e-3;
  int checked = 0, nonzero = 0;
  for (size_t k = 0; k < m->params().size(); ++k) {
    ParamBuffer p = m->params()[k];
    for (size_t i = 0; i < p.size; ++i) {
      const float saved = p.value[i];
      double numeric =
          hyperlab::testing::Nudge(p.value[i], h, [&] { return Objective(*m, c, rows); }).Central(h);
      // At w = 0 the L1 term has a kink; the subgradient 0 is what we use.
      if (c.l1 > 0 && p.is_weight && saved == 0)
        numeric -= c.l1 * (std::fabs(saved + h) - std::fabs(saved - h)) / (2 * h);
      const double a = analytic[k][i];
      EXPECT_NEAR(a, numeric, 2e-3 + 2e-2 * std::fabs(numeric)) << "buffer " << k << " element " << i;
      ++checked;
      nonzero += std::fabs(a) > 1e-4;
    }
  }
  EXPECT_GE(checked, 18);
  EXPECT_GE(nonzero, 12) << "most gradients are zero: the check would prove nothing";
}

class GradientCheckTest : public ::testing::TestWithParam<bool> {};

TEST_P(GradientCheckTest, Tanh) {
  CheckGradients({"tanh", Activation::kTanh, {7, 6}, false, 0, 0, 0, GetParam()});
}
TEST_P(GradientCheckTest, Sigmoid) {
  CheckGradients({"sigmoid", Activation::kSigmoid, {7, 6}, false, 0, 0, 0, GetParam()});
}
TEST_P(GradientCheckTest, Relu) {
  CheckGradients({"relu", Activation::kRelu, {7, 6}, false, 0, 0, 0, GetParam()});
}
TEST_P(GradientCheckTest, Identity) {
  CheckGradients({"identity", Activation::kIdentity, {7, 6}, false, 0, 0, 0, GetParam()});
}
TEST_P(GradientCheckTest, LogisticRegression) {
  CheckGradients({"no hidden layer", Activation::kRelu, {}, false, 0, 0, 0, GetParam()});
}
TEST_P(GradientCheckTest, SquaredErrorRegression) {
  CheckGradients({"mse", Activation::kTanh, {8}, true, 0, 0, 0, GetParam()});
}
TEST_P(GradientCheckTest, Dropout) {
  CheckGradients({"dropout", Activation::kTanh, {9, 8}, false, 0.4, 0, 0, GetParam()});
}
TEST_P(GradientCheckTest, L2Penalty) {
  CheckGradients({"l2", Activation::kTanh, {7}, false, 0, 0, 0.3, GetParam()});
}
TEST_P(GradientCheckTest, L1Penalty) {
  CheckGradients({"l1", Activation::kTanh, {7}, false, 0, 0.05, 0, GetParam()});
}

INSTANTIATE_TEST_SUITE_P(Layouts, GradientCheckTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "OneDnnLayout" : "PlainLayout"; });

TEST(LossTest, SoftmaxCrossEntropyGradientMatchesFiniteDifferences) {
  std::vector<float> z = {0.5f, -1.f, 2.f, 0.1f, 0.2f, 0.3f};
  const std::vector<float> labels = {2, 0};
  std::vector<float> grad(6);
  SoftmaxCrossEntropy(z.data(), labels.data(), 2, 2, 3, grad.data(), 0.5f);
  for (int i = 0; i < 6; ++i) {
    const float saved = z[i];
    z[i] = saved + 1e-3f;
    const double up = SoftmaxCrossEntropy(z.data(), labels.data(), 2, 2, 3, nullptr, 0).loss_sum;
    z[i] = saved - 1e-3f;
    const double down = SoftmaxCrossEntropy(z.data(), labels.data(), 2, 2, 3, nullptr, 0).loss_sum;
    z[i] = saved;
    EXPECT_NEAR(grad[i], 0.5 * (up - down) / 2e-3, 1e-3) << i;
  }
}

TEST(LossTest, SoftmaxCrossEntropyIsStableForHugeLogits) {
  const std::vector<float> z = {1000.f, -1000.f, 999.f};
  const std::vector<float> label = {2};
  std::vector<float> grad(3);
  const LossResult r = SoftmaxCrossEntropy(z.data(), label.data(), 1, 1, 3, grad.data(), 1.f);
  EXPECT_NEAR(r.loss_sum, 1 + std::log1p(std::exp(-1.0)), 1e-4);
  for (float g : grad) EXPECT_TRUE(std::isfinite(g));
  EXPECT_EQ(r.correct, 0);
}

TEST(LossTest, KnownValues) {
  const std::vector<float> z = {0.f, 0.f, 0.f, 0.f};  // Two rows of two classes; one padding row below.
  const std::vector<float> labels = {1, 0};
  std::vector<float> grad(4, 7.f);
  const LossResult r = SoftmaxCrossEntropy(z.data(), labels.data(), 1, 2, 2, grad.data(), 1.f);
  EXPECT_NEAR(r.loss_sum, std::log(2.0), 1e-6);
  EXPECT_FLOAT_EQ(grad[0], 0.5f);
  EXPECT_FLOAT_EQ(grad[1], -0.5f);
  EXPECT_FLOAT_EQ(grad[2], 0.f);  // Padding rows get zero gradient.
  const std::vector<float> pred = {1.f, 3.f}, target = {0.f, 1.f};
  std::vector<float> g(2);
  EXPECT_DOUBLE_EQ(SquaredError(pred.data(), target.data(), 2, 2, g.data(), 0.5f).loss_sum, 5.0);
  EXPECT_FLOAT_EQ(g[0], 1.f);
  EXPECT_FLOAT_EQ(g[1], 2.f);
}

TEST(ModelTest, PaddingRowsDoNotChangeGradients) {
  Case c{"padding", Activation::kRelu, {6}};
  std::unique_ptr<Model> m = MakeModel(c, 4, 2);
  m->Forward(2, true);
  m->Backward(2);
  std::vector<float> before(m->params()[0].grad, m->params()[0].grad + m->params()[0].size);
  for (int i = 2 * 5; i < 4 * 5; ++i) m->input()[i] = 1e3f;  // Garbage in the padding rows.
  m->Forward(2, true);
  m->Backward(2);
  for (size_t i = 0; i < before.size(); ++i) EXPECT_FLOAT_EQ(before[i], m->params()[0].grad[i]);
}

TEST(ModelTest, PlainWeightsRoundTripThroughChosenLayout) {
  Case c{"layout", Activation::kRelu, {256}, false, 0, 0, 0, true};
  ModelSpec spec;
  spec.inputs = 784;
  spec.hidden = {256, 128};
  spec.outputs = 10;
  spec.batch = 128;
  auto m = Model::Create(spec);
  ASSERT_TRUE(m.ok());
  std::vector<float> w((*m)->PlainWeights(0));
  ASSERT_EQ(w.size(), 784u * 256u);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 97);
  (*m)->SetPlainWeights(0, w);
  EXPECT_EQ((*m)->PlainWeights(0), w);
}

}  // namespace
}  // namespace hyperlab::worker::train
