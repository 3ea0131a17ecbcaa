#include "worker/train/augment.h"

#include <algorithm>

namespace hyperlab::worker::train {

void ShiftFlip(const float* src, float* dst, const ImageShape& shape, int dy, int dx, bool flip) {
  const int h = shape.height, w = shape.width;
  for (int c = 0; c < shape.channels; ++c) {
    const float* in = src + static_cast<int64_t>(c) * h * w;
    float* out = dst + static_cast<int64_t>(c) * h * w;
    for (int y = 0; y < h; ++y) {
      float* row = out + static_cast<int64_t>(y) * w;
      const int sy = y - dy;
      if (sy < 0 || sy >= h) {
        std::fill_n(row, w, 0.f);
        continue;
      }
      const float* from = in + static_cast<int64_t>(sy) * w;
      // Output columns whose source column x - dx lies inside the image.
      const int lo = std::clamp(dx, 0, w), hi = std::clamp(w + dx, 0, w);
      std::fill(row, row + lo, 0.f);
      std::fill(row + hi, row + w, 0.f);
      if (flip) {
        for (int x = lo; x < hi; ++x) row[x] = from[w - 1 - (x - dx)];
      } else {
        std::copy(from + (lo - dx), from + (hi - dx), row + lo);
      }
    }
  }
}

Augmenter::Augmenter(const ImageShape& shape, int max_shift, bool flip, uint64_t seed)
    : shape_(shape), max_shift_(max_shift), flip_(flip), rng_(seed) {}

void Augmenter::Apply(const float* src, float* dst) {
  int dy = 0, dx = 0;
  if (max_shift_ > 0) {
    std::uniform_int_distribution<int> shift(-max_shift_, max_shift_);
    dy = shift(rng_);
    dx = shift(rng_);
  }
  const bool flip = flip_ && (rng_() & 1) != 0;
  ShiftFlip(src, dst, shape_, dy, dx, flip);
}

}  // namespace hyperlab::worker::train
