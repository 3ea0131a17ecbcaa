// What the load generator counts during one phase of a run: latency per RPC kind, durable completions,
// leased trials, and errors by RPC kind and gRPC status code. A call is counted in the phase in which its
// reply arrived.
//
// Thread safety: every Record*/Count* method may be called from any thread at once (atomics); readers see
// each counter atomically.
#ifndef HYPERLAB_TOOLS_BENCH_LOAD_PHASE_STATS_H_
#define HYPERLAB_TOOLS_BENCH_LOAD_PHASE_STATS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tools/bench/load/latency_histogram.h"

namespace hyperlab::bench::load {

enum class Rpc { kRegister = 0, kAcquire, kReport, kComplete, kWatch, kCount };

// "RegisterWorker", "AcquireTrials", ...
const char* RpcName(Rpc rpc);

class PhaseStats {
 public:
  static constexpr int kCodes = 17;  // grpc::StatusCode values 0..16

  // Completions are also counted per study, for `studies` studies (indexes 0..studies-1).
  explicit PhaseStats(size_t studies = 0) : per_study_(studies) {}

  // A call that returned OK after `micros`.
  void RecordLatency(Rpc rpc, int64_t micros) { latency_[Index(rpc)].Record(micros); }
  // A call, or one item of a batched call (its ItemStatus), that failed with `code`.
  void RecordError(Rpc rpc, int code);
  void CountCompleted(int64_t n) { completed_.fetch_add(n, std::memory_order_relaxed); }
  // One of those completions, in study `index` (ignored when out of range).
  void CountCompletedIn(size_t index) {
    if (index < per_study_.size()) per_study_[index].fetch_add(1, std::memory_order_relaxed);
  }
  void CountAcquired(int64_t n) { acquired_.fetch_add(n, std::memory_order_relaxed); }
  void CountEmptyAcquire() { empty_acquires_.fetch_add(1, std::memory_order_relaxed); }
  void CountWatchMessage() { watch_messages_.fetch_add(1, std::memory_order_relaxed); }

  const LatencyHistogram& latency(Rpc rpc) const { return latency_[Index(rpc)]; }
  // Trials whose completion the coordinator acknowledged OK (journaled and synced before the reply).
  int64_t completed() const { return completed_.load(std::memory_order_relaxed); }
  int64_t completed_in(size_t index) const { return per_study_[index].load(std::memory_order_relaxed); }
  size_t studies() const { return per_study_.size(); }
  int64_t acquired() const { return acquired_.load(std::memory_order_relaxed); }
  int64_t empty_acquires() const { return empty_acquires_.load(std::memory_order_relaxed); }
  int64_t watch_messages() const { return watch_messages_.load(std::memory_order_relaxed); }
  int64_t TotalErrors() const;
  // "AcquireTrials UNAVAILABLE" -> count, only the non-zero ones.
  std::map<std::string, int64_t> Errors() const;

 private:
  static size_t Index(Rpc rpc) { return static_cast<size_t>(rpc); }

  std::array<LatencyHistogram, static_cast<size_t>(Rpc::kCount)> latency_;
  std::array<std::array<std::atomic<int64_t>, kCodes>, static_cast<size_t>(Rpc::kCount)> errors_{};
  std::atomic<int64_t> completed_{0};
  std::vector<std::atomic<int64_t>> per_study_;
  std::atomic<int64_t> acquired_{0};
  std::atomic<int64_t> empty_acquires_{0};
  std::atomic<int64_t> watch_messages_{0};
};

// The phase that replies are counted in right now: the driver switches it at phase boundaries.
class PhaseClock {
 public:
  explicit PhaseClock(PhaseStats* first) : current_(first) {}
  PhaseStats& current() const { return *current_.load(std::memory_order_acquire); }
  void Switch(PhaseStats* next) { current_.store(next, std::memory_order_release); }

 private:
  std::atomic<PhaseStats*> current_;
};

}  // namespace hyperlab::bench::load

#endif  // HYPERLAB_TOOLS_BENCH_LOAD_PHASE_STATS_H_
