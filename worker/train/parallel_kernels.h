// Element-wise kernels of the training step (optimiser updates, activation derivatives, dropout masks)
// compiled for several instruction sets (AVX-512, AVX2, baseline x86-64; picked at load time by GCC's
// target_clones) and split over the OpenMP threads of the calling thread.
//
// The project builds for baseline x86-64, so without the clones these loops would run 4 floats at a time
// on machines that can do 16.
//
// Thread safety: pure functions over caller-owned buffers.
#ifndef HYPERLAB_WORKER_TRAIN_PARALLEL_KERNELS_H_
#define HYPERLAB_WORKER_TRAIN_PARALLEL_KERNELS_H_

#include <cstdint>

namespace hyperlab::worker::train::kernels {

struct UpdateArgs {
  float lr = 0, mu = 0, b1 = 0, b2 = 0, eps = 0, l1 = 0, l2 = 0;
  float keep = 1;  // Each update starts from keep * w (decoupled weight decay: 1 - lr * weight_decay).
};

void Sgd(float* w, const float* g, int64_t n, const UpdateArgs& a);
void Momentum(float* w, const float* g, float* m, int64_t n, const UpdateArgs& a);
void RmsProp(float* w, const float* g, float* v, int64_t n, const UpdateArgs& a);
void Adam(float* w, const float* g, float* m, float* v, int64_t n, const UpdateArgs& a);

// diff[i] *= (mask ? mask[i] : 1) * act'(dst[i]); `kind` 0 relu, 1 sigmoid, 2 tanh, 3 identity.
void ActivationBackward(int kind, const float* dst, const float* mask, float* diff, int64_t n);
// out[i] = in[i] * mask[i].
void ApplyMask(const float* in, const float* mask, float* out, int64_t n);

}  // namespace hyperlab::worker::train::kernels

#endif  // HYPERLAB_WORKER_TRAIN_PARALLEL_KERNELS_H_
