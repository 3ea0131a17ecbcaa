#include "coordinator/change_notifier_impl.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace hyperlab::coordinator {

ChangeNotifierImpl::ChangeNotifierImpl(ChangeNotifierOptions options)
    : options_(options), dispatcher_([this] { Dispatch(); }) {}

ChangeNotifierImpl::~ChangeNotifierImpl() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  work_.Signal();
  dispatcher_.join();
}

absl::StatusOr<int64_t> ChangeNotifierImpl::Subscribe(int64_t study_id, Callback on_change) {
  if (!on_change) return absl::InvalidArgumentError("ChangeNotifier::Subscribe: empty callback");
  absl::MutexLock lock(&mu_);
  const int64_t open = static_cast<int64_t>(subs_.size());
  if (open >= options_.max_subscriptions) {
    return absl::ResourceExhaustedError(
        absl::StrCat("too many study watches open: ", open, ", the most this coordinator allows (",
                     options_.max_subscriptions, "); close one or try again later"));
  }
  const int64_t handle = next_handle_++;
  subs_.emplace(handle, Subscription{study_id, std::make_shared<const Callback>(std::move(on_change))});
  by_study_[study_id].insert(handle);
  count_.store(open + 1, std::memory_order_release);
  return handle;
}

void ChangeNotifierImpl::Unsubscribe(int64_t handle) {
  absl::MutexLock lock(&mu_);
  auto it = subs_.find(handle);
  if (it != subs_.end()) {
    auto study = by_study_.find(it->second.study_id);
    study->second.erase(handle);
    if (study->second.empty()) by_study_.erase(study);
    subs_.erase(it);
    count_.store(static_cast<int64_t>(subs_.size()), std::memory_order_release);
  }
  // From inside its own callback the wait would never end; the dispatcher re-checks subs_ before each
  // callback, so the callback is not called again either way.
  if (std::this_thread::get_id() == dispatcher_.get_id()) return;
  while (running_ == handle) settled_.Wait(&mu_);
}

void ChangeNotifierImpl::Notify(int64_t study_id) {
  // A change applied before a Subscribe is seen by the subscriber's own first read, so missing a
  // concurrent subscription here loses nothing.
  if (count_.load(std::memory_order_acquire) == 0) return;
  absl::MutexLock lock(&mu_);
  if (by_study_.find(study_id) == by_study_.end()) return;
  if (!queued_.insert(study_id).second) return;  // Coalesced with the notification already queued.
  queue_.push_back(study_id);
  work_.Signal();
}

void ChangeNotifierImpl::Dispatch() {
  mu_.Lock();
  while (true) {
    while (!stopping_ && queue_.empty()) work_.Wait(&mu_);
    if (stopping_) break;
    const int64_t study_id = queue_.front();
    queue_.pop_front();
    // Dequeued before its callbacks run: a change during them queues the study again.
    queued_.erase(study_id);
    auto study = by_study_.find(study_id);
    if (study == by_study_.end()) continue;
    const std::vector<int64_t> handles(study->second.begin(), study->second.end());
    for (const int64_t handle : handles) {
      auto sub = subs_.find(handle);
      if (sub == subs_.end()) continue;  // Unsubscribed during this round.
      const std::shared_ptr<const Callback> callback = sub->second.callback;
      running_ = handle;
      mu_.Unlock();
      (*callback)();
      mu_.Lock();
      running_ = 0;
      settled_.SignalAll();
      if (stopping_) break;
    }
  }
  mu_.Unlock();
}

}  // namespace hyperlab::coordinator
