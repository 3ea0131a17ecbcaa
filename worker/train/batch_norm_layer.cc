#include "worker/train/batch_norm_layer.h"

#include <algorithm>

#include "worker/train/activation_ops.h"
#include "worker/train/onednn_util.h"

namespace hyperlab::worker::train {
namespace {

using md = dnnl::memory::desc;
using flags = dnnl::normalization_flags;

}  // namespace

BatchNormLayer::BatchNormLayer(const md& src_desc, Activation activation, float epsilon, float momentum)
    : activation_(activation), momentum_(momentum) {
  const dnnl::memory::dims dims = src_desc.dims();
  if (dims.size() != 4) throw dnnl::error(dnnl_invalid_arguments, "batch norm: the input must be 4-D");
  channels_ = static_cast<int>(dims[1]);
  count_ = static_cast<double>(dims[0]) * dims[2] * dims[3];
  const dnnl::engine& eng = CpuEngine();
  flags f = flags::use_scale | flags::use_shift;
  if (activation == Activation::kRelu) f = f | flags::fuse_norm_relu;
  train_pd_ = dnnl::batch_normalization_forward::primitive_desc(
      dnnl::batch_normalization_forward::desc(dnnl::prop_kind::forward_training, src_desc, epsilon, f), eng);
  infer_pd_ = dnnl::batch_normalization_forward::primitive_desc(
      dnnl::batch_normalization_forward::desc(dnnl::prop_kind::forward_inference, src_desc, epsilon,
                                              f | flags::use_global_stats),
      eng);
  bwd_pd_ = dnnl::batch_normalization_backward::primitive_desc(
      dnnl::batch_normalization_backward::desc(dnnl::prop_kind::backward, src_desc, src_desc, epsilon, f),
      eng, train_pd_);
  train_ = dnnl::batch_normalization_forward(train_pd_);
  infer_ = dnnl::batch_normalization_forward(infer_pd_);
  bwd_ = dnnl::batch_normalization_backward(bwd_pd_);
  const md dst = train_pd_.dst_desc();
  const md channel({channels_}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::x);
  dst_ = dnnl::memory(dst, eng);
  diff_dst_ = dnnl::memory(dst, eng);
  std::fill_n(Floats(diff_dst_), dst_floats(), 0.f);
  scale_ = dnnl::memory(channel, eng);
  shift_ = dnnl::memory(channel, eng);
  diff_scale_ = dnnl::memory(channel, eng);
  diff_shift_ = dnnl::memory(channel, eng);
  mean_ = dnnl::memory(train_pd_.mean_desc(), eng);
  var_ = dnnl::memory(train_pd_.variance_desc(), eng);
  running_mean_.assign(channels_, 0.f);
  running_var_.assign(channels_, 1.f);
  running_mean_mem_ = dnnl::memory(infer_pd_.mean_desc(), eng, running_mean_.data());
  running_var_mem_ = dnnl::memory(infer_pd_.variance_desc(), eng, running_var_.data());
  std::fill_n(Floats(scale_), channels_, 1.f);
  for (dnnl::memory* m : {&shift_, &diff_scale_, &diff_shift_, &mean_, &var_})
    std::fill_n(Floats(*m), channels_, 0.f);
  train_args_ = {{DNNL_ARG_SRC, dst_},  // SRC is set per call.
                 {DNNL_ARG_DST, dst_},   {DNNL_ARG_SCALE, scale_}, {DNNL_ARG_SHIFT, shift_},
                 {DNNL_ARG_MEAN, mean_}, {DNNL_ARG_VARIANCE, var_}};
  infer_args_ = {{DNNL_ARG_SRC, dst_},
                 {DNNL_ARG_DST, dst_},
                 {DNNL_ARG_SCALE, scale_},
                 {DNNL_ARG_SHIFT, shift_},
                 {DNNL_ARG_MEAN, running_mean_mem_},
                 {DNNL_ARG_VARIANCE, running_var_mem_}};
  bwd_args_ = {{DNNL_ARG_SRC, dst_},  // SRC and DIFF_SRC are set per call.
               {DNNL_ARG_MEAN, mean_},
               {DNNL_ARG_VARIANCE, var_},
               {DNNL_ARG_DIFF_DST, diff_dst_},
               {DNNL_ARG_SCALE, scale_},
               {DNNL_ARG_SHIFT, shift_},  // Unused by the math, but oneDNN 2.6 checks it is passed.
               {DNNL_ARG_DIFF_SRC, diff_dst_},
               {DNNL_ARG_DIFF_SCALE, diff_scale_},
               {DNNL_ARG_DIFF_SHIFT, diff_shift_}};
  if (activation == Activation::kRelu) {
    workspace_ = dnnl::memory(train_pd_.workspace_desc(), eng);
    train_args_[DNNL_ARG_WORKSPACE] = workspace_;
    bwd_args_[DNNL_ARG_WORKSPACE] = workspace_;
  } else if (activation != Activation::kIdentity) {
    eltwise_ = dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, EltwiseAlgorithm(activation), dst, 0.f,
                                    0.f),
        eng));
    eltwise_args_ = {{DNNL_ARG_SRC, dst_}, {DNNL_ARG_DST, dst_}};
  }
}

void BatchNormLayer::Forward(dnnl::stream& s, const dnnl::memory& src, bool training) {
  if (training) {
    train_args_[DNNL_ARG_SRC] = src;
    train_.execute(s, train_args_);
    s.wait();
    const float* mean = Floats(mean_);
    const float* var = Floats(var_);
    const float unbiased = count_ > 1 ? static_cast<float>(count_ / (count_ - 1)) : 1.f;
    for (int c = 0; c < channels_; ++c) {
      running_mean_[c] = momentum_ * running_mean_[c] + (1 - momentum_) * mean[c];
      running_var_[c] = momentum_ * running_var_[c] + (1 - momentum_) * var[c] * unbiased;
    }
  } else {
    infer_args_[DNNL_ARG_SRC] = src;
    infer_.execute(s, infer_args_);
  }
  if (eltwise_) eltwise_->execute(s, eltwise_args_);
}

void BatchNormLayer::Backward(dnnl::stream& s, const dnnl::memory& src, dnnl::memory& diff_src) {
  if (eltwise_) {
    s.wait();
    ActivationBackward(activation_, Floats(dst_), nullptr, Floats(diff_dst_),
                       static_cast<int64_t>(dst_floats()));
  }
  bwd_args_[DNNL_ARG_SRC] = src;
  bwd_args_[DNNL_ARG_DIFF_SRC] = diff_src;
  bwd_.execute(s, bwd_args_);
}

}  // namespace hyperlab::worker::train
