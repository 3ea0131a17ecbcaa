#include "worker/train/activation_ops.h"

#include "worker/train/parallel_kernels.h"

namespace hyperlab::worker::train {
namespace {

constexpr int64_t kParallelAbove = 16384;

inline uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

void ActivationBackward(Activation a, const float* dst, const float* mask, float* diff, int64_t n) {
  kernels::ActivationBackward(static_cast<int>(a), dst, mask, diff, n);
}

void DropoutMask(uint64_t seed, uint64_t step, float p, float* mask, int64_t n) {
  const uint64_t base = SplitMix(seed ^ SplitMix(step));
  const auto threshold = static_cast<uint32_t>(p * 65536.f);
  const float keep = 1.f / (1.f - p);
  const int64_t words = (n + 3) / 4;
#pragma omp parallel for schedule(static) if (n > kParallelAbove)
  for (int64_t w = 0; w < words; ++w) {
    uint64_t bits = SplitMix(base + static_cast<uint64_t>(w));
    for (int64_t j = 4 * w; j < 4 * w + 4 && j < n; ++j, bits >>= 16) {
      mask[j] = (bits & 0xffff) < threshold ? 0.f : keep;
    }
  }
}

void ApplyMask(const float* in, const float* mask, float* out, int64_t n) {
  kernels::ApplyMask(in, mask, out, n);
}

}  // namespace hyperlab::worker::train
