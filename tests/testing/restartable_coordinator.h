// A coordinator on a RocksDB journal in `dir` that a test can restart as after a crash (Reopen: the
// coordinator and the journal are closed, then the journal is opened again and the coordinator rebuilt from
// it), to show that what it does next depends on the journal alone. With `worker_slots` > 0, a worker "w"
// of the synthetic executor is registered at every opening. The directory is removed at both ends.
//
//   testing::RestartableCoordinator core(dir, /*worker_slots=*/2);
//   core->CreateStudy(spec);  ...  core.Reopen();  ...  core->ListTrials(name, false);
#ifndef HYPERLAB_TESTS_TESTING_RESTARTABLE_COORDINATOR_H_
#define HYPERLAB_TESTS_TESTING_RESTARTABLE_COORDINATOR_H_

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "coordinator/coordinator.h"
#include "gtest/gtest.h"
#include "storage/rocksdb_journal.h"
#include "tests/testing/fake_clock.h"

namespace hyperlab::testing {

class RestartableCoordinator {
 public:
  explicit RestartableCoordinator(std::string dir, int worker_slots = 0)
      : dir_(std::move(dir)), worker_slots_(worker_slots) {
    std::filesystem::remove_all(dir_);
    Reopen();
  }
  ~RestartableCoordinator() {
    core_.reset();
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Reopen() {
    core_.reset();
    journal_.reset();
    journal_ = std::move(storage::RocksDbJournal::Open(dir_).value());
    // Acquire waits (only) while a bayesian suggestion is being prepared; under load the default 1 s could
    // end a test's loop early.
    core_ = std::move(
        coordinator::Coordinator::Open(journal_.get(), &clock_, {.acquire_wait_ms = 600'000}).value());
    if (worker_slots_ > 0) {
      v1::WorkerInfo worker;
      worker.set_id("w");
      worker.set_slots(worker_slots_);
      worker.add_executors("synthetic");
      EXPECT_TRUE(core_->RegisterWorker(worker).ok());
    }
  }

  coordinator::Coordinator* operator->() { return core_.get(); }
  coordinator::Coordinator& operator*() { return *core_; }

 private:
  const std::string dir_;
  const int worker_slots_;
  FakeClock clock_;
  std::unique_ptr<storage::RocksDbJournal> journal_;
  std::unique_ptr<coordinator::Coordinator> core_;
};

}  // namespace hyperlab::testing

#endif  // HYPERLAB_TESTS_TESTING_RESTARTABLE_COORDINATOR_H_
