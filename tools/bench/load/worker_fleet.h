// Simulated workers: N workers x S slots over real gRPC, each slot a state machine on a CompletionQueue
// (completion_queue_pool.h) that loops like hyperlab-worker does, minus the work:
//
//   RegisterWorker -> AcquireTrials(max_acquire) -> ReportTrials x reports_per_trial -> CompleteTrials -> ...
//
// An empty AcquireTrials reply waits idle_backoff_ms (hyperlab-worker's idle poll); a failed call waits
// error_backoff_ms and is retried; NOT_FOUND (the coordinator forgot the worker, e.g. after a restart)
// registers again and then completes the trials still held. Completions carry SUCCEEDED and the objective
// `value` = Branin(x1, x2) when the trial has those parameters (the studies of this bench do), else 0.
// Every reply is counted in the PhaseClock's current phase.
//
// Thread safety: Start, Stop and MarkRestart from one driver thread; the counters from any thread.
#ifndef HYPERLAB_TOOLS_BENCH_LOAD_WORKER_FLEET_H_
#define HYPERLAB_TOOLS_BENCH_LOAD_WORKER_FLEET_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "grpcpp/channel.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "tools/bench/load/completion_queue_pool.h"
#include "tools/bench/load/phase_stats.h"

namespace hyperlab::bench::load {

struct FleetOptions {
  int workers = 100;
  int slots = 1;
  // AcquireTrials.max_trials of each call.
  int max_acquire = 1;
  // ReportTrials calls (one measurement each, also the heartbeat) between acquire and complete.
  int reports_per_trial = 0;
  int64_t idle_backoff_ms = 250;
  int64_t error_backoff_ms = 100;
  // Deadline of every call.
  int64_t call_timeout_ms = 30000;
  // Worker ids are `<id_prefix>-<index>`.
  std::string id_prefix = "load";
  // The studies' ids, so completions are counted per study (PhaseStats::CountCompletedIn(position)).
  std::vector<int64_t> study_ids;
};

// Monotonic microseconds (steady clock), the time base of the fleet's timestamps.
int64_t NowMicros();

class WorkerFleet {
 public:
  // Workers are spread over `channels` round robin, and their slots over the pool's queues.
  WorkerFleet(const FleetOptions& options, std::vector<std::shared_ptr<grpc::Channel>> channels,
              CompletionQueuePool* pool, PhaseClock* phases);
  ~WorkerFleet();
  WorkerFleet(const WorkerFleet&) = delete;
  WorkerFleet& operator=(const WorkerFleet&) = delete;

  void Start();
  // No slot starts a new call; returns once every slot's last call has answered.
  void Stop();

  // Completions acknowledged OK since Start.
  int64_t completed() const { return completed_.load(std::memory_order_relaxed); }
  // Forgets the previous mark; FirstCompletionSinceMark then answers for calls started at or after `micros`.
  void MarkRestart(int64_t micros);
  // NowMicros() at the first OK completion of a call started after the mark; 0 while there is none.
  int64_t FirstCompletionSinceMark() const { return first_after_mark_.load(std::memory_order_acquire); }

 private:
  class Slot;
  friend class Slot;

  void SlotStopped();
  void CountCompletion(int64_t call_start_micros);

  const FleetOptions options_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<v1::WorkerService::Stub>> stubs_;
  CompletionQueuePool* pool_;
  PhaseClock* phases_;
  std::unordered_map<int64_t, size_t> study_index_;  // id -> position in options_.study_ids
  std::vector<v1::WorkerInfo> workers_;              // sized once in Start: slots point into it
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> completed_{0};
  std::atomic<int64_t> restart_mark_{INT64_MAX};
  std::atomic<int64_t> first_after_mark_{0};
  std::mutex mu_;
  std::condition_variable all_stopped_;
  int running_ = 0;  // guarded by mu_
};

}  // namespace hyperlab::bench::load

#endif  // HYPERLAB_TOOLS_BENCH_LOAD_WORKER_FLEET_H_
