#include "worker/train/conv_net.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"
#include "worker/train/activation_ops.h"

namespace hyperlab::worker::train {
namespace {

using md = dnnl::memory::desc;

// Stddev of a normal truncated at 2 sigma relative to the untruncated one (as in model.cc).
constexpr double kTruncatedStddev = 0.87962566103423978;

// Dropout streams: block b uses seed * kSeedMix + kConvStream + b; the dense hidden layer kDenseStream.
constexpr uint64_t kSeedMix = 1000003;
constexpr uint64_t kConvStream = 100;
constexpr uint64_t kDenseStream = 200;

std::vector<float> TruncatedNormal(std::mt19937_64& rng, size_t n, double stddev) {
  std::normal_distribution<double> gauss(0, 1);
  std::vector<float> w(n);
  for (float& v : w) {
    double z;
    do z = gauss(rng);
    while (std::fabs(z) > 2);
    v = static_cast<float>(z * stddev);
  }
  return w;
}

double InitStddev(Init init, double fixed, double fan_in, double fan_out) {
  switch (init) {
    case Init::kHe:
      return std::sqrt(2.0 / fan_in) / kTruncatedStddev;
    case Init::kGlorot:
      return std::sqrt(2.0 / (fan_in + fan_out)) / kTruncatedStddev;
    case Init::kNormal:
      break;
  }
  return fixed;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ConvNet>> ConvNet::Create(const ConvNetSpec& spec) {
  const ImageShape& im = spec.image;
  if (!im.known() || im.height < 1 || im.width < 1) {
    return absl::InvalidArgumentError("conv_blocks: a convolutional network needs image data");
  }
  if (spec.outputs < 2 || spec.batch < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("conv net: bad shape: ", spec.outputs, " classes (needs >= 2), batch ", spec.batch));
  }
  if (spec.blocks < 1 || spec.blocks > 16 || spec.filters < 1 || spec.kernel_size < 1 ||
      spec.dense_units < 0) {
    return absl::InvalidArgumentError(absl::StrCat("conv net: bad architecture: ", spec.blocks, " blocks of ",
                                                   spec.filters, " filters, kernel ", spec.kernel_size,
                                                   ", dense ", spec.dense_units));
  }
  if (static_cast<int64_t>(spec.filters) << (spec.blocks - 1) > 65536) {
    return absl::InvalidArgumentError(absl::StrCat("filters: ", spec.filters, " doubled over ", spec.blocks,
                                                   " blocks is more than 65536 filters"));
  }
  for (double p : {spec.conv_dropout, spec.dense_dropout}) {
    if (!(p >= 0 && p < 1))
      return absl::InvalidArgumentError(absl::StrCat("conv net: dropout must be in [0, 1), got ", p));
  }
  if (spec.pooling != Pooling::kNone) {
    int h = im.height, w = im.width;
    for (int b = 0; b < spec.blocks; ++b, h /= 2, w /= 2) {
      if (h < 2 || w < 2) {
        return absl::InvalidArgumentError(
            absl::StrCat("conv_blocks: ", spec.blocks, " blocks with 2x2 pooling need a larger image: block ",
                         b + 1, " would pool a ", h, "x", w, " map (input ", im.height, "x", im.width, ")"));
      }
    }
  }
  std::unique_ptr<ConvNet> net(new ConvNet(spec));
  if (absl::Status built = BuildPrimitives("the convolutional network", [&] { net->Build(); }); !built.ok()) {
    return built;
  }
  net->Initialize();
  return net;
}

ConvNet::ConvNet(const ConvNetSpec& spec) : spec_(spec), stream_(CpuEngine()) {}

void ConvNet::Build() {
  const dnnl::engine& eng = CpuEngine();
  const ImageShape& im = spec_.image;
  const int n = spec_.batch;
  input_ = dnnl::memory(
      md({n, im.channels, im.height, im.width}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nchw),
      eng);
  std::fill_n(input(), static_cast<size_t>(n) * input_size(), 0.f);
  targets_.assign(n, 0.f);
  md src = input_.get_desc();
  int channels = im.channels, h = im.height, w = im.width;
  blocks_.resize(spec_.blocks);
  for (int b = 0; b < spec_.blocks; ++b) {
    Block& block = blocks_[b];
    const int filters = spec_.filters << b;
    block.activation_after_pool =
        !spec_.batch_norm && spec_.pooling == Pooling::kMax && spec_.activation != Activation::kIdentity;
    const ConvGeometry g = ConvGeometry::Same(n, channels, h, w, filters, spec_.kernel_size);
    block.conv =
        std::make_unique<ConvLayer>(g, src, spec_.batch_norm ? Activation::kIdentity : spec_.activation,
                                    /*backward_data=*/b > 0,
                                    /*fuse_activation_backward=*/!block.activation_after_pool);
    md out = block.conv->dst().get_desc();
    if (spec_.batch_norm) {
      block.norm = std::make_unique<BatchNormLayer>(out, spec_.activation);
      out = block.norm->dst().get_desc();
    }
    if (spec_.pooling != Pooling::kNone) {
      block.pool = std::make_unique<PoolLayer>(out, spec_.pooling);
      out = block.pool->dst().get_desc();
      h = block.pool->out_height();
      w = block.pool->out_width();
    }
    if (spec_.conv_dropout > 0) {
      block.masked = dnnl::memory(out, eng);
      block.mask.assign(out.get_size() / sizeof(float), 1.f);
    }
    channels = filters;
    src = out;
  }
  flatten_ = std::make_unique<FlattenLayer>(src);
  int in = static_cast<int>(flatten_->features());
  if (spec_.dense_units > 0) {
    hidden_ = std::make_unique<DenseLayer>(n, in, spec_.dense_units, spec_.activation, /*pick_layout=*/true);
    if (spec_.dense_dropout > 0) {
      hidden_masked_ = dnnl::memory(hidden_->dst().get_desc(), eng);
      hidden_mask_.assign(static_cast<size_t>(n) * spec_.dense_units, 1.f);
    }
    in = spec_.dense_units;
  }
  out_ = std::make_unique<DenseLayer>(n, in, spec_.outputs, Activation::kIdentity, /*pick_layout=*/true);

  size_t scratch = 1;
  for (const Block& b : blocks_) scratch = std::max(scratch, b.conv->ScratchpadBytes());
  if (hidden_) scratch = std::max(scratch, hidden_->ScratchpadBytes());
  scratch = std::max(scratch, out_->ScratchpadBytes());
  scratchpad_.resize(scratch + 64);
  void* aligned = scratchpad_.data() + (64 - reinterpret_cast<uintptr_t>(scratchpad_.data()) % 64) % 64;
  for (Block& b : blocks_) {
    b.conv->SetScratchpad(aligned);
    params_.push_back(
        {Floats(b.conv->weights()), Floats(b.conv->diff_weights()), b.conv->weight_floats(), true});
    params_.push_back({Floats(b.conv->bias()), Floats(b.conv->diff_bias()),
                       static_cast<size_t>(b.conv->geometry().filters), false});
    if (b.norm) {
      const auto c = static_cast<size_t>(b.norm->channels());
      params_.push_back({Floats(b.norm->scale()), Floats(b.norm->diff_scale()), c, false});
      params_.push_back({Floats(b.norm->shift()), Floats(b.norm->diff_shift()), c, false});
    }
  }
  for (DenseLayer* l : {hidden_.get(), out_.get()}) {
    if (l == nullptr) continue;
    l->SetScratchpad(aligned);
    params_.push_back({Floats(l->weights()), Floats(l->diff_weights()), l->weight_floats(), true});
    params_.push_back({Floats(l->bias()), Floats(l->diff_bias()), static_cast<size_t>(l->outputs()), false});
  }
}

void ConvNet::Initialize() {
  std::mt19937_64 rng(spec_.seed);
  for (int b = 0; b < static_cast<int>(blocks_.size()); ++b) {
    const ConvGeometry& g = blocks_[b].conv->geometry();
    const double area = static_cast<double>(g.kernel) * g.kernel;
    const double stddev = InitStddev(spec_.init, spec_.init_stddev, g.in_channels * area, g.filters * area);
    SetPlainConvWeights(b,
                        TruncatedNormal(rng, static_cast<size_t>(g.filters) * g.in_channels * area, stddev));
  }
  for (DenseLayer* l : {hidden_.get(), out_.get()}) {
    if (l == nullptr) continue;
    const double stddev = InitStddev(spec_.init, spec_.init_stddev, l->inputs(), l->outputs());
    FromPlain(stream_, TruncatedNormal(rng, static_cast<size_t>(l->inputs()) * l->outputs(), stddev),
              l->plain_weights_desc(), l->weights());
  }
}

void ConvNet::SetPlainConvWeights(int block, const std::vector<float>& values) {
  ConvLayer& c = *blocks_[block].conv;
  FromPlain(stream_, values, c.plain_weights_desc(), c.weights());
}

LossResult ConvNet::Forward(int rows, bool training) {
  last_training_ = training;
  const dnnl::memory* x = &input_;
  for (size_t b = 0; b < blocks_.size(); ++b) {
    Block& block = blocks_[b];
    block.input = x;
    block.conv->Forward(stream_, *x);
    if (block.norm) block.norm->Forward(stream_, block.conv->dst(), training);
    if (block.pool) block.pool->Forward(stream_, block.norm ? block.norm->dst() : block.conv->dst());
    x = &block.out();
    if (training && spec_.conv_dropout > 0) {
      const auto count = static_cast<int64_t>(block.mask.size());
      DropoutMask(spec_.seed * kSeedMix + kConvStream + b, dropout_step_,
                  static_cast<float>(spec_.conv_dropout), block.mask.data(), count);
      stream_.wait();
      ApplyMask(Floats(block.out()), block.mask.data(), Floats(block.masked), count);
      x = &block.masked;
    }
  }
  flatten_->Forward(stream_, *x);
  const dnnl::memory* features = &flatten_->dst();
  if (hidden_) {
    hidden_->Forward(stream_, *features);
    features = &hidden_->dst();
    if (training && spec_.dense_dropout > 0) {
      const auto count = static_cast<int64_t>(hidden_mask_.size());
      DropoutMask(spec_.seed * kSeedMix + kDenseStream, dropout_step_,
                  static_cast<float>(spec_.dense_dropout), hidden_mask_.data(), count);
      stream_.wait();
      ApplyMask(Floats(hidden_->dst()), hidden_mask_.data(), Floats(hidden_masked_), count);
      features = &hidden_masked_;
    }
  }
  out_->Forward(stream_, *features);
  if (training && (spec_.conv_dropout > 0 || spec_.dense_dropout > 0)) ++dropout_step_;
  stream_.wait();
  float* grad = training ? Floats(out_->diff_dst()) : nullptr;
  const float scale = 1.f / static_cast<float>(std::max(rows, 1));
  return SoftmaxCrossEntropy(Floats(out_->dst()), targets_.data(), rows, spec_.batch, spec_.outputs, grad,
                             scale);
}

void ConvNet::Backward(int rows) {
  const bool conv_drop = last_training_ && spec_.conv_dropout > 0;
  const bool dense_drop = last_training_ && spec_.dense_dropout > 0;
  if (hidden_) {
    out_->BackwardWeights(stream_, dense_drop ? hidden_masked_ : hidden_->dst());
    out_->BackwardData(stream_, hidden_->diff_dst());
    stream_.wait();
    ActivationBackward(spec_.activation, Floats(hidden_->dst()), dense_drop ? hidden_mask_.data() : nullptr,
                       Floats(hidden_->diff_dst()), static_cast<int64_t>(spec_.batch) * spec_.dense_units);
    hidden_->BackwardWeights(stream_, flatten_->dst());
    hidden_->BackwardData(stream_, flatten_->diff_dst());
  } else {
    out_->BackwardWeights(stream_, flatten_->dst());
    out_->BackwardData(stream_, flatten_->diff_dst());
  }
  flatten_->Backward(stream_, blocks_.back().diff_out());
  for (int b = static_cast<int>(blocks_.size()) - 1; b >= 0; --b) {
    Block& block = blocks_[b];
    if (conv_drop || block.activation_after_pool) {
      stream_.wait();
      const Activation a = block.activation_after_pool ? spec_.activation : Activation::kIdentity;
      ActivationBackward(a, Floats(block.out()), conv_drop ? block.mask.data() : nullptr,
                         Floats(block.diff_out()),
                         static_cast<int64_t>(block.out().get_desc().get_size() / sizeof(float)));
    }
    if (block.pool)
      block.pool->Backward(stream_, block.norm ? block.norm->diff_dst() : block.conv->diff_dst());
    if (block.norm) block.norm->Backward(stream_, block.conv->dst(), block.conv->diff_dst());
    block.conv->Backward(stream_, *block.input, b > 0 ? &blocks_[b - 1].diff_out() : nullptr);
  }
  stream_.wait();
}

const float* ConvNet::output() { return Floats(out_->dst()); }

double ConvNet::Penalty(double l1, double l2) const {
  double sum = 0;
  for (const ParamBuffer& p : params_) {
    if (!p.is_weight) continue;
    double a = 0, s = 0;
    for (size_t i = 0; i < p.size; ++i) {
      a += std::fabs(p.value[i]);
      s += static_cast<double>(p.value[i]) * p.value[i];
    }
    sum += l1 * a + 0.5 * l2 * s;
  }
  return sum;
}

std::vector<float> ConvNet::Snapshot() const {
  std::vector<float> out;
  for (const ParamBuffer& p : params_) out.insert(out.end(), p.value, p.value + p.size);
  for (const Block& b : blocks_) {
    if (!b.norm) continue;
    out.insert(out.end(), b.norm->running_mean().begin(), b.norm->running_mean().end());
    out.insert(out.end(), b.norm->running_var().begin(), b.norm->running_var().end());
  }
  return out;
}

void ConvNet::Restore(const std::vector<float>& snapshot) {
  auto at = snapshot.begin();
  for (ParamBuffer& p : params_) {
    std::copy_n(at, p.size, p.value);
    at += static_cast<std::ptrdiff_t>(p.size);
  }
  for (Block& b : blocks_) {
    if (!b.norm) continue;
    for (std::vector<float>* v : {&b.norm->running_mean(), &b.norm->running_var()}) {
      std::copy_n(at, v->size(), v->begin());
      at += static_cast<std::ptrdiff_t>(v->size());
    }
  }
}

std::string ConvNet::Implementations() const {
  std::string s;
  for (size_t b = 0; b < blocks_.size(); ++b) {
    absl::StrAppend(&s, "block ", b + 1, ": ", blocks_[b].conv->implementations(), "\n");
  }
  return s;
}

std::string ConvNet::Describe() const {
  const ImageShape& im = spec_.image;
  std::string s = absl::StrCat(im.channels, "x", im.height, "x", im.width);
  for (const Block& b : blocks_) {
    const ConvGeometry& g = b.conv->geometry();
    absl::StrAppend(&s, " -> conv ", g.filters, " ", g.kernel, "x", g.kernel);
    if (b.norm) absl::StrAppend(&s, " -> batch norm");
    absl::StrAppend(&s, " -> ", ActivationName(spec_.activation));
    int h = g.out_height(), w = g.out_width();
    if (b.pool) {
      absl::StrAppend(&s, " -> ", PoolingName(b.pool->kind()), " pool");
      h = b.pool->out_height();
      w = b.pool->out_width();
    }
    absl::StrAppend(&s, " -> ", g.filters, "x", h, "x", w);
  }
  absl::StrAppend(&s, " -> flatten ", flatten_->features());
  if (hidden_) absl::StrAppend(&s, " -> dense ", hidden_->outputs());
  absl::StrAppend(&s, " -> ", spec_.outputs);
  return s;
}

}  // namespace hyperlab::worker::train
