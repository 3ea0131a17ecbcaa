// A worker clock (worker/worker_clock.h) that moves only when a test says so, for driving the pull loop's
// backoff, heartbeats and stops step by step without sleeping.
//
// A thread in WaitUntil stays blocked, whatever real time passes, until its condition holds (checked when
// its condition variable is notified) or the test moves the time to its deadline. NextDeadline() tells a
// test that the loop is blocked and until when, and Step() moves the time to that deadline: one timed step
// of the loop.
//
// Example:
//   FakeWorkerClock clock;
//   Worker worker(channel, {.clock = &clock}, ...);   // Run() on another thread.
//   ASSERT_TRUE(clock.Step());  // The loop's next timed wait ends now.
//
// Thread safety: safe for concurrent use. It must outlive the threads that wait on it.
#ifndef HYPERLAB_TESTS_TESTING_FAKE_WORKER_CLOCK_H_
#define HYPERLAB_TESTS_TESTING_FAKE_WORKER_CLOCK_H_

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>

#include "worker/worker_clock.h"

namespace hyperlab::testing {

class FakeWorkerClock final : public worker::WorkerClock {
 public:
  explicit FakeWorkerClock(int64_t start_ms = 1'000'000) : now_ms_(start_ms) {}

  int64_t NowMs() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_ms_;
  }

  bool WaitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, int64_t deadline_ms,
                 const std::function<bool()>& ready) override {
    Waiter self{&cv, deadline_ms};
    bool registered = false;
    bool result = false;
    for (;;) {
      if (ready()) {
        result = true;
        break;
      }
      if (NowMs() >= deadline_ms) break;
      if (!registered) {
        std::lock_guard<std::mutex> guard(mu_);
        waiters_.insert(&self);
        changed_.notify_all();
        registered = true;
      }
      // Woken by the owner's notify or by the time moving; the real-time bound covers a notify from
      // AdvanceTo that came between the checks above and this wait.
      cv.wait_for(lock, std::chrono::milliseconds(10));
    }
    if (registered) {
      std::lock_guard<std::mutex> guard(mu_);
      waiters_.erase(&self);
      changed_.notify_all();
    }
    return result;
  }

  // Moves the time forward to `ms` (never back) and wakes the waiting threads.
  void AdvanceTo(int64_t ms) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ms_ = std::max(now_ms_, ms);
    for (Waiter* waiter : waiters_) waiter->cv->notify_all();
    changed_.notify_all();
  }
  void Advance(int64_t ms) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ms_ += std::max<int64_t>(0, ms);
    for (Waiter* waiter : waiters_) waiter->cv->notify_all();
    changed_.notify_all();
  }

  // Waits (in real time, up to `timeout`) until a thread is blocked in WaitUntil on a deadline still
  // ahead, and returns the earliest such deadline; nullopt on timeout.
  std::optional<int64_t> NextDeadline(std::chrono::milliseconds timeout = std::chrono::seconds(20)) const {
    std::unique_lock<std::mutex> lock(mu_);
    std::optional<int64_t> next;
    changed_.wait_for(lock, timeout, [&] {
      next.reset();
      for (const Waiter* waiter : waiters_) {
        if (waiter->deadline_ms > now_ms_ && (!next || waiter->deadline_ms < *next))
          next = waiter->deadline_ms;
      }
      return next.has_value();
    });
    return next;
  }

  // Moves the time to NextDeadline(timeout): the blocked thread's timed wait ends. False on timeout.
  bool Step(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const std::optional<int64_t> next = NextDeadline(timeout);
    if (!next) return false;
    AdvanceTo(*next);
    return true;
  }

 private:
  struct Waiter {
    std::condition_variable* cv;
    int64_t deadline_ms;
  };

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;  // Waiters or the time changed.
  int64_t now_ms_;                           // GUARDED_BY(mu_)
  std::set<Waiter*> waiters_;                // Threads blocked in WaitUntil. GUARDED_BY(mu_)
};

}  // namespace hyperlab::testing

#endif  // HYPERLAB_TESTS_TESTING_FAKE_WORKER_CLOCK_H_
