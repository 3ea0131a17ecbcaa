// Group commit: concurrent journal batches share one write (one sync), in the order they were committed,
// and a refused group changes nothing.
#include "coordinator/journal_committer.h"

#include <atomic>
#include <filesystem>
#include <thread>

#include "gtest/gtest.h"
#include "storage/rocksdb_journal.h"
#include "tests/testing/faulty_journal.h"
#include "tests/testing/test_dir.h"

namespace hyperlab::coordinator {
namespace {

// Counts WriteGroup calls (each one synced write) and holds the first one until released, so a test can
// queue writers behind it deterministically.
class GateJournal : public testing::FaultyJournal {
 public:
  using FaultyJournal::FaultyJournal;
  absl::Status WriteGroup(const std::vector<const storage::JournalBatch*>& batches) override {
    const int call = calls_.fetch_add(1);
    sizes_[call] = static_cast<int>(batches.size());
    if (call == 0) {
      entered_ = true;
      while (!released_) std::this_thread::yield();
    }
    return FaultyJournal::WriteGroup(batches);
  }
  std::atomic<int> calls_{0};
  int sizes_[64] = {};
  std::atomic<bool> entered_{false};
  std::atomic<bool> released_{false};
};

storage::JournalBatch StudyBatch(int64_t id) {
  storage::JournalBatch batch;
  v1::Study study;
  study.set_id(id);
  study.mutable_spec()->set_name("s" + std::to_string(id));
  batch.studies.push_back(study);
  return batch;
}

TEST(JournalCommitterTest, ConcurrentCommitsShareOneSyncedWrite) {
  const std::string dir = hyperlab::testing::FreshTestDir("journal_committer_test");
  auto real = storage::RocksDbJournal::Open(dir).value();
  GateJournal journal(real.get());
  JournalCommitter committer(&journal, nullptr, nullptr);

  std::thread first([&] { EXPECT_TRUE(committer.Commit(StudyBatch(1)).ok()); });
  while (!journal.entered_) std::this_thread::yield();
  // Two more writers arrive while the first write is in progress: they must wait and share one write.
  std::thread second([&] { EXPECT_TRUE(committer.Commit(StudyBatch(2)).ok()); });
  std::thread third([&] { EXPECT_TRUE(committer.Commit(StudyBatch(3)).ok()); });
  while (committer.queued() < 3) std::this_thread::yield();  // Both wait behind the write in progress.
  journal.released_ = true;
  first.join();
  second.join();
  third.join();

  EXPECT_EQ(committer.batches(), 3);
  EXPECT_EQ(committer.writes(), 2) << "the two writers that queued during a write must share the next one";
  EXPECT_EQ(journal.calls_.load(), 2);
  EXPECT_EQ(journal.sizes_[0], 1);
  EXPECT_EQ(journal.sizes_[1], 2);
  EXPECT_EQ(real->LoadStudies()->size(), 3u);
  std::filesystem::remove_all(dir);
}

TEST(JournalCommitterTest, ARefusedGroupFailsEveryBatchInItAndStoresNothing) {
  const std::string dir = hyperlab::testing::FreshTestDir("journal_committer_fault_test");
  auto real = storage::RocksDbJournal::Open(dir).value();
  testing::FaultyJournal journal(real.get());
  JournalCommitter committer(&journal, nullptr, nullptr);
  journal.set_disk_full(true);
  EXPECT_EQ(committer.Commit(StudyBatch(1)).code(), absl::StatusCode::kUnavailable);
  journal.set_disk_full(false);
  EXPECT_TRUE(committer.Commit(StudyBatch(2)).ok());
  const auto studies = real->LoadStudies().value();
  ASSERT_EQ(studies.size(), 1u);
  EXPECT_EQ(studies[0].id(), 2);
  std::filesystem::remove_all(dir);
}

TEST(JournalCommitterTest, ManyConcurrentWritersAllBecomeDurable) {
  const std::string dir = hyperlab::testing::FreshTestDir("journal_committer_many_test");
  auto real = storage::RocksDbJournal::Open(dir).value();
  JournalCommitter committer(real.get(), nullptr, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) EXPECT_TRUE(committer.Commit(StudyBatch(t * 100 + i + 1)).ok());
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(committer.batches(), 320);
  EXPECT_LE(committer.writes(), committer.batches());
  EXPECT_EQ(real->LoadStudies()->size(), 320u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hyperlab::coordinator
