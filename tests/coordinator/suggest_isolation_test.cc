// No caller waits on a strategy: while one study's strategy is stuck in Suggest (a GP fit that takes
// forever), other studies' Acquire, and every study's Report, Complete and reads, still answer.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <thread>

#include "coordinator/coordinator.h"
#include "gtest/gtest.h"
#include "storage/rocksdb_journal.h"
#include "tests/testing/branin_spec.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/test_dir.h"
#include "tests/testing/trial_messages.h"

namespace hyperlab::coordinator {
namespace {

// Lets the first `free_calls` Suggest calls through, then blocks every call until released.
class GatedStrategy : public searcher::Strategy {
 public:
  GatedStrategy(std::unique_ptr<searcher::Strategy> real, std::atomic<int>* free_calls,
                std::atomic<bool>* released, std::atomic<int>* blocked)
      : real_(std::move(real)), free_calls_(free_calls), released_(released), blocked_(blocked) {}
  absl::StatusOr<std::vector<searcher::Assignment>> Suggest(absl::Span<const searcher::TrialView> history,
                                                            int count, std::string& state) const override {
    if (free_calls_->fetch_sub(1) <= 0) {
      ++*blocked_;
      while (!*released_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return real_->Suggest(history, count, state);
  }
  std::optional<int64_t> Capacity() const override { return real_->Capacity(); }

 private:
  std::unique_ptr<searcher::Strategy> real_;
  std::atomic<int>* free_calls_;
  std::atomic<bool>* released_;
  std::atomic<int>* blocked_;
};

v1::TrialCompletion Done(const v1::Trial& trial, double value) {
  return testing::SucceededWith(trial, trial.lease_id(), value);
}

// Runs `call` on another thread; ends the test as failed (instead of hanging it) when it does not answer
// in 5 s, as happened when every call waited on the one mutex a GP fit held.
template <typename F>
auto Answers(F call) {
  auto future = std::async(std::launch::async, call);
  if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    std::fprintf(stderr, "FAILED: a call waited on a study's stuck strategy for 5 s\n");
    std::fflush(stderr);
    std::_Exit(1);
  }
  return future;
}

TEST(SuggestIsolationTest, AStuckStrategyBlocksNoOtherCall) {
  const std::string dir = hyperlab::testing::FreshTestDir("suggest_isolation_test");
  auto journal = storage::RocksDbJournal::Open(dir).value();
  testing::FakeClock clock;
  std::atomic<int> free_calls{1};
  std::atomic<bool> released{false};
  std::atomic<int> blocked{0};
  CoordinatorOptions options;
  options.acquire_wait_ms = 200;
  options.strategy_factory =
      [&](const searcher::SearchSpace& space,
          const searcher::AlgorithmConfig& config) -> absl::StatusOr<std::unique_ptr<searcher::Strategy>> {
    auto real = searcher::MakeStrategy(space, config);
    if (!real.ok() || config.kind != searcher::AlgorithmConfig::Kind::kBayesian) return real;
    return std::unique_ptr<searcher::Strategy>(
        new GatedStrategy(std::move(*real), &free_calls, &released, &blocked));
  };
  auto core = Coordinator::Open(journal.get(), &clock, options).value();
  v1::StudySpec slow = testing::BraninSpec("slow", 50, 8);
  slow.clear_algorithm();
  slow.mutable_algorithm()->mutable_bayesian()->set_seed(1);
  ASSERT_TRUE(core->CreateStudy(slow).ok());
  ASSERT_TRUE(core->CreateStudy(testing::BraninSpec("fast", 1000, 1000)).ok());
  v1::WorkerInfo worker;
  worker.set_id("w");
  worker.set_slots(64);
  worker.add_executors("synthetic");
  ASSERT_TRUE(core->RegisterWorker(worker).ok());

  // Lease one trial of the slow study (its first suggestion is let through). It is prepared off-lock while
  // the fast study's trials are handed out, so this waits for it (up to ~20 s on a loaded machine),
  // completing the fast trials so the worker's slots stay free.
  v1::Trial slow_trial;
  for (int i = 0; i < 10000 && slow_trial.lease_id().empty(); ++i) {
    const std::vector<v1::Assignment> got = core->Acquire("w", 1).value();
    for (const v1::Assignment& a : got) {
      if (a.study_name() == "slow") {
        slow_trial = a.trial();
      } else {
        ASSERT_TRUE(core->Complete("w", {Done(a.trial(), 1.0)}).ok());
      }
    }
    if (slow_trial.lease_id().empty()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_FALSE(slow_trial.lease_id().empty());
  // Keep acquiring until the slow study's next suggestion is stuck in its strategy.
  for (int i = 0; i < 200 && blocked == 0; ++i) {
    ASSERT_TRUE(core->Acquire("w", 2).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_GT(blocked.load(), 0) << "the slow strategy was never asked again";

  // Every other call answers while it is stuck.
  int fast_leased = 0;
  for (int i = 0; i < 20; ++i) {
    auto got = Answers([&] { return core->Acquire("w", 1); }).get();
    ASSERT_TRUE(got.ok()) << got.status();
    for (const v1::Assignment& a : *got) {
      EXPECT_EQ(a.study_name(), "fast");
      ++fast_leased;
      EXPECT_TRUE(Answers([&] { return core->Complete("w", {Done(a.trial(), 1.0)}); }).get().ok());
    }
  }
  EXPECT_GE(fast_leased, 19) << "the other study's Acquire must get its trials";
  v1::TrialReport heartbeat;
  *heartbeat.mutable_lease() = Done(slow_trial, 0).lease();
  auto reported = Answers([&] { return core->Report("w", {heartbeat}); }).get();
  ASSERT_TRUE(reported.ok());
  EXPECT_EQ((*reported)[0].status().code(), 0) << (*reported)[0].status().message();
  auto completed = Answers([&] { return core->Complete("w", {Done(slow_trial, 3.0)}); }).get();
  ASSERT_TRUE(completed.ok());
  EXPECT_EQ((*completed)[0].code(), 0) << (*completed)[0].message();
  EXPECT_TRUE(Answers([&] { return core->GetStudy("slow"); }).get().ok());
  EXPECT_TRUE(Answers([&] { return core->PauseStudy("slow"); }).get().ok());
  EXPECT_GT(blocked.load(), 0);

  released = true;
  core.reset();
  journal.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hyperlab::coordinator
