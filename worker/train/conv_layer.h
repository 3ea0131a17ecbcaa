// One 2-D convolution, dst = act(conv(src, W) + b), on oneDNN convolution primitives for a fixed batch
// shape: forward (the activation fused as an eltwise post-op), backward data and backward weights+bias.
//
// Layouts: the input arrives in `src_desc` (the previous layer's output layout, or plain NCHW for the
// network's input). The forward primitive is created with format_tag::any, so oneDNN picks the layouts of
// the weights, of its own source and of its output (blocked, e.g. nChw16c, on AVX-512 machines); the
// backward primitives take the activations in exactly those layouts. If oneDNN wants the input in another
// layout than it arrives in, one reorder on the way in (and one for the input's gradient on the way out)
// bridges the two. The weights live in the forward pass's layout and their gradient in the same one, so
// the optimiser updates them element-wise; the backward passes choose their own weights layouts (on
// AVX-512 the backward-data kernel wants the weights blocked the other way round, and given the forward
// layout oneDNN falls back to its reference kernel, ~1000x slower), and the weights or their gradient are
// reordered (a few thousand floats) when they differ. Where backward weights would still get the reference
// kernel (AVX2, one input channel), the output gradient is copied to plain NCHW for the GEMM kernel.
// Primitives are created once; scratchpads are user-managed. implementations() names the kernels oneDNN chose
// (for benchmarks and tests).
//
// Thread safety: a layer is used by one thread at a time.
#ifndef HYPERLAB_WORKER_TRAIN_CONV_LAYER_H_
#define HYPERLAB_WORKER_TRAIN_CONV_LAYER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include "oneapi/dnnl/dnnl.hpp"
#include "common/spec/knobs.h"

namespace hyperlab::worker::train {

struct ConvGeometry {
  int batch = 1, in_channels = 1, height = 1, width = 1;
  int filters = 1, kernel = 3, stride = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int out_height() const { return (height + pad_top + pad_bottom - kernel) / stride + 1; }
  int out_width() const { return (width + pad_left + pad_right - kernel) / stride + 1; }
  // Stride 1 and padding that keeps the size: (kernel-1)/2 before, the rest after.
  static ConvGeometry Same(int batch, int in_channels, int height, int width, int filters, int kernel);
};

class ConvLayer {
 public:
  // `activation` is fused into the forward primitive (kIdentity when batch normalisation follows).
  // `backward_data`: whether Backward computes the input's gradient (not needed for the first layer).
  // `fuse_activation_backward`: whether Backward applies the activation's derivative itself; false when
  // the owner applies it elsewhere (after max pooling, on the smaller pooled tensor: see conv_net.h).
  // `allow_winograd`: use the Winograd algorithm where it pays (3x3, stride 1, at least 16 input
  // channels) and oneDNN has it; false always takes the direct algorithm.
  // Throws dnnl::error when oneDNN cannot create the primitives (callers convert it to a status).
  ConvLayer(const ConvGeometry& g, const dnnl::memory::desc& src_desc, Activation activation,
            bool backward_data, bool fuse_activation_backward = true, bool allow_winograd = true);

  const ConvGeometry& geometry() const { return g_; }
  Activation activation() const { return activation_; }
  size_t ScratchpadBytes() const;
  // Points every primitive's scratchpad at `buffer` (at least ScratchpadBytes()). Call before running.
  void SetScratchpad(void* buffer);

  // dst = act(conv(src) + b); `src` is in the layout given at construction.
  void Forward(dnnl::stream& s, const dnnl::memory& src);
  // From diff_dst() = d loss / d dst (overwritten): the activation's derivative (when fused), then
  // diff_weights, diff_bias and, when built with backward_data, `*diff_src` (in the input's layout).
  // `src` must be the input of the last Forward.
  void Backward(dnnl::stream& s, const dnnl::memory& src, dnnl::memory* diff_src);

  dnnl::memory& dst() { return dst_; }
  dnnl::memory& diff_dst() { return diff_dst_; }
  dnnl::memory& weights() { return weights_; }
  dnnl::memory& bias() { return bias_; }
  dnnl::memory& diff_weights() { return diff_weights_; }
  dnnl::memory& diff_bias() { return diff_bias_; }
  // Floats in the weights buffer (including any padding of a blocked layout).
  size_t weight_floats() const { return weights_.get_desc().get_size() / sizeof(float); }
  size_t dst_floats() const { return dst_.get_desc().get_size() / sizeof(float); }
  // The plain {filters, in_channels, kernel, kernel} description, for reading and writing weights.
  dnnl::memory::desc plain_weights_desc() const;
  bool winograd() const { return algorithm_ == dnnl::algorithm::convolution_winograd; }
  // "<algorithm>: forward <impl>, backward weights <impl>[, backward data <impl>]", e.g.
  // "direct: forward jit:avx512_core, ...".
  std::string implementations() const;

 private:
  // The constructor's stages, in order. Descriptors: the shapes with format_tag::any (oneDNN picks the
  // layouts), the bias, strides and padding.
  struct Descriptors {
    dnnl::memory::desc any_src, any_weights, any_dst, bias;
    dnnl::memory::dims strides, pad_l, pad_r;
  };
  Descriptors MakeDescriptors() const;
  // The forward and backward primitive descriptors: Winograd where allowed and oneDNN has all three, else
  // direct. Throws dnnl::error when not even the direct algorithm can be created.
  void ChoosePrimitives(const Descriptors& d, bool allow_winograd);
  // Where backward weights got the reference kernel, a plain output gradient (and its reorder) if that
  // gets a real one.
  void AvoidReferenceBackwardWeights(const Descriptors& d);
  // The weights bridges when the backward passes want other weights layouts; the backward-data primitive.
  void CreateWeightsReorders();
  // The input bridge when `src_desc` is not the layout oneDNN picked for the forward source.
  void CreateInputReorders(const dnnl::memory::desc& src_desc);
  // Weights, bias, output and their gradients, zeroed.
  void AllocateMemory(const Descriptors& d);

  const ConvGeometry g_;
  const Activation activation_;
  const bool backward_data_, fuse_activation_backward_;
  dnnl::algorithm algorithm_ = dnnl::algorithm::convolution_direct;
  dnnl::convolution_forward::primitive_desc fwd_pd_;
  dnnl::convolution_backward_data::primitive_desc bwd_data_pd_;
  dnnl::convolution_backward_weights::primitive_desc bwd_weights_pd_;
  dnnl::convolution_forward fwd_;
  dnnl::convolution_backward_data bwd_data_;
  dnnl::convolution_backward_weights bwd_weights_;
  // Input bridge when the given layout is not the one oneDNN picked.
  std::optional<dnnl::reorder> src_reorder_, diff_src_reorder_;
  dnnl::memory src_internal_, diff_src_internal_;
  // Weights bridges when a backward pass wants the weights in another layout than the forward pass.
  std::optional<dnnl::reorder> weights_to_bwd_data_, diff_weights_from_bwd_;
  dnnl::memory bwd_data_weights_, bwd_diff_weights_;
  // Output-gradient bridge when only a plain layout keeps backward weights off the reference kernel.
  std::optional<dnnl::reorder> diff_dst_to_plain_;
  dnnl::memory plain_diff_dst_;
  dnnl::memory weights_, bias_, diff_weights_, diff_bias_, dst_, diff_dst_;
  dnnl::memory fwd_scratch_, bwd_data_scratch_, bwd_weights_scratch_;
  std::unordered_map<int, dnnl::memory> fwd_args_, bwd_data_args_, bwd_weights_args_;
};

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_CONV_LAYER_H_
