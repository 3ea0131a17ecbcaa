// Flatten: a {batch, channels, height, width} tensor in whatever layout the convolutions left it to the
// dense layers' plain row-major {batch, channels x height x width} input (PyTorch's flatten order: channel,
// then row, then column), and the gradient back. One oneDNN reorder each way, created once; a plain NCHW
// input is copied.
//
// Thread safety: a layer is used by one thread at a time.
#ifndef HYPERLAB_WORKER_TRAIN_FLATTEN_LAYER_H_
#define HYPERLAB_WORKER_TRAIN_FLATTEN_LAYER_H_

#include <cstdint>

#include "oneapi/dnnl/dnnl.hpp"

namespace hyperlab::worker::train {

class FlattenLayer {
 public:
  // Throws dnnl::error when `src_desc` is not 4-D or oneDNN cannot reorder it.
  explicit FlattenLayer(const dnnl::memory::desc& src_desc);

  int64_t features() const { return features_; }
  // dst() = src in plain order.
  void Forward(dnnl::stream& s, const dnnl::memory& src);
  // diff_src = diff_dst() in the input's layout.
  void Backward(dnnl::stream& s, dnnl::memory& diff_src);

  // {batch, features}, format nc: what a DenseLayer takes.
  dnnl::memory& dst() { return dst_; }
  dnnl::memory& diff_dst() { return diff_dst_; }

 private:
  int64_t features_ = 0;
  dnnl::reorder to_plain_, from_plain_;
  dnnl::memory dst_, diff_dst_;        // {batch, features} nc.
  dnnl::memory dst_4d_, diff_dst_4d_;  // The same buffers seen as plain {batch, c, h, w} nchw.
};

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_FLATTEN_LAYER_H_
