// The optimisers (SGD, momentum, RMSProp, Adam) as one fused, vectorised, OpenMP-parallel update per
// parameter buffer, with the L1/L2 penalty gradients folded in; and the learning-rate schedules.
//
// Update rules (g = gradient + penalty gradient, t = step count from 1):
//   sgd       w -= lr g
//   momentum  v = momentum v + g;                 w -= lr v            (PyTorch's form)
//   rmsprop   s = beta2 s + (1 - beta2) g^2;      w -= lr g / (sqrt(s) + epsilon)
//   adam      m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;
//             w -= lr / (1 - beta1^t) m / (sqrt(v / (1 - beta2^t)) + epsilon)
// With weight_decay wd, each rule's w on the right of `w -=` is first (1 - lr wd) w (decoupled weight
// decay, Loshchilov and Hutter; PyTorch's AdamW when the optimiser is adam); the gradient's penalty terms
// still see the weight before the step.
// Parameters may be in any layout (the update is element-wise); state buffers follow it.
//
// Thread safety: an Optimizer is used by one thread at a time.
#ifndef HYPERLAB_WORKER_TRAIN_OPTIMIZER_H_
#define HYPERLAB_WORKER_TRAIN_OPTIMIZER_H_

#include <cstdint>
#include <vector>

#include "common/spec/knobs.h"
#include "worker/train/model.h"

namespace hyperlab::worker::train {

struct OptimizerOptions {
  OptimizerKind kind = OptimizerKind::kAdam;
  double momentum = 0.9;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double l1 = 0;  // Applied to weights only.
  double l2 = 0;
  double weight_decay = 0;  // Decoupled (AdamW); weights only.
};

// The gradient of data loss + l1 * |w| + l2 / 2 * w^2 given the data-loss gradient g.
inline float PenalizedGradient(float g, float w, float l1, float l2) {
  return g + l2 * w + l1 * static_cast<float>((w > 0.f) - (w < 0.f));
}

class Optimizer {
 public:
  // Allocates the state for `params` (which must keep their sizes).
  Optimizer(const OptimizerOptions& options, const std::vector<ParamBuffer>& params);
  // One update of every buffer with learning rate `lr`.
  void Step(std::vector<ParamBuffer>& params, double lr);
  int64_t steps() const { return steps_; }

 private:
  OptimizerOptions options_;
  std::vector<std::vector<float>> first_, second_;  // Per buffer: momentum/m, and s/v.
  int64_t steps_ = 0;
};

// The learning rate for 0-based `epoch` under the config's decay.
double DecayedLearningRate(const TrainConfig& config, int epoch);

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_OPTIMIZER_H_
