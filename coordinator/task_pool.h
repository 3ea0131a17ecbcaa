// A fixed set of threads running queued tasks in order: where the coordinator's strategies run, so no
// caller ever waits for a suggestion while holding a lock another caller needs.
//
// Thread safety: Submit may be called concurrently. The destructor drops queued tasks and joins the threads
// after their current task.
#ifndef HYPERLAB_COORDINATOR_TASK_POOL_H_
#define HYPERLAB_COORDINATOR_TASK_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "coordinator/mutex.h"

namespace hyperlab::coordinator {

class TaskPool {
 public:
  explicit TaskPool(int threads);
  ~TaskPool();  // Drops queued tasks; waits for running ones.
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  void Submit(std::function<void()> task);

 private:
  void Loop();

  Mutex mu_;
  CondVar cv_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_TASK_POOL_H_
