// A latency histogram that many threads record into without a lock: log-linear buckets (16 per power of
// two, so a percentile is within about 6% of the true value), plus the exact maximum.
//
// Example:
//   LatencyHistogram h;
//   h.Record(1234);                       // microseconds
//   double p99_ms = h.Percentile(0.99) / 1000.0;
//
// Thread safety: Record may be called from any number of threads at once; the readers (Count, Percentile,
// Max) see a consistent enough view for reporting (each counter is read atomically).
#ifndef HYPERLAB_TOOLS_BENCH_LOAD_LATENCY_HISTOGRAM_H_
#define HYPERLAB_TOOLS_BENCH_LOAD_LATENCY_HISTOGRAM_H_

#include <array>
#include <atomic>
#include <cstdint>

namespace hyperlab::bench::load {

class LatencyHistogram {
 public:
  // Records one value (microseconds; negative values count as 0).
  void Record(int64_t micros);
  int64_t Count() const;
  // The value below which a fraction `q` (0..1) of the recorded values lie; 0 when nothing was recorded.
  double Percentile(double q) const;
  int64_t Max() const { return max_.load(std::memory_order_relaxed); }

 private:
  static constexpr int kSubBuckets = 16;  // per power of two
  static constexpr int kPowers = 40;      // up to 2^44 us, far beyond any deadline
  static constexpr int kBuckets = kSubBuckets + kPowers * kSubBuckets;
  static int BucketOf(int64_t micros);
  // The midpoint of the values bucket `b` holds.
  static double BucketValue(int b);

  std::array<std::atomic<int64_t>, kBuckets> counts_{};
  std::atomic<int64_t> max_{0};
};

}  // namespace hyperlab::bench::load

#endif  // HYPERLAB_TOOLS_BENCH_LOAD_LATENCY_HISTOGRAM_H_
