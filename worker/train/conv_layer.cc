#include "worker/train/conv_layer.h"

#include <algorithm>
#include <string_view>

#include "worker/train/activation_ops.h"
#include "worker/train/onednn_util.h"

namespace hyperlab::worker::train {
namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;
using md = dnnl::memory::desc;

void Zero(dnnl::memory& m) { std::fill_n(Floats(m), m.get_desc().get_size() / sizeof(float), 0.f); }

template <typename PrimitiveDesc>
bool IsReference(const PrimitiveDesc& pd) {
  return std::string_view(pd.impl_info_str()).starts_with("ref");
}

}  // namespace

ConvGeometry ConvGeometry::Same(int batch, int in_channels, int height, int width, int filters, int kernel) {
  ConvGeometry g;
  g.batch = batch;
  g.in_channels = in_channels;
  g.height = height;
  g.width = width;
  g.filters = filters;
  g.kernel = kernel;
  g.stride = 1;
  g.pad_top = g.pad_left = (kernel - 1) / 2;
  g.pad_bottom = g.pad_right = kernel - 1 - (kernel - 1) / 2;
  return g;
}

md ConvLayer::plain_weights_desc() const {
  return md({g_.filters, g_.in_channels, g_.kernel, g_.kernel}, dt::f32, tag::oihw);
}

ConvLayer::ConvLayer(const ConvGeometry& g, const md& src_desc, Activation activation, bool backward_data,
                     bool fuse_activation_backward, bool allow_winograd)
    : g_(g),
      activation_(activation),
      backward_data_(backward_data),
      fuse_activation_backward_(fuse_activation_backward) {
  const Descriptors d = MakeDescriptors();
  ChoosePrimitives(d, allow_winograd);
  AvoidReferenceBackwardWeights(d);
  CreateWeightsReorders();
  fwd_ = dnnl::convolution_forward(fwd_pd_);
  bwd_weights_ = dnnl::convolution_backward_weights(bwd_weights_pd_);
  CreateInputReorders(src_desc);
  AllocateMemory(d);
}

ConvLayer::Descriptors ConvLayer::MakeDescriptors() const {
  Descriptors d;
  d.any_src = md({g_.batch, g_.in_channels, g_.height, g_.width}, dt::f32, tag::any);
  d.any_weights = md({g_.filters, g_.in_channels, g_.kernel, g_.kernel}, dt::f32, tag::any);
  d.any_dst = md({g_.batch, g_.filters, g_.out_height(), g_.out_width()}, dt::f32, tag::any);
  d.bias = md({g_.filters}, dt::f32, tag::x);
  d.strides = {g_.stride, g_.stride};
  d.pad_l = {g_.pad_top, g_.pad_left};
  d.pad_r = {g_.pad_bottom, g_.pad_right};
  return d;
}

void ConvLayer::ChoosePrimitives(const Descriptors& d, bool allow_winograd) {
  const dnnl::engine& eng = CpuEngine();
  // Winograd F(4x4, 3x3) does a 3x3 stride-1 convolution in fewer multiplications; measured on the 2-core
  // AVX-512 machines at batch 128 (32 -> 64 channels, 14x14) it takes 4.9 / 6.2 / 6.9 ms for forward /
  // backward data / backward weights against 7.6 / 7.8 / 8.5 ms for the direct kernels. With few input
  // channels it is slower (1 -> 32 channels: 4.9 ms against 0.9 ms), and oneDNN implements it only for
  // some shapes: otherwise, or if any of the three primitives is missing, the direct algorithm.
  const bool winograd = allow_winograd && g_.kernel == 3 && g_.stride == 1 && g_.in_channels >= 16;
  algorithm_ = dnnl::algorithm::convolution_direct;
  for (dnnl::algorithm alg : {dnnl::algorithm::convolution_winograd, dnnl::algorithm::convolution_direct}) {
    if (alg == dnnl::algorithm::convolution_winograd && !winograd) continue;
    try {
      fwd_pd_ = dnnl::convolution_forward::primitive_desc(
          dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, alg, d.any_src, d.any_weights,
                                          d.bias, d.any_dst, d.strides, d.pad_l, d.pad_r),
          ActivationAttr(activation_), eng);
      // The backward passes take the activations in the forward pass's layouts (no activation is
      // reordered between passes) and choose their weights layouts.
      bwd_weights_pd_ = dnnl::convolution_backward_weights::primitive_desc(
          dnnl::convolution_backward_weights::desc(alg, fwd_pd_.src_desc(), d.any_weights, d.bias,
                                                   fwd_pd_.dst_desc(), d.strides, d.pad_l, d.pad_r),
          UserScratchpadAttr(), eng, fwd_pd_);
      if (backward_data_) {
        bwd_data_pd_ = dnnl::convolution_backward_data::primitive_desc(
            dnnl::convolution_backward_data::desc(alg, fwd_pd_.src_desc(), d.any_weights, fwd_pd_.dst_desc(),
                                                  d.strides, d.pad_l, d.pad_r),
            UserScratchpadAttr(), eng, fwd_pd_);
      }
      algorithm_ = alg;
      break;
    } catch (const dnnl::error&) {
      if (alg == dnnl::algorithm::convolution_direct) throw;
    }
  }
}

void ConvLayer::AvoidReferenceBackwardWeights(const Descriptors& d) {
  const dnnl::engine& eng = CpuEngine();
  const md src = fwd_pd_.src_desc(), dst = fwd_pd_.dst_desc();
  // On AVX2 machines the backward-weights kernels take no plain input beside a blocked output gradient (a
  // first layer's one channel): oneDNN falls back to its reference kernel (~1000x slower). Its GEMM-based
  // kernel takes both plain, so then the output gradient goes through a plain copy.
  const md plain_dst({g_.batch, g_.filters, g_.out_height(), g_.out_width()}, dt::f32, tag::nchw);
  if (algorithm_ != dnnl::algorithm::convolution_direct || !IsReference(bwd_weights_pd_) ||
      dst == plain_dst) {
    return;
  }
  try {
    dnnl::convolution_backward_weights::primitive_desc plain(
        dnnl::convolution_backward_weights::desc(algorithm_, src, d.any_weights, d.bias, plain_dst, d.strides,
                                                 d.pad_l, d.pad_r),
        UserScratchpadAttr(), eng, fwd_pd_);
    if (!IsReference(plain)) {
      bwd_weights_pd_ = plain;
      plain_diff_dst_ = dnnl::memory(plain_dst, eng);
      diff_dst_to_plain_ = dnnl::reorder(dnnl::reorder::primitive_desc(eng, dst, eng, plain_dst));
    }
  } catch (const dnnl::error&) {
    // Keep the reference kernel: slow, but right.
  }
}

void ConvLayer::CreateWeightsReorders() {
  const dnnl::engine& eng = CpuEngine();
  const md weights = fwd_pd_.weights_desc();
  if (bwd_weights_pd_.diff_weights_desc() != weights) {
    bwd_diff_weights_ = dnnl::memory(bwd_weights_pd_.diff_weights_desc(), eng);
    diff_weights_from_bwd_ =
        dnnl::reorder(dnnl::reorder::primitive_desc(eng, bwd_weights_pd_.diff_weights_desc(), eng, weights));
  }
  if (backward_data_) {
    bwd_data_ = dnnl::convolution_backward_data(bwd_data_pd_);
    if (bwd_data_pd_.weights_desc() != weights) {
      bwd_data_weights_ = dnnl::memory(bwd_data_pd_.weights_desc(), eng);
      weights_to_bwd_data_ =
          dnnl::reorder(dnnl::reorder::primitive_desc(eng, weights, eng, bwd_data_pd_.weights_desc()));
    }
  }
}

void ConvLayer::CreateInputReorders(const md& src_desc) {
  const dnnl::engine& eng = CpuEngine();
  const md src = fwd_pd_.src_desc();
  if (src == src_desc) return;
  src_internal_ = dnnl::memory(src, eng);
  src_reorder_ = dnnl::reorder(dnnl::reorder::primitive_desc(eng, src_desc, eng, src));
  if (backward_data_) {
    diff_src_internal_ = dnnl::memory(src, eng);
    diff_src_reorder_ = dnnl::reorder(dnnl::reorder::primitive_desc(eng, src, eng, src_desc));
  }
}

void ConvLayer::AllocateMemory(const Descriptors& d) {
  const dnnl::engine& eng = CpuEngine();
  const md weights = fwd_pd_.weights_desc(), dst = fwd_pd_.dst_desc();
  weights_ = dnnl::memory(weights, eng);
  diff_weights_ = dnnl::memory(weights, eng);
  bias_ = dnnl::memory(d.bias, eng);
  diff_bias_ = dnnl::memory(d.bias, eng);
  dst_ = dnnl::memory(dst, eng);
  diff_dst_ = dnnl::memory(dst, eng);
  for (dnnl::memory* m : {&weights_, &diff_weights_, &bias_, &diff_bias_, &dst_, &diff_dst_}) Zero(*m);
}

size_t ConvLayer::ScratchpadBytes() const {
  size_t bytes = std::max(fwd_pd_.scratchpad_desc().get_size(), bwd_weights_pd_.scratchpad_desc().get_size());
  if (backward_data_) bytes = std::max(bytes, bwd_data_pd_.scratchpad_desc().get_size());
  return bytes;
}

void ConvLayer::SetScratchpad(void* buffer) {
  const dnnl::engine& eng = CpuEngine();
  fwd_scratch_ = dnnl::memory(fwd_pd_.scratchpad_desc(), eng, buffer);
  bwd_weights_scratch_ = dnnl::memory(bwd_weights_pd_.scratchpad_desc(), eng, buffer);
  // Sources are set per call (the input may come from different buffers); the maps are built once.
  fwd_args_ = {{DNNL_ARG_SRC, src_internal_},
               {DNNL_ARG_WEIGHTS, weights_},
               {DNNL_ARG_BIAS, bias_},
               {DNNL_ARG_DST, dst_},
               {DNNL_ARG_SCRATCHPAD, fwd_scratch_}};
  bwd_weights_args_ = {{DNNL_ARG_SRC, src_internal_},
                       {DNNL_ARG_DIFF_DST, diff_dst_to_plain_ ? plain_diff_dst_ : diff_dst_},
                       {DNNL_ARG_DIFF_WEIGHTS, diff_weights_from_bwd_ ? bwd_diff_weights_ : diff_weights_},
                       {DNNL_ARG_DIFF_BIAS, diff_bias_},
                       {DNNL_ARG_SCRATCHPAD, bwd_weights_scratch_}};
  if (backward_data_) {
    bwd_data_scratch_ = dnnl::memory(bwd_data_pd_.scratchpad_desc(), eng, buffer);
    bwd_data_args_ = {{DNNL_ARG_DIFF_DST, diff_dst_},
                      {DNNL_ARG_WEIGHTS, weights_to_bwd_data_ ? bwd_data_weights_ : weights_},
                      {DNNL_ARG_DIFF_SRC, diff_src_internal_},
                      {DNNL_ARG_SCRATCHPAD, bwd_data_scratch_}};
  }
}

void ConvLayer::Forward(dnnl::stream& s, const dnnl::memory& src) {
  if (src_reorder_) {
    src_reorder_->execute(s, const_cast<dnnl::memory&>(src), src_internal_);
  } else {
    fwd_args_[DNNL_ARG_SRC] = src;
  }
  fwd_.execute(s, fwd_args_);
}

void ConvLayer::Backward(dnnl::stream& s, const dnnl::memory& src, dnnl::memory* diff_src) {
  if (fuse_activation_backward_ && activation_ != Activation::kIdentity) {
    s.wait();
    ActivationBackward(activation_, Floats(dst_), nullptr, Floats(diff_dst_),
                       static_cast<int64_t>(dst_floats()));
  }
  bwd_weights_args_[DNNL_ARG_SRC] = src_reorder_ ? src_internal_ : src;
  if (diff_dst_to_plain_) diff_dst_to_plain_->execute(s, diff_dst_, plain_diff_dst_);
  bwd_weights_.execute(s, bwd_weights_args_);
  if (diff_weights_from_bwd_) diff_weights_from_bwd_->execute(s, bwd_diff_weights_, diff_weights_);
  if (!backward_data_ || diff_src == nullptr) return;
  if (weights_to_bwd_data_) weights_to_bwd_data_->execute(s, weights_, bwd_data_weights_);
  if (diff_src_reorder_) {
    bwd_data_.execute(s, bwd_data_args_);
    diff_src_reorder_->execute(s, diff_src_internal_, *diff_src);
  } else {
    bwd_data_args_[DNNL_ARG_DIFF_SRC] = *diff_src;
    bwd_data_.execute(s, bwd_data_args_);
  }
}

std::string ConvLayer::implementations() const {
  std::string s = std::string(winograd() ? "winograd: " : "direct: ") + "forward " + fwd_pd_.impl_info_str() +
                  ", backward weights " + bwd_weights_pd_.impl_info_str();
  if (backward_data_) s += std::string(", backward data ") + bwd_data_pd_.impl_info_str();
  return s;
}

}  // namespace hyperlab::worker::train
