#include "worker/train/optimizer.h"

#include <cmath>

#include "worker/train/parallel_kernels.h"

namespace hyperlab::worker::train {
Optimizer::Optimizer(const OptimizerOptions& options, const std::vector<ParamBuffer>& params)
    : options_(options) {
  const bool first = options.kind == OptimizerKind::kMomentum || options.kind == OptimizerKind::kAdam;
  const bool second = options.kind == OptimizerKind::kRmsprop || options.kind == OptimizerKind::kAdam;
  for (const ParamBuffer& p : params) {
    first_.emplace_back(first ? p.size : 0, 0.f);
    second_.emplace_back(second ? p.size : 0, 0.f);
  }
}

void Optimizer::Step(std::vector<ParamBuffer>& params, double lr_double) {
  ++steps_;
  const float lr = static_cast<float>(lr_double);
  const float mu = static_cast<float>(options_.momentum);
  const float b1 = static_cast<float>(options_.beta1), b2 = static_cast<float>(options_.beta2);
  const float eps = static_cast<float>(options_.epsilon);
  const double t = static_cast<double>(steps_);
  const double c1 = 1 - std::pow(options_.beta1, t), c2 = 1 - std::pow(options_.beta2, t);
  // Adam with the bias corrections folded into the step size and epsilon (same result as above).
  const float adam_lr = static_cast<float>(lr_double * std::sqrt(c2) / c1);
  const float adam_eps = static_cast<float>(options_.epsilon * std::sqrt(c2));
  for (size_t k = 0; k < params.size(); ++k) {
    ParamBuffer& p = params[k];
    kernels::UpdateArgs a{lr, mu, b1, b2, eps, 0.f, 0.f};
    if (p.is_weight) {
      a.l1 = static_cast<float>(options_.l1);
      a.l2 = static_cast<float>(options_.l2);
      a.keep = static_cast<float>(1 - lr_double * options_.weight_decay);
    }
    const auto n = static_cast<int64_t>(p.size);
    switch (options_.kind) {
      case OptimizerKind::kSgd:
        kernels::Sgd(p.value, p.grad, n, a);
        break;
      case OptimizerKind::kMomentum:
        kernels::Momentum(p.value, p.grad, first_[k].data(), n, a);
        break;
      case OptimizerKind::kRmsprop:
        kernels::RmsProp(p.value, p.grad, second_[k].data(), n, a);
        break;
      case OptimizerKind::kAdam:
        a.lr = adam_lr;
        a.eps = adam_eps;
        kernels::Adam(p.value, p.grad, first_[k].data(), second_[k].data(), n, a);
        break;
    }
  }
}

double DecayedLearningRate(const TrainConfig& c, int epoch) {
  switch (c.lr_decay) {
    case LrDecay::kNone:
      return c.learning_rate;
    case LrDecay::kExponential:
      return c.learning_rate * std::pow(c.lr_decay_rate, epoch);
    case LrDecay::kInverseTime:
      return c.learning_rate / (1 + c.lr_decay_rate * epoch);
    case LrDecay::kStep:
      return c.learning_rate * std::pow(c.lr_decay_rate, epoch / c.lr_decay_steps);
  }
  return c.learning_rate;
}

}  // namespace hyperlab::worker::train
