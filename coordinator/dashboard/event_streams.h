// Live updates for the dashboard: server-sent events (text/event-stream) driven by the coordinator's
// change notifications (change_notifier.h), the same ones WatchStudy streams use.
//
// GET /api/v1/studies/{id}/events opens a stream: at once, and after every change of the study, it sends
//   event: study
//   data: <the study's JSON, as GET /api/v1/studies/{id}>
// A notification only marks the stream changed (quick, never blocks the notifier's thread); the stream's
// own HTTP thread then reads the newest state, so a burst of changes gives one event, and events are at
// least options.min_interval apart. A comment line (": keep-alive") goes out every options.heartbeat
// without change, which also finds clients that went away.
//
// Bounded, because each open stream holds one of the HTTP server's threads while it waits:
//   - at most options.max_clients streams at once; one more is RESOURCE_EXHAUSTED (HTTP 429);
//   - a stream ends after options.max_duration (the client reconnects: the first line sets `retry:`),
//     so no thread is held forever by one client, and a client that stops reading is dropped by the
//     server's write timeout;
//   - Stop ends every stream within one wake-up.
//
// Example:
//   EventStreams streams(notifier, {});
//   absl::Status s = streams.Open(study_id, [&] { return StudyJson(...).dump(); }, response);
//
// Thread safety: all methods are safe to call concurrently. Stop before destroying the notifier.
#ifndef HYPERLAB_COORDINATOR_DASHBOARD_EVENT_STREAMS_H_
#define HYPERLAB_COORDINATOR_DASHBOARD_EVENT_STREAMS_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "coordinator/change_notifier.h"

namespace httplib {
struct Response;
}  // namespace httplib

namespace hyperlab::coordinator::dashboard {

struct EventStreamOptions {
  // Streams open at once. Default 16 (the server keeps as many threads again for the other routes).
  int max_clients = 16;
  // A stream ends after this long; the browser reconnects after `retry`. Default 60 s.
  std::chrono::milliseconds max_duration{60'000};
  // A comment goes out after this long without an event (which also finds closed connections: the second
  // write after a close fails). Default 3 s.
  std::chrono::milliseconds heartbeat{3'000};
  // Events of one stream are at least this far apart. Default 250 ms.
  std::chrono::milliseconds min_interval{250};
  // What the first line tells the client to wait before reconnecting. Default 1 s.
  std::chrono::milliseconds retry{1'000};
};

class EventStreams {
 public:
  // `notifier` must outlive this object (or Stop must have returned before it goes).
  EventStreams(ChangeNotifier* notifier, EventStreamOptions options);
  ~EventStreams();
  EventStreams(const EventStreams&) = delete;
  EventStreams& operator=(const EventStreams&) = delete;

  // Makes `response` a stream of study `study_id`'s changes; `snapshot` gives an event's data (one line
  // of JSON) and runs on the HTTP thread. RESOURCE_EXHAUSTED at max_clients or when the notifier is full;
  // UNAVAILABLE after Stop.
  absl::Status Open(int64_t study_id, std::function<std::string()> snapshot, httplib::Response& response);

  // Ends every stream and refuses new ones. Idempotent.
  void Stop();

  // Streams open now.
  int open() const;

 private:
  struct Stream;
  // The stream's next chunk: an event, a keep-alive comment, or "" when it is over.
  std::string Next(Stream& stream);

  ChangeNotifier* const notifier_;
  const EventStreamOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;  // Signalled on every change of a streamed study and on Stop.
  int open_ = 0;                // GUARDED_BY(mu_)
  bool stopping_ = false;       // GUARDED_BY(mu_)
};

}  // namespace hyperlab::coordinator::dashboard

#endif  // HYPERLAB_COORDINATOR_DASHBOARD_EVENT_STREAMS_H_
