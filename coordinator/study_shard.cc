#include "coordinator/study_shard.h"

namespace hyperlab::coordinator {
namespace {

// Most operations in one group: bounds the time the study's lock is held at once.
constexpr size_t kMaxGroup = 256;

}  // namespace

void StudyShard::Run(Op& op, const std::function<void(std::vector<Op*>&)>& run_group) {
  std::vector<Op*> group;
  {
    MutexLock lock(&queue_mu_);
    queue_.push_back(&op);
    while (!op.done && queue_.front() != &op) op.cv.Wait(&queue_mu_);
    if (op.done) return;
    for (Op* o : queue_) {
      if (group.size() == kMaxGroup) break;
      group.push_back(o);
    }
  }
  {
    MutexLock lock(&mu);
    run_group(group);
  }
  // Each waiter has its own condition variable: with a thousand callers queued, waking all of them after
  // every group (to find the few it finished) cost more than the work.
  MutexLock lock(&queue_mu_);
  for (Op* o : group) {
    queue_.pop_front();
    o->done = true;
    if (o != &op) o->cv.Signal();
  }
  if (!queue_.empty()) queue_.front()->cv.Signal();  // The next group's leader.
}

}  // namespace hyperlab::coordinator
