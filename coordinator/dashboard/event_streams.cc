#include "coordinator/dashboard/event_streams.h"

#include <httplib.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace hyperlab::coordinator::dashboard {

using Clock = std::chrono::steady_clock;

struct EventStreams::Stream {
  std::function<std::string()> snapshot;
  Clock::time_point deadline;
  Clock::time_point last_event;
  bool started = false;
  bool changed = false;  // GUARDED_BY(EventStreams::mu_)
  int64_t handle = 0;
};

EventStreams::EventStreams(ChangeNotifier* notifier, EventStreamOptions options)
    : notifier_(notifier), options_(options) {}

EventStreams::~EventStreams() { Stop(); }

int EventStreams::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

void EventStreams::Stop() {
  std::unique_lock<std::mutex> lock(mu_);
  stopping_ = true;
  cv_.notify_all();
}

absl::Status EventStreams::Open(int64_t study_id, std::function<std::string()> snapshot,
                                httplib::Response& response) {
  auto stream = std::make_shared<Stream>();
  stream->snapshot = std::move(snapshot);
  stream->deadline = Clock::now() + options_.max_duration;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return absl::UnavailableError("the dashboard is stopping");
    if (open_ >= options_.max_clients) {
      return absl::ResourceExhaustedError(
          absl::StrCat("already ", open_, " live-update streams open (the most allowed); retry later"));
    }
    ++open_;
  }
  // The callback holds only a weak reference: it marks the stream changed and wakes the waiting threads.
  std::weak_ptr<Stream> weak = stream;
  absl::StatusOr<int64_t> handle = notifier_->Subscribe(study_id, [this, weak] {
    if (std::shared_ptr<Stream> s = weak.lock()) {
      std::lock_guard<std::mutex> lock(mu_);
      s->changed = true;
      cv_.notify_all();
    }
  });
  if (!handle.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    return handle.status();
  }
  stream->handle = *handle;
  response.set_header("Cache-Control", "no-store");
  response.set_header("X-Accel-Buffering", "no");
  response.set_chunked_content_provider(
      "text/event-stream",
      [this, stream](size_t, httplib::DataSink& sink) {
        const std::string chunk = Next(*stream);
        if (chunk.empty()) {
          sink.done();
          return true;
        }
        return sink.write(chunk.data(), chunk.size());
      },
      [this, stream](bool) {
        notifier_->Unsubscribe(stream->handle);
        std::lock_guard<std::mutex> lock(mu_);
        --open_;
      });
  return absl::OkStatus();
}

std::string EventStreams::Next(Stream& stream) {
  auto event = [&] {
    stream.last_event = Clock::now();
    return absl::StrCat("event: study\ndata: ", stream.snapshot(), "\n\n");
  };
  if (!stream.started) {
    stream.started = true;
    return absl::StrCat("retry: ", options_.retry.count(), "\n", event());
  }
  std::unique_lock<std::mutex> lock(mu_);
  const Clock::time_point wake = std::min(Clock::now() + options_.heartbeat, stream.deadline);
  cv_.wait_until(lock, wake, [&] { return stopping_ || stream.changed; });
  if (stopping_ || Clock::now() >= stream.deadline) return "";
  if (!stream.changed) return ": keep-alive\n\n";
  // Changes closer together than min_interval wait (they coalesce into the event that follows).
  const Clock::time_point earliest = stream.last_event + options_.min_interval;
  cv_.wait_until(lock, earliest, [&] { return stopping_; });
  if (stopping_) return "";
  stream.changed = false;
  lock.unlock();
  return event();
}

}  // namespace hyperlab::coordinator::dashboard
