// Batch normalisation over the channels of a 4-D tensor, y = act(scale (x - mean) / sqrt(var + eps) +
// shift), on oneDNN batch_normalization primitives for a fixed shape: training forward (statistics of
// the batch, over batch x height x width, and running averages updated for evaluation), inference forward
// (the running averages), and backward (gradients of the input, scale and shift).
//
// ReLU is fused into the primitives (fuse_norm_relu: the backward pass reads the forward pass's
// workspace); sigmoid and tanh run as an in-place eltwise primitive after it, and their derivative from
// the output. Running averages: r = momentum r + (1 - momentum) batch value, with the unbiased batch
// variance (as PyTorch; momentum 0.9 = PyTorch's 0.1). The output keeps the input's layout.
//
// Thread safety: a layer is used by one thread at a time.
#ifndef HYPERLAB_WORKER_TRAIN_BATCH_NORM_LAYER_H_
#define HYPERLAB_WORKER_TRAIN_BATCH_NORM_LAYER_H_

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <vector>

#include "oneapi/dnnl/dnnl.hpp"
#include "common/spec/knobs.h"

namespace hyperlab::worker::train {

class BatchNormLayer {
 public:
  // `src_desc`: {batch, channels, height, width} in the layout the input arrives in.
  // Throws dnnl::error when oneDNN cannot create the primitives.
  BatchNormLayer(const dnnl::memory::desc& src_desc, Activation activation, float epsilon = 1e-5f,
                 float momentum = 0.9f);

  int channels() const { return channels_; }
  Activation activation() const { return activation_; }

  // training: normalise with the batch's statistics (kept for Backward) and update the running
  // averages; otherwise normalise with the running averages.
  void Forward(dnnl::stream& s, const dnnl::memory& src, bool training);
  // From diff_dst() = d loss / d dst (overwritten by the activation's derivative): diff_scale,
  // diff_shift and `diff_src`. `src` must be the input of the last training Forward.
  void Backward(dnnl::stream& s, const dnnl::memory& src, dnnl::memory& diff_src);

  dnnl::memory& dst() { return dst_; }
  dnnl::memory& diff_dst() { return diff_dst_; }
  dnnl::memory& scale() { return scale_; }
  dnnl::memory& shift() { return shift_; }
  dnnl::memory& diff_scale() { return diff_scale_; }
  dnnl::memory& diff_shift() { return diff_shift_; }
  // Running averages (what evaluation normalises with); writable for snapshots.
  std::vector<float>& running_mean() { return running_mean_; }
  std::vector<float>& running_var() { return running_var_; }
  size_t dst_floats() const { return dst_.get_desc().get_size() / sizeof(float); }

 private:
  const Activation activation_;
  const float momentum_;
  int channels_ = 0;
  double count_ = 0;  // batch x height x width: values per channel statistic.
  dnnl::batch_normalization_forward::primitive_desc train_pd_, infer_pd_;
  dnnl::batch_normalization_backward::primitive_desc bwd_pd_;
  dnnl::batch_normalization_forward train_, infer_;
  dnnl::batch_normalization_backward bwd_;
  std::optional<dnnl::eltwise_forward> eltwise_;  // Sigmoid or tanh after the normalisation.
  dnnl::memory dst_, diff_dst_, workspace_;
  dnnl::memory scale_, shift_, diff_scale_, diff_shift_, mean_, var_, running_mean_mem_, running_var_mem_;
  std::vector<float> running_mean_, running_var_;
  std::unordered_map<int, dnnl::memory> train_args_, infer_args_, bwd_args_, eltwise_args_;
};

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_BATCH_NORM_LAYER_H_
