#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/keys.h"
#include "storage/rocksdb_journal.h"
#include "tests/testing/test_dir.h"

namespace hyperlab::storage {
namespace {

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = hyperlab::testing::FreshTestDir("journal_test"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static v1::Trial MakeTrial(int64_t study, int64_t id, v1::Trial::State state) {
    v1::Trial t;
    t.set_study_id(study);
    t.set_id(id);
    t.set_state(state);
    (*t.mutable_metrics())["value"] = 0.5 * id;
    return t;
  }

  std::string dir_;
};

TEST_F(JournalTest, WhatWasWrittenIsThereAfterReopen) {
  {
    auto journal = RocksDbJournal::Open(dir_);
    ASSERT_TRUE(journal.ok()) << journal.status();
    JournalBatch batch;
    v1::Study study;
    study.set_id(3);
    study.mutable_spec()->set_name("s3");
    study.mutable_counts()->set_total(99);  // Derived; must not be stored.
    batch.studies.push_back(study);
    for (int i = 0; i < 3; ++i) batch.trials.push_back(MakeTrial(3, i, v1::Trial::SUCCEEDED));
    batch.trials.push_back(MakeTrial(4, 0, v1::Trial::PENDING));
    batch.measurements.push_back({.study_id = 3, .trial_id = 1, .seq = 0});
    batch.measurements.back().measurement.set_step(10);
    batch.searcher_states.emplace_back(3, "state-bytes");
    ASSERT_TRUE((*journal)->Write(batch).ok());
  }
  auto journal = RocksDbJournal::Open(dir_);
  ASSERT_TRUE(journal.ok()) << journal.status();
  auto studies = (*journal)->LoadStudies();
  ASSERT_TRUE(studies.ok());
  ASSERT_EQ(studies->size(), 1u);
  EXPECT_EQ((*studies)[0].spec().name(), "s3");
  EXPECT_EQ((*studies)[0].counts().total(), 0);
  auto trials = (*journal)->LoadTrials(3);
  ASSERT_TRUE(trials.ok());
  ASSERT_EQ(trials->size(), 3u);  // Study 4's trial is not mixed in.
  EXPECT_EQ((*trials)[2].id(), 2);
  EXPECT_EQ((*trials)[2].metrics().at("value"), 1.0);
  auto measurements = (*journal)->LoadMeasurements(3, 1);
  ASSERT_TRUE(measurements.ok());
  ASSERT_EQ(measurements->size(), 1u);
  EXPECT_EQ((*measurements)[0].step(), 10);
  EXPECT_EQ(*(*journal)->LoadSearcherState(3), "state-bytes");
  EXPECT_EQ(*(*journal)->LoadSearcherState(4), "");
}

TEST_F(JournalTest, DrainedWorkersAreKeptUntilUndrained) {
  {
    auto journal = RocksDbJournal::Open(dir_);
    ASSERT_TRUE(journal.ok()) << journal.status();
    JournalBatch drain;
    drain.worker_drains = {{"host-b/7", true}, {"host-a", true}, {"gone", true}};
    ASSERT_TRUE((*journal)->Write(drain).ok());
    JournalBatch undrain;
    undrain.worker_drains = {{"gone", false}, {"never-drained", false}};
    ASSERT_TRUE((*journal)->Write(undrain).ok());
  }
  auto journal = RocksDbJournal::Open(dir_);
  ASSERT_TRUE(journal.ok()) << journal.status();
  auto drained = (*journal)->LoadDrainedWorkers();
  ASSERT_TRUE(drained.ok()) << drained.status();
  EXPECT_EQ(*drained, (std::vector<std::string>{"host-a", "host-b/7"}));
  EXPECT_TRUE((*journal)->LoadStudies()->empty()) << "worker records are not studies";
}

TEST_F(JournalTest, ReadOnlyJournalSeesDataAndRefusesWrites) {
  {
    auto journal = RocksDbJournal::Open(dir_);
    ASSERT_TRUE(journal.ok());
    JournalBatch batch;
    batch.trials.push_back(MakeTrial(1, 0, v1::Trial::RUNNING));
    ASSERT_TRUE((*journal)->Write(batch).ok());
    // A second, read-only reader while the writer holds the journal open (the CLI beside `hyperlab run`).
    auto reader = RocksDbJournal::Open(dir_, {.read_only = true});
    ASSERT_TRUE(reader.ok()) << reader.status();
    EXPECT_EQ((*reader)->LoadTrials(1)->size(), 1u);
    EXPECT_EQ((*reader)->Write(batch).code(), absl::StatusCode::kFailedPrecondition);
    // A second writer is refused while the first holds the lock.
    EXPECT_EQ(RocksDbJournal::Open(dir_).status().code(), absl::StatusCode::kUnavailable);
  }
}

TEST_F(JournalTest, MissingJournalIsNotFoundForReaders) {
  EXPECT_EQ(RocksDbJournal::Open(dir_, {.read_only = true}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir_));
}

TEST_F(JournalTest, NewerSchemaIsRefused) {
  ASSERT_TRUE(RocksDbJournal::Open(dir_).ok());
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir_, &raw).ok());
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), keys::kSchema, std::to_string(kSchemaVersion + 1)).ok());
    delete raw;
  }
  auto journal = RocksDbJournal::Open(dir_);
  EXPECT_EQ(journal.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(journal.status().message().find("newer"), std::string::npos);
}

TEST_F(JournalTest, CorruptedRecordIsReportedWithItsKey) {
  ASSERT_TRUE(RocksDbJournal::Open(dir_).ok());
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir_, &raw).ok());
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), keys::Trial(7, 2), "\xff\xff\xff garbage").ok());
    delete raw;
  }
  auto journal = RocksDbJournal::Open(dir_);
  ASSERT_TRUE(journal.ok());
  auto trials = (*journal)->LoadTrials(7);
  EXPECT_EQ(trials.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(trials.status().message().find(keys::Trial(7, 2)), std::string::npos) << trials.status();
}

// Kill -9 a writer at an arbitrary moment: every batch it was told is written must be there after reopen.
TEST_F(JournalTest, AcknowledgedWritesSurviveKill9) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    auto journal = RocksDbJournal::Open(dir_);
    if (!journal.ok()) _exit(3);
    for (int64_t i = 0;; ++i) {
      JournalBatch batch;
      batch.trials.push_back(MakeTrial(1, i, v1::Trial::SUCCEEDED));
      if (!(*journal)->Write(batch).ok()) _exit(4);
      if (write(pipe_fds[1], &i, sizeof(i)) != sizeof(i)) _exit(5);  // Acknowledge trial i.
    }
  }
  close(pipe_fds[1]);
  int64_t acknowledged = -1, value = 0;
  while (acknowledged < 200 && read(pipe_fds[0], &value, sizeof(value)) == sizeof(value))
    acknowledged = value;
  kill(child, SIGKILL);
  while (read(pipe_fds[0], &value, sizeof(value)) == sizeof(value)) acknowledged = value;
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_GE(acknowledged, 200);

  auto journal = RocksDbJournal::Open(dir_);
  ASSERT_TRUE(journal.ok()) << journal.status();
  auto trials = (*journal)->LoadTrials(1);
  ASSERT_TRUE(trials.ok());
  ASSERT_GE(static_cast<int64_t>(trials->size()), acknowledged + 1);
  for (int64_t i = 0; i <= acknowledged; ++i) EXPECT_EQ((*trials)[i].id(), i);
}

}  // namespace
}  // namespace hyperlab::storage
