// A small counter-based pseudo-random generator for strategies.
//
// Strategies must be deterministic per (seed, trial index) so that a restarted coordinator suggests what it
// would have suggested anyway, whatever happened in between. SplitMix64 keyed by both gives that without
// saved generator state, and its output is the same on every platform (unlike std:: distributions).
// Thread safety: a Prng object is not shared; create one per use.
#ifndef HYPERLAB_SEARCHER_PRNG_H_
#define HYPERLAB_SEARCHER_PRNG_H_

#include <cstdint>

namespace hyperlab::searcher {

class Prng {
 public:
  // A stream keyed by (seed, stream): distinct streams are independent for practical purposes.
  Prng(uint64_t seed, uint64_t stream) : state_(Mix(seed ^ Mix(stream + 0x632BE59BD9B4E019ULL))) {}

  uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return Mix(state_);
  }

  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n) (Lemire's multiply-shift; bias below 2^-64 * n, negligible); n = 0 stands
  // for 2^64, the whole range, so that `Below(hi - lo + 1)` in unsigned arithmetic is right for any range.
  uint64_t Below(uint64_t n) {
    if (n == 0) return Next();
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t state_;
};

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_PRNG_H_
