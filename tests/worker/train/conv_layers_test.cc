// Gradient checks against central finite differences for the convolution, pooling, batch-norm and flatten
// layers, each alone, in the layouts oneDNN picks and with inputs arriving in other layouts. The objective
// is L = sum(R * dst) for a fixed random R, so d L / d dst = R is what each Backward starts from.
#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/finite_difference.h"
#include "worker/train/batch_norm_layer.h"
#include "worker/train/conv_layer.h"
#include "worker/train/flatten_layer.h"
#include "worker/train/onednn_util.h"
#include "worker/train/pool_layer.h"

namespace hyperlab::worker::train {
namespace {

using md = dnnl::memory::desc;
using tag = dnnl::memory::format_tag;

md Desc(int n, int c, int h, int w, tag t) { return md({n, c, h, w}, dnnl::memory::data_type::f32, t); }

std::vector<float> Gaussian(size_t n, uint32_t seed, float scale = 1.f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0, scale);
  std::vector<float> v(n);
  for (float& x : v) x = g(rng);
  return v;
}

// A 4-D tensor held in some layout, read and written in plain NCHW order.
struct Tensor {
  Tensor(dnnl::stream& s, const md& layout)
      : stream(s),
        plain(Desc(Dim(layout, 0), Dim(layout, 1), Dim(layout, 2), Dim(layout, 3), tag::nchw)),
        mem(layout, CpuEngine()) {
    std::fill_n(Floats(mem), layout.get_size() / sizeof(float), 0.f);
  }
  static int Dim(const md& d, int i) { return static_cast<int>(d.dims()[i]); }
  std::vector<float> Get() { return ToPlain(stream, mem, plain); }
  void Set(const std::vector<float>& v) { FromPlain(stream, v, plain, mem); }
  dnnl::stream& stream;
  md plain;
  dnnl::memory mem;
};

// Central differences of `objective` with respect to each of `values` (set through `set`), against
// `analytic`. Returns the number of clearly non-zero gradients (so that a test can insist on some).
int CheckAgainstFiniteDifferences(std::vector<float> values,
                                  const std::function<void(const std::vector<float>&)>& set,
                                  const std::function<double()>& objective,
                                  const std::vector<float>& analytic, double h, double abs_tol,
                                  double rel_tol, const char* what) {
  EXPECT_EQ(values.size(), analytic.size()) << what;
  int nonzero = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    const double numeric = hyperlab::testing::Nudge(
                               values[i], h, [&] { set(values); }, objective)
                               .Central(h);
    EXPECT_NEAR(analytic[i], numeric, abs_tol + rel_tol * std::fabs(numeric)) << what << " element " << i;
    nonzero += std::fabs(analytic[i]) > 1e-3;
  }
  return nonzero;  // Nudge left every value as it was, applied.
}

double Dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

struct ConvCase {
  const char* name;
  ConvGeometry g;
  tag input_layout;
  Activation activation;
  bool allow_winograd = true;
};

class ConvLayerTest : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvLayerTest, GradientsMatchFiniteDifferences) {
  const ConvCase& c = GetParam();
  const ConvGeometry& g = c.g;
  dnnl::stream s(CpuEngine());
  const md src_desc = Desc(g.batch, g.in_channels, g.height, g.width, c.input_layout);
  ConvLayer conv(g, src_desc, c.activation, /*backward_data=*/true, /*fuse_activation_backward=*/true,
                 c.allow_winograd);
  SCOPED_TRACE(conv.implementations());
  if (!c.allow_winograd) {
    EXPECT_FALSE(conv.winograd());
  }
  std::vector<unsigned char> scratch(conv.ScratchpadBytes() + 64);
  conv.SetScratchpad(scratch.data() + (64 - reinterpret_cast<uintptr_t>(scratch.data()) % 64) % 64);
  Tensor x(s, src_desc), dx(s, src_desc), y(s, conv.dst().get_desc()), dy(s, conv.dst().get_desc());
  x.Set(Gaussian(static_cast<size_t>(g.batch) * g.in_channels * g.height * g.width, 1));
  std::vector<float> w =
      Gaussian(static_cast<size_t>(g.filters) * g.in_channels * g.kernel * g.kernel, 2, 0.3f);
  std::vector<float> b = Gaussian(g.filters, 3, 0.1f);
  FromPlain(s, w, conv.plain_weights_desc(), conv.weights());
  std::copy(b.begin(), b.end(), Floats(conv.bias()));
  const std::vector<float> r =
      Gaussian(static_cast<size_t>(g.batch) * g.filters * g.out_height() * g.out_width(), 4);
  auto objective = [&] {
    conv.Forward(s, x.mem);
    s.wait();
    y.mem = conv.dst();
    return Dot(y.Get(), r);
  };
  objective();
  dy.mem = conv.diff_dst();
  dy.Set(r);
  conv.Backward(s, x.mem, &dx.mem);
  s.wait();
  const std::vector<float> diff_src = dx.Get();
  const std::vector<float> diff_w = ToPlain(s, conv.diff_weights(), conv.plain_weights_desc());
  const std::vector<float> diff_b(Floats(conv.diff_bias()), Floats(conv.diff_bias()) + g.filters);
  // Linear layers (identity) are exact up to rounding; tanh needs a small step.
  const double h = c.activation == Activation::kIdentity ? 1e-2 : 1e-3;
  EXPECT_GT(
      CheckAgainstFiniteDifferences(
          x.Get(), [&](const std::vector<float>& v) { x.Set(v); }, objective, diff_src, h, 2e-3, 1e-2, "src"),
      static_cast<int>(diff_src.size()) / 2);
  EXPECT_GT(
      CheckAgainstFiniteDifferences(
          w, [&](const std::vector<float>& v) { FromPlain(s, v, conv.plain_weights_desc(), conv.weights()); },
          objective, diff_w, h, 2e-3, 1e-2, "weights"),
      static_cast<int>(diff_w.size()) / 2);
  EXPECT_EQ(CheckAgainstFiniteDifferences(
                b, [&](const std::vector<float>& v) { std::copy(v.begin(), v.end(), Floats(conv.bias())); },
                objective, diff_b, h, 2e-3, 1e-2, "bias"),
            g.filters);
}

ConvGeometry Geometry(int batch, int in, int h, int w, int filters, int k, int stride, int pt, int pl, int pb,
                      int pr) {
  ConvGeometry g;
  g.batch = batch, g.in_channels = in, g.height = h, g.width = w, g.filters = filters, g.kernel = k;
  g.stride = stride, g.pad_top = pt, g.pad_left = pl, g.pad_bottom = pb, g.pad_right = pr;
  return g;
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, ConvLayerTest,
    ::testing::Values(
        ConvCase{"Same3x3", ConvGeometry::Same(2, 3, 6, 5, 4, 3), tag::nchw, Activation::kIdentity},
        ConvCase{"Stride2AsymmetricPadding", Geometry(2, 2, 7, 6, 5, 3, 2, 1, 0, 1, 2), tag::nchw,
                 Activation::kIdentity},
        ConvCase{"EvenKernelSame", ConvGeometry::Same(1, 2, 5, 5, 3, 2), tag::nchw, Activation::kIdentity},
        // 16 input channels, 3x3: Winograd where oneDNN has it (AVX-512; it fuses no tanh), and the
        // direct algorithm.
        ConvCase{"InputInNhwcIsReorderedWinograd", ConvGeometry::Same(2, 16, 4, 4, 16, 3), tag::nhwc,
                 Activation::kIdentity},
        ConvCase{"SixteenChannelsTanh", ConvGeometry::Same(2, 16, 6, 5, 32, 3), tag::nChw16c,
                 Activation::kTanh},
        ConvCase{"DirectSixteenChannels", ConvGeometry::Same(2, 16, 6, 5, 32, 3), tag::nChw16c,
                 Activation::kIdentity, /*allow_winograd=*/false},
        ConvCase{"BlockedInput", Geometry(2, 16, 5, 5, 8, 3, 2, 1, 1, 1, 1), tag::nChw16c,
                 Activation::kIdentity},
        ConvCase{"FusedTanh", ConvGeometry::Same(2, 3, 5, 4, 4, 3), tag::nchw, Activation::kTanh}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ConvLayerTest, SameGeometryKeepsTheSize) {
  for (int k = 1; k <= 6; ++k) {
    const ConvGeometry g = ConvGeometry::Same(1, 1, 9, 8, 1, k);
    EXPECT_EQ(g.out_height(), 9) << k;
    EXPECT_EQ(g.out_width(), 8) << k;
  }
}

struct PoolCase {
  const char* name;
  Pooling kind;
  tag layout;
  int channels, height, width;
};

class PoolLayerTest : public ::testing::TestWithParam<PoolCase> {};

TEST_P(PoolLayerTest, GradientsMatchFiniteDifferences) {
  const PoolCase& c = GetParam();
  dnnl::stream s(CpuEngine());
  const int n = 2;
  const md src_desc = Desc(n, c.channels, c.height, c.width, c.layout);
  PoolLayer pool(src_desc, c.kind);
  EXPECT_EQ(pool.out_height(), c.height / 2);
  EXPECT_EQ(pool.out_width(), c.width / 2);
  Tensor x(s, src_desc), dx(s, src_desc), y(s, pool.dst().get_desc()), dy(s, pool.dst().get_desc());
  // Distinct values 0.05 apart, shuffled: no ties, and a step of 1e-3 never changes a window's winner.
  std::vector<float> v(static_cast<size_t>(n) * c.channels * c.height * c.width);
  std::iota(v.begin(), v.end(), 0.f);
  std::shuffle(v.begin(), v.end(), std::mt19937(5));
  for (float& e : v) e = 0.05f * e - 1.f;
  x.Set(v);
  const std::vector<float> r =
      Gaussian(static_cast<size_t>(n) * c.channels * pool.out_height() * pool.out_width(), 6);
  auto objective = [&] {
    pool.Forward(s, x.mem);
    s.wait();
    y.mem = pool.dst();
    return Dot(y.Get(), r);
  };
  objective();
  dy.mem = pool.diff_dst();
  dy.Set(r);
  pool.Backward(s, dx.mem);
  s.wait();
  const std::vector<float> diff_src = dx.Get();
  const int nonzero = CheckAgainstFiniteDifferences(
      v, [&](const std::vector<float>& e) { x.Set(e); }, objective, diff_src, 1e-3, 1e-3, 1e-3, "src");
  // Max pooling passes each output's gradient to one input of its window; average to all four (the odd
  // row/column that the floor drops gets none).
  const int outputs = n * c.channels * pool.out_height() * pool.out_width();
  EXPECT_EQ(nonzero, c.kind == Pooling::kMax ? outputs : 4 * outputs);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, PoolLayerTest,
    ::testing::Values(PoolCase{"MaxPlain", Pooling::kMax, tag::nchw, 3, 6, 4},
                      PoolCase{"MaxOddSidesBlocked", Pooling::kMax, tag::nChw16c, 5, 5, 7},
                      PoolCase{"AvgPlain", Pooling::kAvg, tag::nchw, 2, 4, 6},
                      PoolCase{"AvgOddSidesBlocked", Pooling::kAvg, tag::nChw16c, 3, 7, 5}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(PoolLayerTest, WindowLargerThanTheInputThrows) {
  EXPECT_THROW(PoolLayer(Desc(1, 1, 1, 4, tag::nchw), Pooling::kMax), dnnl::error);
  EXPECT_THROW(PoolLayer(Desc(1, 1, 4, 4, tag::nchw), Pooling::kNone), dnnl::error);
}

class BatchNormTest : public ::testing::TestWithParam<std::tuple<Activation, tag>> {};

TEST_P(BatchNormTest, GradientsMatchFiniteDifferences) {
  const auto [activation, layout] = GetParam();
  dnnl::stream s(CpuEngine());
  const int n = 3, c = 3, h = 3, w = 2;
  const md src_desc = Desc(n, c, h, w, layout);
  BatchNormLayer bn(src_desc, activation);
  Tensor x(s, src_desc), dx(s, src_desc), y(s, bn.dst().get_desc()), dy(s, bn.dst().get_desc());
  y.mem = bn.dst();
  std::vector<float> scale = {1.5f, 0.7f, -0.9f}, shift = {0.1f, -0.2f, 0.3f};
  std::copy(scale.begin(), scale.end(), Floats(bn.scale()));
  std::copy(shift.begin(), shift.end(), Floats(bn.shift()));
  // Finite differences are meaningless across ReLU's kink: draw inputs until every pre-activation output
  // is at least 0.02 away from 0 (a step of 1e-3 moves an output by well under that).
  std::vector<float> v;
  for (uint32_t seed = 10;; ++seed) {
    v = Gaussian(static_cast<size_t>(n) * c * h * w, seed, 2.f);
    for (size_t i = 0; i < v.size(); ++i) v[i] += static_cast<float>(i % c);  // Per-channel offsets.
    x.Set(v);
    BatchNormLayer probe(src_desc, Activation::kIdentity);
    std::copy(scale.begin(), scale.end(), Floats(probe.scale()));
    std::copy(shift.begin(), shift.end(), Floats(probe.shift()));
    probe.Forward(s, x.mem, true);
    s.wait();
    Tensor py(s, probe.dst().get_desc());
    py.mem = probe.dst();
    const std::vector<float> pre = py.Get();
    if (std::all_of(pre.begin(), pre.end(), [](float e) { return std::fabs(e) > 0.02f; })) break;
    ASSERT_LT(seed, 100u);
  }
  const std::vector<float> r = Gaussian(v.size(), 7);
  auto objective = [&] {
    bn.Forward(s, x.mem, /*training=*/true);
    s.wait();
    return Dot(y.Get(), r);
  };
  objective();
  dy.mem = bn.diff_dst();
  dy.Set(r);
  bn.Backward(s, x.mem, dx.mem);
  s.wait();
  const std::vector<float> diff_src = dx.Get();
  const std::vector<float> diff_scale(Floats(bn.diff_scale()), Floats(bn.diff_scale()) + c);
  const std::vector<float> diff_shift(Floats(bn.diff_shift()), Floats(bn.diff_shift()) + c);
  EXPECT_GT(
      CheckAgainstFiniteDifferences(
          v, [&](const std::vector<float>& e) { x.Set(e); }, objective, diff_src, 1e-3, 3e-3, 2e-2, "src"),
      static_cast<int>(v.size()) / 3);
  EXPECT_GT(
      CheckAgainstFiniteDifferences(
          scale, [&](const std::vector<float>& e) { std::copy(e.begin(), e.end(), Floats(bn.scale())); },
          objective, diff_scale, 1e-3, 3e-3, 2e-2, "scale"),
      0);
  EXPECT_GT(
      CheckAgainstFiniteDifferences(
          shift, [&](const std::vector<float>& e) { std::copy(e.begin(), e.end(), Floats(bn.shift())); },
          objective, diff_shift, 1e-3, 3e-3, 2e-2, "shift"),
      0);
}

INSTANTIATE_TEST_SUITE_P(ActivationsAndLayouts, BatchNormTest,
                         ::testing::Combine(::testing::Values(Activation::kIdentity, Activation::kRelu,
                                                              Activation::kTanh),
                                            ::testing::Values(tag::nchw, tag::nChw16c)),
                         [](const auto& info) {
                           return std::string(ActivationName(std::get<0>(info.param))) +
                                  (std::get<1>(info.param) == tag::nchw ? "Plain" : "Blocked");
                         });

TEST(BatchNormTest, RunningAveragesAndInference) {
  dnnl::stream s(CpuEngine());
  const int n = 4, c = 2, h = 2, w = 2;
  const md src_desc = Desc(n, c, h, w, tag::nchw);
  BatchNormLayer bn(src_desc, Activation::kIdentity, /*epsilon=*/1e-5f, /*momentum=*/0.9f);
  dnnl::memory x(src_desc, CpuEngine());
  std::vector<float> v = Gaussian(static_cast<size_t>(n) * c * h * w, 8);
  std::copy(v.begin(), v.end(), Floats(x));
  std::vector<double> mean(c, 0), var(c, 0);
  const int per = n * h * w;
  for (int ch = 0; ch < c; ++ch) {
    for (int i = 0; i < n; ++i)
      for (int p = 0; p < h * w; ++p) mean[ch] += v[(i * c + ch) * h * w + p] / per;
    for (int i = 0; i < n; ++i)
      for (int p = 0; p < h * w; ++p) var[ch] += std::pow(v[(i * c + ch) * h * w + p] - mean[ch], 2) / per;
  }
  bn.Forward(s, x, /*training=*/true);
  s.wait();
  for (int ch = 0; ch < c; ++ch) {
    EXPECT_NEAR(bn.running_mean()[ch], 0.1 * mean[ch], 1e-5);
    EXPECT_NEAR(bn.running_var()[ch], 0.9 + 0.1 * var[ch] * per / (per - 1), 1e-5);  // Unbiased.
    // Training output: the batch's own statistics.
    EXPECT_NEAR(Floats(bn.dst())[ch * h * w], (v[ch * h * w] - mean[ch]) / std::sqrt(var[ch] + 1e-5), 1e-4);
  }
  bn.Forward(s, x, /*training=*/false);
  s.wait();
  for (int ch = 0; ch < c; ++ch) {
    const double expected = (v[ch * h * w] - bn.running_mean()[ch]) / std::sqrt(bn.running_var()[ch] + 1e-5);
    EXPECT_NEAR(Floats(bn.dst())[ch * h * w], expected, 1e-4);
  }
}

TEST(FlattenLayerTest, BlockedToPlainAndBack) {
  dnnl::stream s(CpuEngine());
  const int n = 2, c = 5, h = 3, w = 2;
  const md blocked = Desc(n, c, h, w, tag::nChw16c);
  FlattenLayer flatten(blocked);
  EXPECT_EQ(flatten.features(), c * h * w);
  Tensor x(s, blocked), dx(s, blocked);
  const std::vector<float> v = Gaussian(static_cast<size_t>(n) * c * h * w, 9);
  x.Set(v);
  flatten.Forward(s, x.mem);
  s.wait();
  // Forward is PyTorch's flatten of the NCHW tensor; the objective sum(R * dst) is linear, so its gradient
  // is R itself, and Backward must return exactly R in the input's layout.
  const std::vector<float> out(Floats(flatten.dst()), Floats(flatten.dst()) + v.size());
  EXPECT_EQ(out, v);
  const std::vector<float> r = Gaussian(v.size(), 10);
  std::copy(r.begin(), r.end(), Floats(flatten.diff_dst()));
  flatten.Backward(s, dx.mem);
  s.wait();
  EXPECT_EQ(dx.Get(), r);
  auto objective = [&] {
    flatten.Forward(s, x.mem);
    s.wait();
    return Dot(std::vector<float>(Floats(flatten.dst()), Floats(flatten.dst()) + v.size()), r);
  };
  EXPECT_EQ(CheckAgainstFiniteDifferences(
                v, [&](const std::vector<float>& e) { x.Set(e); }, objective, r, 1e-2, 1e-3, 1e-3, "src"),
            static_cast<int>(std::count_if(r.begin(), r.end(), [](float e) { return std::fabs(e) > 1e-3; })));
}

}  // namespace
}  // namespace hyperlab::worker::train
