// A clock that moves only when a test says so, for leases and timeouts without sleeping.
// Thread safety: safe for concurrent use.
#ifndef HYPERLAB_TESTS_TESTING_FAKE_CLOCK_H_
#define HYPERLAB_TESTS_TESTING_FAKE_CLOCK_H_

#include <atomic>

#include "common/base/clock.h"

namespace hyperlab::testing {

class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_ms = 1'700'000'000'000) : now_ms_(start_ms) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  void Advance(int64_t ms) { now_ms_ += ms; }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace hyperlab::testing

#endif  // HYPERLAB_TESTS_TESTING_FAKE_CLOCK_H_
