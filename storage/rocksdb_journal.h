// The journal on RocksDB: one database directory, protobuf values under the keys of storage/keys.h.
//
// Every Write is a RocksDB WriteBatch with `WriteOptions::sync = true`; RocksDB's write thread merges
// concurrent synced writers into one WAL append and one fsync (group commit). Opening checks the schema
// version: a journal from a newer Hyperlab is refused with FAILED_PRECONDITION, never misread.
// Read-only mode opens a journal that another process (a running coordinator) may be writing, and sees it
// as of the moment of opening.
// Thread safety: safe for concurrent use.
#ifndef HYPERLAB_STORAGE_ROCKSDB_JOURNAL_H_
#define HYPERLAB_STORAGE_ROCKSDB_JOURNAL_H_

#include <memory>
#include <string>

#include "rocksdb/db.h"
#include "storage/journal.h"

namespace hyperlab::storage {

struct JournalOptions {
  // Open for reading only; Write fails with FAILED_PRECONDITION. Default false.
  bool read_only = false;
  // Create the directory and an empty journal when none exists. Default true (ignored when read_only).
  bool create_if_missing = true;
};

class RocksDbJournal : public Journal {
 public:
  // Opens (or creates) the journal in `dir`. NOT_FOUND when there is none and it may not be created;
  // UNAVAILABLE when the directory is locked by another process or cannot be written; FAILED_PRECONDITION
  // for a newer schema version.
  static absl::StatusOr<std::unique_ptr<RocksDbJournal>> Open(const std::string& dir,
                                                              const JournalOptions& options = {});

  absl::Status Write(const JournalBatch& batch) override;
  absl::Status WriteGroup(const std::vector<const JournalBatch*>& batches) override;
  absl::StatusOr<std::vector<v1::Study>> LoadStudies() override;
  absl::StatusOr<std::vector<v1::Trial>> LoadTrials(int64_t study_id) override;
  absl::StatusOr<std::vector<v1::Measurement>> LoadMeasurements(int64_t study_id, int64_t trial_id) override;
  absl::StatusOr<std::string> LoadSearcherState(int64_t study_id) override;
  absl::StatusOr<std::vector<std::string>> LoadDrainedWorkers() override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadWorkerOwners() override;
  absl::StatusOr<int64_t> Checkpoint(const std::string& dir) override;
  bool read_only() const override { return read_only_; }

 private:
  RocksDbJournal(std::unique_ptr<rocksdb::DB> db, std::string dir, bool read_only)
      : db_(std::move(db)), dir_(std::move(dir)), read_only_(read_only) {}

  absl::Status CheckSchema();
  // Appends `batch`'s records to `wb`.
  static void Encode(const JournalBatch& batch, rocksdb::WriteBatch& wb);
  // Decodes every record whose key starts with `prefix` into `Message`, in key order.
  template <typename Message>
  absl::StatusOr<std::vector<Message>> Scan(const std::string& prefix);

  std::unique_ptr<rocksdb::DB> db_;
  std::string dir_;
  bool read_only_;
};

}  // namespace hyperlab::storage

#endif  // HYPERLAB_STORAGE_ROCKSDB_JOURNAL_H_
