// Synthetic 2-D classification sets for tests and teaching: spiral, moons, circles, xor, blobs.
//
// Each is deterministic for its seed. `noise` is the stddev of Gaussian jitter added to the points (for
// blobs: the stddev of each blob around its centre; for xor also the fraction of flipped labels / 2).
//
// Thread safety: pure.
#ifndef HYPERLAB_WORKER_TRAIN_SYNTHETIC_DATA_H_
#define HYPERLAB_WORKER_TRAIN_SYNTHETIC_DATA_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "worker/train/dataset.h"

namespace hyperlab::worker::train {

// `classes` is used by spiral and blobs (the others have 2). INVALID_ARGUMENT for an unknown name.
absl::StatusOr<Examples> MakeSyntheticSet(const std::string& name, int samples, double noise, int classes,
                                          uint64_t seed);

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_SYNTHETIC_DATA_H_
