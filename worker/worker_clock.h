// The pull loop's time: a monotonic clock in milliseconds, and a wait on a condition variable that ends at
// a deadline of that clock or as soon as a condition holds.
//
// Injected (WorkerOptions::clock) so that tests drive backoff, heartbeats and stops with a fake that moves
// only when told to (tests/testing/fake_worker_clock.h) instead of sleeping. Not hyperlab::Clock
// (common/base/clock.h): that one is wall time, for timestamps the coordinator compares; the loop needs
// time that a change of the wall clock does not move. gRPC call deadlines and measurement timestamps stay
// on the system clock.
//
// Example:
//   std::unique_lock<std::mutex> lock(mu);
//   clock.WaitUntil(cv, lock, clock.NowMs() + 50, [&] { return stopping; });
//
// Thread safety: implementations are safe for concurrent use.
#ifndef HYPERLAB_WORKER_WORKER_CLOCK_H_
#define HYPERLAB_WORKER_WORKER_CLOCK_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace hyperlab::worker {

class WorkerClock {
 public:
  virtual ~WorkerClock() = default;
  // Milliseconds since a fixed, arbitrary origin; never decreases.
  virtual int64_t NowMs() const = 0;
  // With `lock` held on the mutex that guards what `ready` reads, waits until `ready()` or until
  // NowMs() >= deadline_ms. A notification of `cv` makes it check `ready` again. Returns ready().
  virtual bool WaitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, int64_t deadline_ms,
                         const std::function<bool()>& ready) = 0;
};

// std::chrono::steady_clock. The default of WorkerOptions::clock.
class SteadyWorkerClock final : public WorkerClock {
 public:
  // One for the process, never destroyed.
  static SteadyWorkerClock& Get() {
    static SteadyWorkerClock* const clock = new SteadyWorkerClock();
    return *clock;
  }

  int64_t NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  bool WaitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, int64_t deadline_ms,
                 const std::function<bool()>& ready) override {
    return cv.wait_until(lock, std::chrono::steady_clock::time_point(std::chrono::milliseconds(deadline_ms)),
                         ready);
  }
};

}  // namespace hyperlab::worker

#endif  // HYPERLAB_WORKER_WORKER_CLOCK_H_
