#include "worker/train/loss.h"

#include <algorithm>
#include <cmath>

namespace hyperlab::worker::train {

LossResult SoftmaxCrossEntropy(const float* logits, const float* labels, int rows, int batch, int classes,
                               float* grad, float grad_scale) {
  LossResult r;
  for (int i = 0; i < rows; ++i) {
    const float* z = logits + static_cast<int64_t>(i) * classes;
    const int label = static_cast<int>(labels[i]);
    int best = 0;
    for (int k = 1; k < classes; ++k) best = z[k] > z[best] ? k : best;
    const float top = z[best];
    double sum = 0;
    for (int k = 0; k < classes; ++k) sum += std::exp(static_cast<double>(z[k] - top));
    const double lse = top + std::log(sum);
    r.loss_sum += lse - z[label];
    r.correct += best == label;
    if (grad != nullptr) {
      float* g = grad + static_cast<int64_t>(i) * classes;
      for (int k = 0; k < classes; ++k) {
        const double p = std::exp(static_cast<double>(z[k]) - lse);
        g[k] = static_cast<float>((p - (k == label ? 1.0 : 0.0)) * grad_scale);
      }
    }
  }
  if (grad != nullptr) {
    std::fill(grad + static_cast<int64_t>(rows) * classes, grad + static_cast<int64_t>(batch) * classes, 0.f);
  }
  return r;
}

LossResult SquaredError(const float* pred, const float* targets, int rows, int batch, float* grad,
                        float grad_scale) {
  LossResult r;
  for (int i = 0; i < rows; ++i) {
    const double d = static_cast<double>(pred[i]) - targets[i];
    r.loss_sum += d * d;
    if (grad != nullptr) grad[i] = static_cast<float>(2 * d * grad_scale);
  }
  if (grad != nullptr) std::fill(grad + rows, grad + batch, 0.f);
  return r;
}

}  // namespace hyperlab::worker::train
