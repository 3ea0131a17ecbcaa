// The losses: numerically stable softmax cross-entropy for classification and squared error for
// regression, over a batch whose rows past `rows` are padding (they add nothing and get zero gradient).
//
// Thread safety: pure functions over caller-owned buffers.
#ifndef HYPERLAB_WORKER_TRAIN_LOSS_H_
#define HYPERLAB_WORKER_TRAIN_LOSS_H_

#include <cstdint>

namespace hyperlab::worker::train {

struct LossResult {
  double loss_sum = 0;  // Sum over the real rows of the per-row loss.
  int64_t correct = 0;  // Rows whose arg-max output is the label (classification only).
};

// logits: batch x classes; labels: class indices as floats. Per-row loss: logsumexp(z) - z[label].
// When `grad` is not null it receives d(grad_scale * loss_sum)/d(logits) for every row (zero for padding).
LossResult SoftmaxCrossEntropy(const float* logits, const float* labels, int rows, int batch, int classes,
                               float* grad, float grad_scale);

// pred, targets: batch x 1. Per-row loss: (pred - target)^2.
LossResult SquaredError(const float* pred, const float* targets, int rows, int batch, float* grad,
                        float grad_scale);

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_LOSS_H_
