// 2x2 pooling with stride 2 (max or average) on oneDNN pooling primitives for a fixed batch shape:
// forward, and backward data (max pooling routes each gradient to the position that won, recorded in
// oneDNN's workspace during the forward pass). An odd side loses its last row or column (floor), as in
// PyTorch and Keras. The output keeps the input's layout; nothing is reordered.
//
// Thread safety: a layer is used by one thread at a time.
#ifndef HYPERLAB_WORKER_TRAIN_POOL_LAYER_H_
#define HYPERLAB_WORKER_TRAIN_POOL_LAYER_H_

#include <cstddef>
#include <unordered_map>

#include "oneapi/dnnl/dnnl.hpp"
#include "common/spec/knobs.h"

namespace hyperlab::worker::train {

class PoolLayer {
 public:
  // `src_desc`: the input's shape {batch, channels, height, width} and layout; `kind` max or avg (not
  // none). `window` and `stride` default to the network's 2x2 / 2. Throws dnnl::error when oneDNN cannot
  // create the primitives, or for a window larger than the input.
  PoolLayer(const dnnl::memory::desc& src_desc, Pooling kind, int window = 2, int stride = 2);

  Pooling kind() const { return kind_; }
  int out_height() const { return out_h_; }
  int out_width() const { return out_w_; }

  // dst = pool(src). Also records the winners (max pooling), for Backward.
  void Forward(dnnl::stream& s, const dnnl::memory& src);
  // diff_src = the gradient of diff_dst() through the last Forward (every element written).
  void Backward(dnnl::stream& s, dnnl::memory& diff_src);

  dnnl::memory& dst() { return dst_; }
  dnnl::memory& diff_dst() { return diff_dst_; }
  size_t dst_floats() const { return dst_.get_desc().get_size() / sizeof(float); }

 private:
  const Pooling kind_;
  int out_h_ = 0, out_w_ = 0;
  dnnl::pooling_forward::primitive_desc fwd_pd_;
  dnnl::pooling_backward::primitive_desc bwd_pd_;
  dnnl::pooling_forward fwd_;
  dnnl::pooling_backward bwd_;
  dnnl::memory dst_, diff_dst_, workspace_;
  std::unordered_map<int, dnnl::memory> fwd_args_, bwd_args_;
};

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_POOL_LAYER_H_
