// A randomised Halton sequence: low-discrepancy points in the unit cube for initial designs and candidates.
//
// Why: quasi-random points cover the cube far more evenly than independent draws, so a small initial design
// already sees every region, and acquisition candidates leave no large holes. Each dimension uses the next
// prime as its base, with digits scrambled by a per-(seed, dimension) random permutation (which removes the
// strong correlations of plain Halton between high dimensions) and a Cranley-Patterson shift.
// Point i depends only on (seed, dimension, i): no state, identical on every platform.
//
// Example:
//   Halton halton(/*dimensions=*/6, /*seed=*/42);
//   std::vector<double> x = halton.Point(17);  // 6 numbers in [0, 1).
//
// Thread safety: immutable after construction; Point may be called concurrently.
#ifndef HYPERLAB_SEARCHER_HALTON_H_
#define HYPERLAB_SEARCHER_HALTON_H_

#include <cstdint>
#include <vector>

namespace hyperlab::searcher {

class Halton {
 public:
  Halton(int dimensions, uint64_t seed);

  int dimensions() const { return static_cast<int>(bases_.size()); }

  // Point `index` (index >= 0) of the sequence, each coordinate in [0, 1).
  std::vector<double> Point(uint64_t index) const;

 private:
  std::vector<int> bases_;
  std::vector<std::vector<int>> permutations_;  // Per dimension: a permutation of the digits 0..base-1.
  std::vector<double> shifts_;                  // Per dimension: the Cranley-Patterson shift.
};

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_HALTON_H_
