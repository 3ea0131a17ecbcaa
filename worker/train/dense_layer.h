// One fully connected layer, dst = act(src * W^T + b), on oneDNN inner-product primitives for a fixed batch
// size: forward (with the activation fused as an eltwise post-op), backward data and backward weights.
//
// The primitives are created once, in the constructor, and reused for every batch. The weights live in the
// layout oneDNN's forward primitive prefers (when `pick_layout`, else plain {out, in}); the backward
// primitives and the optimiser use that same layout, so nothing is reordered while training. Scratchpads
// are user-managed: the owner passes one buffer big enough for ScratchpadBytes() of every layer.
// Activations (src, dst, diff_dst, diff_src) are plain row-major {batch, features}.
//
// Thread safety: a layer is used by one thread at a time.
#ifndef HYPERLAB_WORKER_TRAIN_DENSE_LAYER_H_
#define HYPERLAB_WORKER_TRAIN_DENSE_LAYER_H_

#include <cstddef>
#include <unordered_map>
#include <vector>

#include "oneapi/dnnl/dnnl.hpp"
#include "common/spec/knobs.h"

namespace hyperlab::worker::train {

class DenseLayer {
 public:
  // Throws dnnl::error when oneDNN cannot create the primitives (callers convert it to a status).
  DenseLayer(int batch, int inputs, int outputs, Activation activation, bool pick_layout);

  int inputs() const { return inputs_; }
  int outputs() const { return outputs_; }
  Activation activation() const { return activation_; }
  size_t ScratchpadBytes() const;
  // Points every primitive's scratchpad at `buffer` (at least ScratchpadBytes()). Call before running.
  void SetScratchpad(void* buffer);

  // dst = act(src W^T + b).
  void Forward(dnnl::stream& s, const dnnl::memory& src);
  // diff_src = diff_dst W (diff_dst is the gradient w.r.t. the pre-activation).
  void BackwardData(dnnl::stream& s, const dnnl::memory& diff_src);
  // diff_weights = diff_dst^T src, diff_bias = column sums of diff_dst.
  void BackwardWeights(dnnl::stream& s, const dnnl::memory& src);

  dnnl::memory& dst() { return dst_; }
  dnnl::memory& diff_dst() { return diff_dst_; }
  dnnl::memory& weights() { return weights_; }
  dnnl::memory& bias() { return bias_; }
  dnnl::memory& diff_weights() { return diff_weights_; }
  dnnl::memory& diff_bias() { return diff_bias_; }
  // Number of floats in the weights buffer (including any padding of a blocked layout).
  size_t weight_floats() const { return weights_.get_desc().get_size() / sizeof(float); }
  // The plain {out, in} description, for reading and writing weights in a known order.
  dnnl::memory::desc plain_weights_desc() const;
  // True when the weights are in a layout oneDNN chose (not plain).
  bool blocked() const { return blocked_; }

 private:
  void Build(bool pick_layout);

  const int batch_, inputs_, outputs_;
  const Activation activation_;
  bool blocked_ = false;
  dnnl::inner_product_forward fwd_;
  dnnl::inner_product_backward_data bwd_data_;
  dnnl::inner_product_backward_weights bwd_weights_;
  dnnl::inner_product_forward::primitive_desc fwd_pd_;
  dnnl::inner_product_backward_data::primitive_desc bwd_data_pd_;
  dnnl::inner_product_backward_weights::primitive_desc bwd_weights_pd_;
  dnnl::memory weights_, bias_, diff_weights_, diff_bias_, dst_, diff_dst_;
  dnnl::memory fwd_scratch_, bwd_data_scratch_, bwd_weights_scratch_;
  std::unordered_map<int, dnnl::memory> fwd_args_, bwd_data_args_, bwd_weights_args_;
};

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_DENSE_LAYER_H_
