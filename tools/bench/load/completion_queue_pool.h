// A few threads, each draining its own grpc::CompletionQueue, on which every simulated worker slot and
// watcher runs as a state machine: the load generator drives thousands of concurrent calls from two or
// three threads instead of a thread per worker, so it is not the bottleneck of what it measures.
//
// Every tag put on a queue is a CqEvent; the thread that takes it off calls OnDone(ok).
//
// Thread safety: queue() is safe from any thread; Shutdown (also run by the destructor) once, after every
// user has stopped starting operations.
#ifndef HYPERLAB_TOOLS_BENCH_LOAD_COMPLETION_QUEUE_POOL_H_
#define HYPERLAB_TOOLS_BENCH_LOAD_COMPLETION_QUEUE_POOL_H_

#include <memory>
#include <thread>
#include <vector>

#include "grpcpp/completion_queue.h"

namespace hyperlab::bench::load {

// The tag of one asynchronous operation. An object has at most one operation in flight, so it can be the
// tag itself.
class CqEvent {
 public:
  virtual ~CqEvent() = default;
  // `ok` is the completion queue's verdict (false: the operation did not happen, e.g. a stream ended or an
  // alarm was cancelled).
  virtual void OnDone(bool ok) = 0;
};

class CompletionQueuePool {
 public:
  explicit CompletionQueuePool(int threads);
  ~CompletionQueuePool();
  CompletionQueuePool(const CompletionQueuePool&) = delete;
  CompletionQueuePool& operator=(const CompletionQueuePool&) = delete;

  // The queue for the i-th user (round robin over the threads).
  grpc::CompletionQueue* queue(size_t i) { return queues_[i % queues_.size()].get(); }
  size_t size() const { return queues_.size(); }
  // Shuts the queues down and joins their threads (events still queued are delivered first).
  void Shutdown();

 private:
  std::vector<std::unique_ptr<grpc::CompletionQueue>> queues_;
  std::vector<std::thread> threads_;
};

}  // namespace hyperlab::bench::load

#endif  // HYPERLAB_TOOLS_BENCH_LOAD_COMPLETION_QUEUE_POOL_H_
