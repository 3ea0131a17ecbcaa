#include "tools/bench/load/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace hyperlab::bench::load {

int LatencyHistogram::BucketOf(int64_t micros) {
  if (micros < kSubBuckets) return static_cast<int>(std::max<int64_t>(micros, 0));
  const int power = std::bit_width(static_cast<uint64_t>(micros)) - 1;  // >= 4
  const int sub = static_cast<int>((micros >> (power - 4)) & (kSubBuckets - 1));
  return std::min(kSubBuckets + (power - 4) * kSubBuckets + sub, kBuckets - 1);
}

double LatencyHistogram::BucketValue(int b) {
  if (b < kSubBuckets) return b;
  const int power = (b - kSubBuckets) / kSubBuckets + 4;
  const int sub = (b - kSubBuckets) % kSubBuckets;
  const double width = std::ldexp(1.0, power - 4);
  return std::ldexp(1.0, power) + (sub + 0.5) * width;
}

void LatencyHistogram::Record(int64_t micros) {
  micros = std::max<int64_t>(micros, 0);
  counts_[BucketOf(micros)].fetch_add(1, std::memory_order_relaxed);
  int64_t seen = max_.load(std::memory_order_relaxed);
  while (micros > seen && !max_.compare_exchange_weak(seen, micros, std::memory_order_relaxed)) {
  }
}

int64_t LatencyHistogram::Count() const {
  int64_t n = 0;
  for (const auto& c : counts_) n += c.load(std::memory_order_relaxed);
  return n;
}

double LatencyHistogram::Percentile(double q) const {
  const int64_t n = Count();
  if (n == 0) return 0;
  const int64_t rank = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(q * static_cast<double>(n))));
  int64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += counts_[b].load(std::memory_order_relaxed);
    if (seen >= rank) return std::min(BucketValue(b), static_cast<double>(Max()));
  }
  return static_cast<double>(Max());
}

}  // namespace hyperlab::bench::load
