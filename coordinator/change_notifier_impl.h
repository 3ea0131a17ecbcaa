// The ChangeNotifier the coordinator runs: subscriptions per study, and one dispatcher thread that runs
// their callbacks, so a Notify from the core costs a queue insert whatever the number of watchers.
//
// Notify(study) queues the study once (a study already queued is not queued again: notifications that
// arrive before its callbacks run are coalesced into one round) and returns. The dispatcher thread takes
// queued studies in order and runs each callback of the study's subscriptions, one at a time, with no lock
// of the notifier (nor of the core) held. Callbacks therefore never run concurrently with each other;
// a slow callback delays the others, which is why they must be quick.
//
// Bounded: at most options.max_subscriptions subscriptions at once (Subscribe is then RESOURCE_EXHAUSTED),
// and at most one queued entry per subscribed study. With no subscription, Notify reads one atomic.
//
// Example:
//   ChangeNotifierImpl notifier;
//   ASSIGN_OR_RETURN(int64_t handle, notifier.Subscribe(study_id, [] { /* schedule a write */ }));
//   notifier.Notify(study_id);  // the core, after a change
//   notifier.Unsubscribe(handle);
//
// Thread safety: all methods are safe to call concurrently. The destructor stops the dispatcher (waiting
// for a running callback); it must not be called from a callback.
#ifndef HYPERLAB_COORDINATOR_CHANGE_NOTIFIER_IMPL_H_
#define HYPERLAB_COORDINATOR_CHANGE_NOTIFIER_IMPL_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "coordinator/change_notifier.h"

namespace hyperlab::coordinator {

struct ChangeNotifierOptions {
  // Most subscriptions open at once (one per WatchStudy stream). Default 10,000.
  int64_t max_subscriptions = 10'000;
};

class ChangeNotifierImpl final : public ChangeNotifier {
 public:
  explicit ChangeNotifierImpl(ChangeNotifierOptions options = {});
  ~ChangeNotifierImpl() override;
  ChangeNotifierImpl(const ChangeNotifierImpl&) = delete;
  ChangeNotifierImpl& operator=(const ChangeNotifierImpl&) = delete;

  // INVALID_ARGUMENT for an empty callback; RESOURCE_EXHAUSTED at options.max_subscriptions.
  absl::StatusOr<int64_t> Subscribe(int64_t study_id, Callback on_change) override;
  void Unsubscribe(int64_t handle) override;
  void Notify(int64_t study_id) override;

  // Subscriptions open now.
  int64_t subscriptions() const { return count_.load(std::memory_order_acquire); }

 private:
  struct Subscription {
    int64_t study_id;
    std::shared_ptr<const Callback> callback;  // Shared with a running dispatch, which outlives erasure.
  };

  // The dispatcher thread's loop: runs the callbacks of queued studies until the destructor stops it.
  void Dispatch();

  const ChangeNotifierOptions options_;
  // subs_.size(), for the lock-free early return of Notify.
  std::atomic<int64_t> count_{0};

  absl::Mutex mu_;
  absl::CondVar work_;     // Signalled when a study is queued or stopping_ is set.
  absl::CondVar settled_;  // Signalled when a callback returns.
  int64_t next_handle_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int64_t, Subscription> subs_ ABSL_GUARDED_BY(mu_);           // By handle.
  std::map<int64_t, std::set<int64_t>> by_study_ ABSL_GUARDED_BY(mu_);  // Study id -> handles.
  std::deque<int64_t> queue_ ABSL_GUARDED_BY(mu_);                      // Studies to dispatch, in order.
  std::set<int64_t> queued_ ABSL_GUARDED_BY(mu_);                       // The studies in queue_.
  int64_t running_ ABSL_GUARDED_BY(mu_) = 0;  // The handle whose callback runs now; 0: none.
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread dispatcher_;  // Last: started once everything above is initialised.
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_CHANGE_NOTIFIER_IMPL_H_
