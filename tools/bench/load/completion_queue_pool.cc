#include "tools/bench/load/completion_queue_pool.h"

#include <algorithm>

namespace hyperlab::bench::load {

CompletionQueuePool::CompletionQueuePool(int threads) {
  threads = std::max(threads, 1);
  for (int i = 0; i < threads; ++i) queues_.push_back(std::make_unique<grpc::CompletionQueue>());
  for (auto& queue : queues_) {
    threads_.emplace_back([cq = queue.get()] {
      void* tag = nullptr;
      bool ok = false;
      while (cq->Next(&tag, &ok)) static_cast<CqEvent*>(tag)->OnDone(ok);
    });
  }
}

CompletionQueuePool::~CompletionQueuePool() { Shutdown(); }

void CompletionQueuePool::Shutdown() {
  for (auto& queue : queues_) queue->Shutdown();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

}  // namespace hyperlab::bench::load
