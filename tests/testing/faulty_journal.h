// A journal that fails on command, for storage-fault tests: it wraps a real journal and, while armed,
// refuses every write the way a full or failing disk does (UNAVAILABLE, nothing written).
// Thread safety: safe for concurrent use.
#ifndef HYPERLAB_TESTS_TESTING_FAULTY_JOURNAL_H_
#define HYPERLAB_TESTS_TESTING_FAULTY_JOURNAL_H_

#include <atomic>

#include "storage/journal.h"

namespace hyperlab::testing {

class FaultyJournal : public storage::Journal {
 public:
  explicit FaultyJournal(storage::Journal* real) : real_(real) {}

  // While true, Write fails with UNAVAILABLE ("No space left on device") and writes nothing.
  void set_disk_full(bool full) { full_ = full; }
  int refused_writes() const { return refused_.load(); }

  absl::Status Write(const storage::JournalBatch& batch) override {
    if (full_) {
      ++refused_;
      return absl::UnavailableError("writing journal: IO error: No space left on device (injected)");
    }
    return real_->Write(batch);
  }
  absl::StatusOr<std::vector<v1::Study>> LoadStudies() override { return real_->LoadStudies(); }
  absl::StatusOr<std::vector<v1::Trial>> LoadTrials(int64_t study_id) override {
    return real_->LoadTrials(study_id);
  }
  absl::StatusOr<std::vector<v1::Measurement>> LoadMeasurements(int64_t study_id, int64_t trial_id) override {
    return real_->LoadMeasurements(study_id, trial_id);
  }
  absl::StatusOr<std::string> LoadSearcherState(int64_t study_id) override {
    return real_->LoadSearcherState(study_id);
  }
  absl::StatusOr<std::vector<std::string>> LoadDrainedWorkers() override {
    return real_->LoadDrainedWorkers();
  }
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadWorkerOwners() override {
    return real_->LoadWorkerOwners();
  }
  absl::StatusOr<int64_t> Checkpoint(const std::string& dir) override { return real_->Checkpoint(dir); }
  bool read_only() const override { return real_->read_only(); }

 private:
  storage::Journal* real_;
  std::atomic<bool> full_{false};
  std::atomic<int> refused_{0};
};

}  // namespace hyperlab::testing

#endif  // HYPERLAB_TESTS_TESTING_FAULTY_JOURNAL_H_
