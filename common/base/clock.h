// Time as the coordinator sees it: milliseconds since the Unix epoch, from an injected clock.
//
// Leases, heartbeats and timestamps read the clock through this interface so tests advance a fake clock
// (tests/testing/fake_clock.h) instead of sleeping.
// Thread safety: implementations are safe for concurrent use.
#ifndef HYPERLAB_COMMON_BASE_CLOCK_H_
#define HYPERLAB_COMMON_BASE_CLOCK_H_

#include <chrono>
#include <cstdint>

namespace hyperlab {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;
};

class RealClock : public Clock {
 public:
  int64_t NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_BASE_CLOCK_H_
