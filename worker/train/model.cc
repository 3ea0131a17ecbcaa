#include "worker/train/model.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"
#include "worker/train/activation_ops.h"
#include "worker/train/onednn_util.h"

namespace hyperlab::worker::train {
namespace {

using md = dnnl::memory::desc;

// Stddev of a normal truncated at 2 sigma relative to the untruncated one (Keras' correction).
constexpr double kTruncatedStddev = 0.87962566103423978;

}  // namespace

absl::StatusOr<std::unique_ptr<Model>> Model::Create(const ModelSpec& spec) {
  if (spec.inputs < 1 || spec.outputs < 1 || spec.batch < 1) {
    return absl::InvalidArgumentError(absl::StrCat("model: bad shape: inputs ", spec.inputs, ", outputs ",
                                                   spec.outputs, ", batch ", spec.batch));
  }
  if (!(spec.dropout >= 0 && spec.dropout < 1)) {
    return absl::InvalidArgumentError(absl::StrCat("model: dropout must be in [0, 1), got ", spec.dropout));
  }
  std::unique_ptr<Model> model(new Model(spec));
  if (absl::Status built = BuildPrimitives("the network", [&] { model->Build(); }); !built.ok()) return built;
  model->Initialize();
  return model;
}

Model::Model(const ModelSpec& spec) : spec_(spec), stream_(CpuEngine()) {}

void Model::Build() {
  int in = spec_.inputs;
  std::vector<int> widths = spec_.hidden;
  widths.push_back(spec_.outputs);
  for (size_t i = 0; i < widths.size(); ++i) {
    const bool last = i + 1 == widths.size();
    layers_.push_back(std::make_unique<DenseLayer>(
        spec_.batch, in, widths[i], last ? Activation::kIdentity : spec_.activation, spec_.pick_layouts));
    if (!last) {
      masked_.emplace_back(layers_.back()->dst().get_desc(), CpuEngine());
      masks_.emplace_back(static_cast<size_t>(spec_.batch) * widths[i], 1.f);
    }
    in = widths[i];
  }
  input_ = dnnl::memory(
      md({spec_.batch, spec_.inputs}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nc),
      CpuEngine());
  std::fill_n(input(), static_cast<size_t>(spec_.batch) * spec_.inputs, 0.f);
  targets_.assign(spec_.batch, 0.f);
  size_t scratch = 1;
  for (const auto& l : layers_) scratch = std::max(scratch, l->ScratchpadBytes());
  scratchpad_.resize(scratch + 64);
  void* aligned = scratchpad_.data() + (64 - reinterpret_cast<uintptr_t>(scratchpad_.data()) % 64) % 64;
  for (auto& l : layers_) l->SetScratchpad(aligned);
  for (auto& l : layers_) {
    params_.push_back({Floats(l->weights()), Floats(l->diff_weights()), l->weight_floats(), true});
    params_.push_back({Floats(l->bias()), Floats(l->diff_bias()), static_cast<size_t>(l->outputs()), false});
  }
}

void Model::Initialize() {
  std::mt19937_64 rng(spec_.seed);
  std::normal_distribution<double> gauss(0, 1);
  for (int i = 0; i < layers(); ++i) {
    const DenseLayer& l = *layers_[i];
    double stddev = spec_.init_stddev;
    if (spec_.init == Init::kHe) stddev = std::sqrt(2.0 / l.inputs()) / kTruncatedStddev;
    if (spec_.init == Init::kGlorot) {
      stddev = std::sqrt(2.0 / (l.inputs() + l.outputs())) / kTruncatedStddev;
    }
    std::vector<float> w(static_cast<size_t>(l.inputs()) * l.outputs());
    for (float& v : w) {
      double z;
      do z = gauss(rng);
      while (std::fabs(z) > 2);
      v = static_cast<float>(z * stddev);
    }
    SetPlainWeights(i, w);
  }
}

LossResult Model::Forward(int rows, bool training) {
  last_training_ = training;
  const bool drop = training && spec_.dropout > 0;
  const dnnl::memory* src = &input_;
  for (int i = 0; i < layers(); ++i) {
    DenseLayer& l = *layers_[i];
    l.Forward(stream_, *src);
    src = &l.dst();
    if (drop && i + 1 < layers()) {
      const int64_t n = static_cast<int64_t>(spec_.batch) * l.outputs();
      DropoutMask(spec_.seed * 1000003 + i, dropout_step_, static_cast<float>(spec_.dropout),
                  masks_[i].data(), n);
      stream_.wait();
      ApplyMask(Floats(l.dst()), masks_[i].data(), Floats(masked_[i]), n);
      src = &masked_[i];
    }
  }
  if (drop) ++dropout_step_;
  stream_.wait();
  DenseLayer& out = *layers_.back();
  float* grad = training ? Floats(out.diff_dst()) : nullptr;
  const float scale = 1.f / static_cast<float>(std::max(rows, 1));
  if (spec_.regression) {
    return SquaredError(Floats(out.dst()), targets_.data(), rows, spec_.batch, grad, scale);
  }
  return SoftmaxCrossEntropy(Floats(out.dst()), targets_.data(), rows, spec_.batch, spec_.outputs, grad,
                             scale);
}

void Model::Backward(int rows) {
  const bool drop = last_training_ && spec_.dropout > 0;
  for (int i = layers() - 1; i >= 0; --i) {
    DenseLayer& l = *layers_[i];
    const dnnl::memory& src = i == 0 ? input_ : (drop ? masked_[i - 1] : layers_[i - 1]->dst());
    l.BackwardWeights(stream_, src);
    if (i == 0) break;
    DenseLayer& prev = *layers_[i - 1];
    l.BackwardData(stream_, prev.diff_dst());
    stream_.wait();
    ActivationBackward(prev.activation(), Floats(prev.dst()), drop ? masks_[i - 1].data() : nullptr,
                       Floats(prev.diff_dst()), static_cast<int64_t>(spec_.batch) * prev.outputs());
  }
  stream_.wait();
}

const float* Model::output() { return Floats(layers_.back()->dst()); }

double Model::Penalty(double l1, double l2) const {
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

std::vector<float> Model::PlainWeights(int layer) {
  DenseLayer& l = *layers_[layer];
  return ToPlain(stream_, l.weights(), l.plain_weights_desc());
}

void Model::SetPlainWeights(int layer, const std::vector<float>& values) {
  DenseLayer& l = *layers_[layer];
  FromPlain(stream_, values, l.plain_weights_desc(), l.weights());
}

std::vector<float> Model::Snapshot() const {
  std::vector<float> out;
  for (const ParamBuffer& p : params_) out.insert(out.end(), p.value, p.value + p.size);
  return out;
}

void Model::Restore(const std::vector<float>& snapshot) {
  size_t at = 0;
  for (ParamBuffer& p : params_) {
    std::copy_n(snapshot.begin() + at, p.size, p.value);
    at += p.size;
  }
}

bool Model::any_blocked() const {
  return std::any_of(layers_.begin(), layers_.end(), [](const auto& l) { return l->blocked(); });
}

}  // namespace hyperlab::worker::train
