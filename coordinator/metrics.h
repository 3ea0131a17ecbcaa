// The coordinator's Prometheus metrics: what is measured as it happens (RPC latency by method and code,
// journal write and suggest latency, lease expiries, refused calls) and rendering in the Prometheus text
// format (version 0.0.4), together with gauges read from the core at scrape time (trials by state, queue
// depth, studies by state, workers).
//
// Series:
//   hyperlab_rpc_duration_seconds{method}   histogram  every RPC handled (health/reflection included)
//   hyperlab_rpc_total{method,code}         counter    RPCs by outcome
// Label sets are bounded, because anyone who reaches the gRPC port can name any method (issue 14, #13):
// `method` is the full path of a method of our three services, of grpc.health.v1.Health or of server
// reflection, or "other" for every other name (unknown methods, answered UNIMPLEMENTED); `code` is one of
// the 17 gRPC code names.
//   hyperlab_journal_write_seconds          histogram  one synced journal batch
//   hyperlab_suggest_seconds                histogram  one strategy Suggest call
//   hyperlab_lease_expiries_total           counter    leases that expired (trial requeued or failed)
//   hyperlab_auth_refused_total{code}       counter    calls refused UNAUTHENTICATED / PERMISSION_DENIED
//   hyperlab_trials{state}                  gauge      trials of every study by state
//   hyperlab_queue_depth                    gauge      PENDING trials waiting for a worker
//   hyperlab_studies{state}                 gauge      studies by state
//   hyperlab_workers{state}                 gauge      registered workers: active, draining
//   hyperlab_uptime_seconds                 gauge
//
// Thread safety: all methods are safe to call concurrently.
#ifndef HYPERLAB_COORDINATOR_METRICS_H_
#define HYPERLAB_COORDINATOR_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "hyperlab/v1/services.pb.h"

namespace hyperlab::coordinator {

// A histogram with fixed upper bounds in seconds (Prometheus `le` buckets, +Inf implied).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  // Appends `name_bucket{labels,le=..}`, `name_sum{labels}`, `name_count{labels}` lines. `labels` is
  // either empty or `key="value",...` without braces.
  void Render(absl::string_view name, absl::string_view labels, std::string& out) const;
  uint64_t count() const;

 private:
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> buckets_;  // Non-cumulative; one more than bounds_ (+Inf). GUARDED_BY(mu_)
  double sum_ = 0;                 // GUARDED_BY(mu_)
  uint64_t count_ = 0;             // GUARDED_BY(mu_)
};

class CoordinatorMetrics {
 public:
  // The `method` label of every RPC whose method is not one of ours.
  static constexpr absl::string_view kOtherMethod = "other";

  CoordinatorMetrics();

  // Records one RPC; `method` outside the known set counts as "other" (kOtherMethod).
  void ObserveRpc(absl::string_view method, int grpc_code, double seconds);
  void ObserveJournalWrite(double seconds) { journal_write_.Observe(seconds); }
  void ObserveSuggest(double seconds) { suggest_.Observe(seconds); }
  void CountLeaseExpiries(int64_t n);
  void CountAuthRefused(int grpc_code);

  // The whole exposition: the measured series plus gauges computed from `status` (GetStatus with its
  // worker_status filled).
  std::string Render(const v1::GetStatusResponse& status) const;

 private:
  const std::set<std::string, std::less<>> known_methods_;
  Histogram journal_write_;
  Histogram suggest_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Histogram>, std::less<>> rpc_duration_;  // GUARDED_BY(mu_)
  std::map<std::pair<std::string, int>, uint64_t> rpc_total_;                    // GUARDED_BY(mu_)
  std::map<int, uint64_t> auth_refused_;                                         // GUARDED_BY(mu_)
  int64_t lease_expiries_ = 0;                                                   // GUARDED_BY(mu_)
};

// Prometheus label value escaping (\\, \" and \n).
std::string PromLabelValue(absl::string_view value);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_METRICS_H_
