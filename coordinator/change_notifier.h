// Change notifications for studies: who wants to hear when a study (or one of its trials) changes.
//
// The coordinator core calls Notify(study_id) after every change it has made durable and applied to
// memory; subscribers (WatchStudy streams, the dashboard's live updates) get a callback and then read the
// study themselves. Notify never waits for subscribers, so the core may call it while holding its own
// locks. A callback runs with no coordinator lock held (see the implementation for which thread); it must
// be quick and must not block (e.g. schedule a stream write). A callback may be coalesced: several Notify
// calls for a study before its callbacks run give one call, which then reads the newest state.
// After Unsubscribe returns, its callback is not running and never runs again (Unsubscribe called from
// inside its own callback returns at once; the callback then finishes and is not called again).
//
// Thread safety: all methods are safe to call concurrently.
#ifndef HYPERLAB_COORDINATOR_CHANGE_NOTIFIER_H_
#define HYPERLAB_COORDINATOR_CHANGE_NOTIFIER_H_

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"

namespace hyperlab::coordinator {

class ChangeNotifier {
 public:
  using Callback = std::function<void()>;
  virtual ~ChangeNotifier() = default;

  // Calls `on_change` after each later change of study `study_id`. Returns a handle for Unsubscribe;
  // RESOURCE_EXHAUSTED (nothing subscribed) when the notifier holds as many subscriptions as it allows.
  virtual absl::StatusOr<int64_t> Subscribe(int64_t study_id, Callback on_change) = 0;
  // Ends the subscription `handle` (an unknown or already ended handle is ignored).
  virtual void Unsubscribe(int64_t handle) = 0;
  // Schedules the callbacks subscribed to `study_id`; cheap and non-blocking, also with no subscriber.
  virtual void Notify(int64_t study_id) = 0;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_CHANGE_NOTIFIER_H_
