// W concurrent StudyService.WatchStudy streams on one study, as dashboards and `hyperlab study watch`
// would hold them, run as state machines on the CompletionQueuePool. Each message is counted and dropped;
// the time from opening a stream to its first message is recorded as WatchStudy latency; a stream that
// fails (e.g. during a coordinator restart) is reopened after error_backoff_ms, one that ends OK (the study
// is no longer ACTIVE) is not.
//
// Thread safety: Start and Stop from one driver thread.
#ifndef HYPERLAB_TOOLS_BENCH_LOAD_STUDY_WATCHERS_H_
#define HYPERLAB_TOOLS_BENCH_LOAD_STUDY_WATCHERS_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "grpcpp/channel.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "tools/bench/load/completion_queue_pool.h"
#include "tools/bench/load/phase_stats.h"

namespace hyperlab::bench::load {

class StudyWatchers {
 public:
  // Watchers are spread over `channels` and the pool's queues round robin.
  StudyWatchers(int count, std::string study, std::vector<std::shared_ptr<grpc::Channel>> channels,
                CompletionQueuePool* pool, PhaseClock* phases, int64_t error_backoff_ms = 100);
  ~StudyWatchers();
  StudyWatchers(const StudyWatchers&) = delete;
  StudyWatchers& operator=(const StudyWatchers&) = delete;

  void Start();
  // Cancels every stream; returns once each has finished.
  void Stop();

 private:
  class Watcher;
  friend class Watcher;
  bool IsStopping();
  void WatcherStopped();

  const int count_;
  const std::string study_;
  const int64_t error_backoff_ms_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<v1::StudyService::Stub>> stubs_;
  CompletionQueuePool* pool_;
  PhaseClock* phases_;
  std::vector<std::unique_ptr<Watcher>> watchers_;
  std::mutex mu_;
  std::condition_variable all_stopped_;
  bool stopping_ = false;  // guarded by mu_
  int running_ = 0;        // guarded by mu_
};

}  // namespace hyperlab::bench::load

#endif  // HYPERLAB_TOOLS_BENCH_LOAD_STUDY_WATCHERS_H_
