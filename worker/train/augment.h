// Training-batch augmentation for images: a random shift of up to `max_shift` whole pixels along each
// axis (vacated pixels are 0, which after `scale` normalisation is black) and, optionally, a left-right
// mirror with probability 1/2. Each call draws from the augmenter's own generator, seeded from the
// trial's seed, so a run is reproducible and the shuffle's generator is untouched.
//
// Thread safety: an Augmenter is used by one thread at a time; ShiftFlip is pure.
#ifndef HYPERLAB_WORKER_TRAIN_AUGMENT_H_
#define HYPERLAB_WORKER_TRAIN_AUGMENT_H_

#include <cstdint>
#include <random>

#include "worker/train/dataset.h"

namespace hyperlab::worker::train {

// dst(c, y, x) = src(c, y - dy, flip ? w-1-(x - dx) : x - dx), 0 where that falls outside the image:
// the image mirrored (when flip), then moved dy pixels down and dx right.
void ShiftFlip(const float* src, float* dst, const ImageShape& shape, int dy, int dx, bool flip);

class Augmenter {
 public:
  Augmenter(const ImageShape& shape, int max_shift, bool flip, uint64_t seed);

  // Whether Apply changes anything (a shift or the flip is on).
  bool active() const { return max_shift_ > 0 || flip_; }
  // Writes an augmented copy of one image.
  void Apply(const float* src, float* dst);

 private:
  ImageShape shape_;
  int max_shift_;
  bool flip_;
  std::mt19937_64 rng_;
};

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_AUGMENT_H_
