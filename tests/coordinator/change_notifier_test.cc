// ChangeNotifierImpl: callbacks per study, coalescing of queued notifications, the Unsubscribe guarantee
// (no callback running or to come once it returns, also when called from the callback itself), and the
// RESOURCE_EXHAUSTED bound on subscriptions.
#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "coordinator/change_notifier_impl.h"
#include "gtest/gtest.h"

namespace hyperlab::coordinator {
namespace {

using std::chrono::milliseconds;

// Waits (up to 5 s) until `done` holds; the notifier dispatches on its own thread.
template <typename Pred>
bool Eventually(Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

TEST(ChangeNotifierTest, NotifyWithoutSubscribersDoesNothing) {
  ChangeNotifierImpl notifier;
  for (int i = 0; i < 1000; ++i) notifier.Notify(i);
  EXPECT_EQ(notifier.subscriptions(), 0);
}

TEST(ChangeNotifierTest, CallsTheSubscribersOfTheChangedStudyOnly) {
  ChangeNotifierImpl notifier;
  std::atomic<int> a{0}, b{0};
  auto ha = notifier.Subscribe(1, [&] { ++a; });
  auto hb = notifier.Subscribe(2, [&] { ++b; });
  ASSERT_TRUE(ha.ok() && hb.ok());
  EXPECT_NE(*ha, *hb);
  EXPECT_EQ(notifier.subscriptions(), 2);
  notifier.Notify(1);
  ASSERT_TRUE(Eventually([&] { return a.load() == 1; }));
  notifier.Notify(3);  // Nobody watches study 3.
  notifier.Notify(2);
  ASSERT_TRUE(Eventually([&] { return b.load() == 1; }));
  EXPECT_EQ(a.load(), 1);
  notifier.Unsubscribe(*ha);
  notifier.Unsubscribe(*ha);    // Twice: ignored.
  notifier.Unsubscribe(12345);  // Unknown: ignored.
  EXPECT_EQ(notifier.subscriptions(), 1);
  notifier.Notify(1);
  notifier.Notify(2);
  ASSERT_TRUE(Eventually([&] { return b.load() == 2; }));
  EXPECT_EQ(a.load(), 1);
}

TEST(ChangeNotifierTest, NotificationsQueuedBeforeDispatchAreCoalesced) {
  ChangeNotifierImpl notifier;
  absl::Notification entered, release;
  std::atomic<int> blocker_calls{0}, calls{0};
  // Study 1's callback holds the dispatcher while study 2 is notified many times.
  auto blocker = notifier.Subscribe(1, [&] {
    if (blocker_calls++ == 0) {
      entered.Notify();
      release.WaitForNotification();
    }
  });
  auto watcher = notifier.Subscribe(2, [&] { ++calls; });
  ASSERT_TRUE(blocker.ok() && watcher.ok());
  notifier.Notify(1);
  entered.WaitForNotification();
  for (int i = 0; i < 100; ++i) notifier.Notify(2);
  release.Notify();
  ASSERT_TRUE(Eventually([&] { return calls.load() == 1; }));
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(calls.load(), 1) << "100 notifications queued together must give one callback";
  // A notification after the round gives another callback: nothing is lost.
  notifier.Notify(2);
  ASSERT_TRUE(Eventually([&] { return calls.load() == 2; }));
}

TEST(ChangeNotifierTest, UnsubscribeWaitsForTheRunningCallbackAndNoneRunsAfter) {
  ChangeNotifierImpl notifier;
  absl::Notification entered, release;
  std::atomic<bool> running{false};
  std::atomic<int> calls{0};
  auto handle = notifier.Subscribe(7, [&] {
    running = true;
    ++calls;
    entered.Notify();
    release.WaitForNotification();
    running = false;
  });
  ASSERT_TRUE(handle.ok());
  notifier.Notify(7);
  entered.WaitForNotification();
  notifier.Notify(7);  // Queued again behind the running callback.
  auto unsubscribed = std::async(std::launch::async, [&] {
    notifier.Unsubscribe(*handle);
    return running.load();
  });
  EXPECT_EQ(unsubscribed.wait_for(milliseconds(100)), std::future_status::timeout)
      << "Unsubscribe returned while its callback was running";
  release.Notify();
  EXPECT_FALSE(unsubscribed.get()) << "the callback was still running when Unsubscribe returned";
  notifier.Notify(7);
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(calls.load(), 1) << "a callback ran after Unsubscribe returned";
  EXPECT_EQ(notifier.subscriptions(), 0);
}

TEST(ChangeNotifierTest, UnsubscribeFromItsOwnCallbackReturns) {
  ChangeNotifierImpl notifier;
  std::atomic<int> calls{0};
  std::atomic<int64_t> self{0};
  absl::Notification done;
  auto handle = notifier.Subscribe(3, [&] {
    ++calls;
    notifier.Unsubscribe(self.load());
    done.Notify();
  });
  ASSERT_TRUE(handle.ok());
  self = *handle;
  notifier.Notify(3);
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(5))) << "deadlocked";
  notifier.Notify(3);
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(notifier.subscriptions(), 0);
}

TEST(ChangeNotifierTest, RefusesSubscriptionsBeyondItsBound) {
  ChangeNotifierImpl notifier({.max_subscriptions = 3});
  std::vector<int64_t> handles;
  for (int i = 0; i < 3; ++i) {
    auto h = notifier.Subscribe(i, [] {});
    ASSERT_TRUE(h.ok()) << h.status();
    handles.push_back(*h);
  }
  auto refused = notifier.Subscribe(9, [] {});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(refused.status().message().find("3"), std::string::npos) << refused.status();
  EXPECT_EQ(notifier.subscriptions(), 3);
  notifier.Unsubscribe(handles[0]);
  EXPECT_TRUE(notifier.Subscribe(9, [] {}).ok()) << "a closed subscription frees its place";
  EXPECT_EQ(notifier.Subscribe(9, nullptr).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ChangeNotifierTest, ConcurrentSubscribeNotifyUnsubscribe) {
  ChangeNotifierImpl notifier;
  std::atomic<int64_t> calls{0};
  std::atomic<bool> stop{false};
  std::thread notifying([&] {
    while (!stop) {
      for (int s = 0; s < 4; ++s) notifier.Notify(s);
    }
  });
  std::vector<std::thread> subscribers;
  for (int t = 0; t < 4; ++t) {
    subscribers.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto h = notifier.Subscribe(t, [&] { ++calls; });
        ASSERT_TRUE(h.ok());
        std::this_thread::yield();
        notifier.Unsubscribe(*h);
      }
    });
  }
  for (auto& s : subscribers) s.join();
  stop = true;
  notifying.join();
  EXPECT_EQ(notifier.subscriptions(), 0);
  const int64_t seen = calls.load();
  notifier.Notify(0);
  std::this_thread::sleep_for(milliseconds(20));
  EXPECT_EQ(calls.load(), seen);
}

}  // namespace
}  // namespace hyperlab::coordinator
