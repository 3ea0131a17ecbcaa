// What the trainer needs of a network, whatever its layers: a fixed batch shape, an input and a target
// buffer to fill, Forward (loss and correct count) and Backward (gradients), the trainable buffers for the
// optimiser, and snapshots for early stopping. Two implementations: Model (fully connected, model.h) and
// ConvNet (convolution blocks, then fully connected layers, conv_net.h).
//
// Thread safety: a network is used by one thread at a time.
#ifndef HYPERLAB_WORKER_TRAIN_NETWORK_H_
#define HYPERLAB_WORKER_TRAIN_NETWORK_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "worker/train/loss.h"

namespace hyperlab::worker::train {

// A trainable buffer and its gradient (same size and layout). Weights get the L1/L2 penalties; biases
// and batch-norm scales and shifts not.
struct ParamBuffer {
  float* value = nullptr;
  float* grad = nullptr;
  size_t size = 0;
  bool is_weight = false;
};

class Network {
 public:
  virtual ~Network() = default;

  // Rows per batch (every Forward and Backward runs this shape; a short batch is padded).
  virtual int batch() const = 0;
  // Floats per example in input() (for images: channels x height x width, row-major).
  virtual int input_size() const = 0;
  // Logits per example (classes), or 1 for regression.
  virtual int outputs() const = 0;
  // batch() x input_size(), row-major: the caller writes the batch here.
  virtual float* input() = 0;
  // batch() targets: class indices as floats, or regression targets.
  virtual float* targets() = 0;

  // Runs rows [0, rows) of input(); rows past `rows` are padding (they add nothing to the loss and get
  // zero gradient). `training` turns dropout on and, where the network has batch normalisation, uses
  // the batch's statistics. Returns the summed data loss and correct count.
  virtual LossResult Forward(int rows, bool training) = 0;
  // Gradients of the mean data loss of the last training Forward, into params()[i].grad.
  virtual void Backward(int rows) = 0;
  // batch() x outputs() after Forward: logits, or predictions for regression.
  virtual const float* output() = 0;

  virtual std::vector<ParamBuffer>& params() = 0;
  // l1 * sum |w| + l2 / 2 * sum w^2 over the weights.
  virtual double Penalty(double l1, double l2) const = 0;
  // Everything training changes (parameters and any running statistics), for keeping the best weights
  // while early stopping.
  virtual std::vector<float> Snapshot() const = 0;
  virtual void Restore(const std::vector<float>& snapshot) = 0;
  // Dropout masks are a function of (seed, layer, step); the step advances after each training Forward.
  virtual void set_dropout_step(uint64_t step) = 0;
};

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_NETWORK_H_
