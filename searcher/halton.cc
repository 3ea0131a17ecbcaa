#include "searcher/halton.h"

#include <cmath>
#include <numeric>
#include <utility>

#include "searcher/prng.h"

namespace hyperlab::searcher {
namespace {

std::vector<int> FirstPrimes(int n) {
  std::vector<int> primes;
  for (int candidate = 2; static_cast<int>(primes.size()) < n; ++candidate) {
    bool prime = true;
    for (int p : primes) {
      if (p * p > candidate) break;
      if (candidate % p == 0) {
        prime = false;
        break;
      }
    }
    if (prime) primes.push_back(candidate);
  }
  return primes;
}

}  // namespace

Halton::Halton(int dimensions, uint64_t seed) : bases_(FirstPrimes(dimensions)) {
  Prng rng(seed, 0x4A17'0000ULL);
  for (int base : bases_) {
    std::vector<int> perm(base);
    std::iota(perm.begin(), perm.end(), 0);
    // Fisher-Yates, keeping 0 -> 0 so that the digit expansion still converges to a point in [0, 1).
    for (int i = base - 1; i > 1; --i) std::swap(perm[i], perm[1 + rng.Below(static_cast<uint64_t>(i))]);
    permutations_.push_back(std::move(perm));
    shifts_.push_back(rng.Uniform());
  }
}

std::vector<double> Halton::Point(uint64_t index) const {
  std::vector<double> out(bases_.size());
  for (size_t d = 0; d < bases_.size(); ++d) {
    const uint64_t base = static_cast<uint64_t>(bases_[d]);
    double value = 0, scale = 1.0 / static_cast<double>(base);
    // The index is offset by one so that point 0 is not the corner of the cube in every dimension.
    for (uint64_t n = index + 1; n > 0; n /= base) {
      value += permutations_[d][n % base] * scale;
      scale /= static_cast<double>(base);
    }
    double shifted = value + shifts_[d];
    shifted -= std::floor(shifted);
    out[d] = shifted;
  }
  return out;
}

}  // namespace hyperlab::searcher
