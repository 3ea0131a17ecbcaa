#include "worker/train/parallel_kernels.h"

#include <omp.h>
#include <xmmintrin.h>

#include <algorithm>
#include <cmath>

#define HYPERLAB_CLONES __attribute__((target_clones("default", "avx2", "avx512f")))

namespace hyperlab::worker::train::kernels {
namespace {

// Below this many elements one thread does the work (a parallel region costs a few microseconds).
constexpr int64_t kParallelAbove = 16384;

// Calls body(begin, end) on contiguous chunks, one per OpenMP thread (aligned to 16 floats).
// Denormal floats (Adam's second moments of rarely non-zero gradients decay into them) cost ~100 cycles per
// operation; flush them to zero, as the DL frameworks do. Per thread: MXCSR is thread state.
inline void FlushDenormals() {
  constexpr unsigned kFtzDaz = 0x8040;
  if ((_mm_getcsr() & kFtzDaz) != kFtzDaz) _mm_setcsr(_mm_getcsr() | kFtzDaz);
}

template <typename Body>
void ParallelChunks(int64_t n, Body body) {
  if (n <= kParallelAbove || omp_get_max_threads() == 1) {
    FlushDenormals();
    body(0, n);
    return;
  }
#pragma omp parallel
  {
    FlushDenormals();
    const int64_t threads = omp_get_num_threads(), t = omp_get_thread_num();
    const int64_t chunk = ((n + threads - 1) / threads + 15) / 16 * 16;
    const int64_t begin = std::min(n, t * chunk), end = std::min(n, begin + chunk);
    if (begin < end) body(begin, end);
  }
}

inline float Penalized(float g, float w, float l1, float l2) {
  return g + l2 * w + l1 * static_cast<float>((w > 0.f) - (w < 0.f));
}

HYPERLAB_CLONES void SgdRange(float* __restrict w, const float* __restrict g, int64_t b, int64_t e,
                              UpdateArgs a) {
  for (int64_t i = b; i < e; ++i) w[i] = a.keep * w[i] - a.lr * Penalized(g[i], w[i], a.l1, a.l2);
}

HYPERLAB_CLONES void MomentumRange(float* __restrict w, const float* __restrict g, float* __restrict m,
                                   int64_t b, int64_t e, UpdateArgs a) {
  for (int64_t i = b; i < e; ++i) {
    m[i] = a.mu * m[i] + Penalized(g[i], w[i], a.l1, a.l2);
    w[i] = a.keep * w[i] - a.lr * m[i];
  }
}

HYPERLAB_CLONES void RmsPropRange(float* __restrict w, const float* __restrict g, float* __restrict v,
                                  int64_t b, int64_t e, UpdateArgs a) {
  for (int64_t i = b; i < e; ++i) {
    const float gi = Penalized(g[i], w[i], a.l1, a.l2);
    v[i] = a.b2 * v[i] + (1.f - a.b2) * gi * gi;
    w[i] = a.keep * w[i] - a.lr * gi / (std::sqrt(v[i]) + a.eps);
  }
}

HYPERLAB_CLONES void AdamRange(float* __restrict w, const float* __restrict g, float* __restrict m,
                               float* __restrict v, int64_t b, int64_t e, UpdateArgs a) {
  for (int64_t i = b; i < e; ++i) {
    const float gi = Penalized(g[i], w[i], a.l1, a.l2);
    m[i] = a.b1 * m[i] + (1.f - a.b1) * gi;
    v[i] = a.b2 * v[i] + (1.f - a.b2) * gi * gi;
    w[i] = a.keep * w[i] - a.lr * m[i] / (std::sqrt(v[i]) + a.eps);
  }
}

HYPERLAB_CLONES void ActivationRange(int kind, const float* __restrict dst, const float* __restrict mask,
                                     float* __restrict diff, int64_t b, int64_t e) {
  if (mask != nullptr) {
    for (int64_t i = b; i < e; ++i) diff[i] *= mask[i];
  }
  switch (kind) {
    case 0:
      for (int64_t i = b; i < e; ++i) diff[i] = dst[i] > 0.f ? diff[i] : 0.f;
      break;
    case 1:
      for (int64_t i = b; i < e; ++i) diff[i] *= dst[i] * (1.f - dst[i]);
      break;
    case 2:
      for (int64_t i = b; i < e; ++i) diff[i] *= 1.f - dst[i] * dst[i];
      break;
    default:
      break;
  }
}

HYPERLAB_CLONES void MaskRange(const float* __restrict in, const float* __restrict mask,
                               float* __restrict out, int64_t b, int64_t e) {
  for (int64_t i = b; i < e; ++i) out[i] = in[i] * mask[i];
}

}  // namespace

void Sgd(float* w, const float* g, int64_t n, const UpdateArgs& a) {
  ParallelChunks(n, [&](int64_t b, int64_t e) { SgdRange(w, g, b, e, a); });
}
void Momentum(float* w, const float* g, float* m, int64_t n, const UpdateArgs& a) {
  ParallelChunks(n, [&](int64_t b, int64_t e) { MomentumRange(w, g, m, b, e, a); });
}
void RmsProp(float* w, const float* g, float* v, int64_t n, const UpdateArgs& a) {
  ParallelChunks(n, [&](int64_t b, int64_t e) { RmsPropRange(w, g, v, b, e, a); });
}
void Adam(float* w, const float* g, float* m, float* v, int64_t n, const UpdateArgs& a) {
  ParallelChunks(n, [&](int64_t b, int64_t e) { AdamRange(w, g, m, v, b, e, a); });
}
void ActivationBackward(int kind, const float* dst, const float* mask, float* diff, int64_t n) {
  ParallelChunks(n, [&](int64_t b, int64_t e) { ActivationRange(kind, dst, mask, diff, b, e); });
}
void ApplyMask(const float* in, const float* mask, float* out, int64_t n) {
  ParallelChunks(n, [&](int64_t b, int64_t e) { MaskRange(in, mask, out, b, e); });
}

}  // namespace hyperlab::worker::train::kernels
