// A convolutional network for a fixed batch shape: convolution blocks, flatten, an optional dense hidden
// layer and the output layer with softmax cross-entropy. The trainer builds one when conv_blocks > 0.
//
//   block b (b = 0 .. blocks-1):  ConvLayer (filters << b, kernel_size, stride 1, "same" padding)
//                                 -> BatchNormLayer (batch_norm) -> activation -> PoolLayer 2x2 (pooling)
//                                 -> inverted dropout (conv_dropout)
//   FlattenLayer -> DenseLayer (dense_units, activation, dense_dropout) -> DenseLayer (classes)
//
// Fusion: without batch norm the activation is a post-op of the convolution; with it, ReLU is fused into
// the batch normalisation (fuse_norm_relu). With max pooling and no batch norm, the activation's
// derivative is applied to the pooled gradient (4x smaller) instead of the convolution's output: max
// pooling commutes with a non-decreasing activation, so act'(the winner) is act' of the pooled value, and
// the pooling backward pass routes that gradient to the winner. Tensors between layers stay in the layouts
// oneDNN picks (blocked on AVX-512); only the input (plain NCHW) and the flatten step are reordered.
//
// Like Model, rows past `rows` of a batch are padding: they add nothing to the loss and get no gradient
// of their own, but batch normalisation's statistics include them, so the trainer fills them with copies
// of real rows. Buffers and primitives are created in Create; Forward and Backward allocate nothing.
//
// Thread safety: a network is used by one thread at a time (it owns a oneDNN stream).
#ifndef HYPERLAB_WORKER_TRAIN_CONV_NET_H_
#define HYPERLAB_WORKER_TRAIN_CONV_NET_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oneapi/dnnl/dnnl.hpp"
#include "worker/train/batch_norm_layer.h"
#include "worker/train/conv_layer.h"
#include "worker/train/dataset.h"
#include "worker/train/dense_layer.h"
#include "worker/train/flatten_layer.h"
#include "common/spec/knobs.h"
#include "worker/train/network.h"
#include "worker/train/onednn_util.h"
#include "worker/train/pool_layer.h"

namespace hyperlab::worker::train {

struct ConvNetSpec {
  ImageShape image;  // Of one example (channels x height x width).
  int blocks = 1;
  int filters = 32;  // Block b has filters << b.
  int kernel_size = 3;
  Pooling pooling = Pooling::kMax;
  bool batch_norm = false;
  Activation activation = Activation::kRelu;
  int dense_units = 128;  // 0: no dense hidden layer.
  double conv_dropout = 0;
  double dense_dropout = 0;
  int outputs = 10;  // Classes, at least 2.
  int batch = 128;
  Init init = Init::kHe;
  double init_stddev = 0.01;
  uint64_t seed = 1;
};

class ConvNet : public Network {
 public:
  // INVALID_ARGUMENT for a bad spec, naming the knob (e.g. more 2x2 poolings than the image has pixels
  // for); INTERNAL when oneDNN cannot build the primitives.
  static absl::StatusOr<std::unique_ptr<ConvNet>> Create(const ConvNetSpec& spec);

  const ConvNetSpec& spec() const { return spec_; }
  int batch() const override { return spec_.batch; }
  int input_size() const override { return spec_.image.channels * spec_.image.height * spec_.image.width; }
  int outputs() const override { return spec_.outputs; }
  // batch x channels x height x width, plain (NCHW).
  float* input() override { return Floats(input_); }
  float* targets() override { return targets_.data(); }
  LossResult Forward(int rows, bool training) override;
  void Backward(int rows) override;
  const float* output() override;
  std::vector<ParamBuffer>& params() override { return params_; }
  double Penalty(double l1, double l2) const override;
  // Parameters, then the batch-norm running averages.
  std::vector<float> Snapshot() const override;
  void Restore(const std::vector<float>& snapshot) override;
  void set_dropout_step(uint64_t step) override { dropout_step_ = step; }

  // "1x28x28 -> conv 32 -> pool -> 32x14x14 -> ... -> flatten 3136 -> dense 128 -> 10", for logs.
  std::string Describe() const;
  // The kernels oneDNN chose for each block's convolution, one line per block (see ConvLayer).
  std::string Implementations() const;
  int64_t flat_features() const { return flatten_->features(); }
  // Sets block b's convolution weights from the plain {filters, in, k, k} layout (initialisation).
  void SetPlainConvWeights(int block, const std::vector<float>& values);

 private:
  struct Block {
    std::unique_ptr<ConvLayer> conv;
    std::unique_ptr<BatchNormLayer> norm;
    std::unique_ptr<PoolLayer> pool;
    bool activation_after_pool = false;  // Derivative applied to the pooled gradient (see above).
    dnnl::memory masked;                 // Output after dropout.
    std::vector<float> mask;
    const dnnl::memory* input = nullptr;  // What the last Forward fed the convolution.
    dnnl::memory& out() { return pool ? pool->dst() : norm ? norm->dst() : conv->dst(); }
    dnnl::memory& diff_out() { return pool ? pool->diff_dst() : norm ? norm->diff_dst() : conv->diff_dst(); }
  };

  explicit ConvNet(const ConvNetSpec& spec);
  void Build();
  void Initialize();

  ConvNetSpec spec_;
  dnnl::stream stream_;
  dnnl::memory input_;
  std::vector<float> targets_;
  std::vector<Block> blocks_;
  std::unique_ptr<FlattenLayer> flatten_;
  std::unique_ptr<DenseLayer> hidden_;  // Null when dense_units is 0.
  std::unique_ptr<DenseLayer> out_;
  dnnl::memory hidden_masked_;
  std::vector<float> hidden_mask_;
  std::vector<unsigned char> scratchpad_;
  std::vector<ParamBuffer> params_;
  uint64_t dropout_step_ = 0;
  bool last_training_ = false;
};

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_CONV_NET_H_
