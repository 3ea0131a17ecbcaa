// Element-wise pieces of the backward pass and of dropout: the activation's derivative computed from its
// output (the forward pass fuses the activation into the inner product, so its input is not kept), and
// inverted-dropout masks from a counter-based generator (reproducible for a seed and step, cheap: four
// 16-bit draws per 64-bit hash).
//
// Thread safety: pure functions over caller-owned buffers; they may use OpenMP threads internally.
#ifndef HYPERLAB_WORKER_TRAIN_ACTIVATION_OPS_H_
#define HYPERLAB_WORKER_TRAIN_ACTIVATION_OPS_H_

#include <cstdint>

#include "common/spec/knobs.h"

namespace hyperlab::worker::train {

// diff[i] *= act'(pre-activation) expressed through dst = act(pre): relu 1[dst > 0], sigmoid
// dst (1 - dst), tanh 1 - dst^2, identity 1. When `mask` is not null, diff[i] is first multiplied by
// mask[i] (the dropout applied after the activation).
void ActivationBackward(Activation a, const float* dst, const float* mask, float* diff, int64_t n);

// mask[i] = 0 with probability p, else 1 / (1 - p); a function of (seed, step, i) only.
void DropoutMask(uint64_t seed, uint64_t step, float p, float* mask, int64_t n);

// out[i] = in[i] * mask[i].
void ApplyMask(const float* in, const float* mask, float* out, int64_t n);

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_ACTIVATION_OPS_H_
