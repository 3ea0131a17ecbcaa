// Change notifications for studies: who wants to hear when a study (or one of its trials) changes.
//
// The coordinator core calls Notify(study_id) after every change it has made durable and applied to
// memory; subscribers (WatchStudy streams, the dashboard's live updates) get a callback and then read the
// study themselves. A callback runs on the notifying thread with no coordinator lock held: it must be quick
// and must not block (e.g. schedule a stream write). Callbacks of one subscription never run concurrently
// with its Unsubscribe returning: after Unsubscribe returns, its callback is not running and never runs
// again.
//
// Thread safety: all methods are safe to call concurrently.
#ifndef HYPERLAB_COORDINATOR_CHANGE_NOTIFIER_H_
#define HYPERLAB_COORDINATOR_CHANGE_NOTIFIER_H_

#include <cstdint>
#include <functional>

namespace hyperlab::coordinator {

class ChangeNotifier {
 public:
  using Callback = std::function<void()>;
  virtual ~ChangeNotifier() = default;

  // Calls `on_change` after each later change of study `study_id`. Returns a handle for Unsubscribe.
  virtual int64_t Subscribe(int64_t study_id, Callback on_change) = 0;
  virtual void Unsubscribe(int64_t handle) = 0;
  // Runs the callbacks subscribed to `study_id`.
  virtual void Notify(int64_t study_id) = 0;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_CHANGE_NOTIFIER_H_
