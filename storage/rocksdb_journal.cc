#include "storage/rocksdb_journal.h"

#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"
#include "common/base/status_macros.h"
#include "storage/keys.h"

namespace hyperlab::storage {
namespace {

// Maps a RocksDB failure to the caller's rule: a disk that refuses is UNAVAILABLE (retry later), a
// damaged record is DATA_LOSS.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat(what, ": ", s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  return absl::UnavailableError(message);
}

template <typename Message>
void Put(rocksdb::WriteBatch& wb, const std::string& key, const Message& message) {
  wb.Put(key, message.SerializeAsString());
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbJournal>> RocksDbJournal::Open(const std::string& dir,
                                                                     const JournalOptions& options) {
  const bool exists = std::filesystem::exists(std::filesystem::path(dir) / "CURRENT");
  if (!exists && (options.read_only || !options.create_if_missing)) {
    return absl::NotFoundError(absl::StrCat("no journal in ", dir));
  }
  rocksdb::Options rocks;
  rocks.create_if_missing = true;
  rocks.paranoid_checks = true;
  rocks.keep_log_file_num = 3;
  rocks.max_log_file_size = 4 << 20;
  // Restart time: replay the write-ahead log into memory instead of flushing it to a table first, and keep
  // memtables small enough that the log to replay stays short.
  rocks.avoid_flush_during_recovery = true;
  rocks.write_buffer_size = 16 << 20;
  // Durability::kLogged relies on both (the defaults, set so nobody changes them unawares): every write
  // reaches the log file before Write returns, and after a power loss the log is replayed up to its first
  // torn record, so the journal is a prefix of what was written.
  rocks.manual_wal_flush = false;
  rocks.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options.read_only) {
    s = rocksdb::DB::OpenForReadOnly(rocks, dir, &raw);
  } else {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return absl::UnavailableError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
    // The journal holds every user's studies: the coordinator's user only, whatever the umask.
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    if (ec)
      return absl::UnavailableError(absl::StrCat("cannot restrict ", dir, " to its owner: ", ec.message()));
    s = rocksdb::DB::Open(rocks, dir, &raw);
  }
  RETURN_IF_ERROR(FromRocks(s, absl::StrCat("opening journal ", dir)));
  std::unique_ptr<RocksDbJournal> journal(
      new RocksDbJournal(std::unique_ptr<rocksdb::DB>(raw), dir, options.read_only));
  RETURN_IF_ERROR(journal->CheckSchema());
  return journal;
}

absl::Status RocksDbJournal::CheckSchema() {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::kSchema, &value);
  if (s.IsNotFound()) {
    if (read_only_) return absl::OkStatus();  // An empty journal, read before its first write.
    rocksdb::WriteOptions sync;
    sync.sync = true;
    return FromRocks(db_->Put(sync, keys::kSchema, absl::StrCat(kSchemaVersion)), "writing schema version");
  }
  RETURN_IF_ERROR(FromRocks(s, "reading schema version"));
  int version = 0;
  if (!absl::SimpleAtoi(value, &version)) {
    return absl::DataLossError(absl::StrCat(dir_, ": unreadable schema version '", value, "'"));
  }
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(dir_, ": journal schema version ", version,
                                                      " is newer than this build's ", kSchemaVersion,
                                                      "; use a newer hyperlab"));
  }
  return absl::OkStatus();
}

void RocksDbJournal::Encode(const JournalBatch& batch, rocksdb::WriteBatch& wb) {
  for (const v1::Study& study : batch.studies) {
    v1::Study stored = study;
    stored.clear_counts();  // Derived from the trials at load.
    Put(wb, keys::Study(study.id()), stored);
  }
  for (const v1::Trial& trial : batch.trials) Put(wb, keys::Trial(trial.study_id(), trial.id()), trial);
  for (const MeasurementRecord& m : batch.measurements) {
    Put(wb, keys::Measurement(m.study_id, m.trial_id, m.seq), m.measurement);
  }
  for (const auto& [study_id, state] : batch.searcher_states) wb.Put(keys::SearcherState(study_id), state);
  for (const auto& [worker_id, drained] : batch.worker_drains) {
    if (drained) {
      wb.Put(keys::DrainedWorker(worker_id), "drained");
    } else {
      wb.Delete(keys::DrainedWorker(worker_id));
    }
  }
  for (const auto& [worker_id, owner] : batch.worker_owners) wb.Put(keys::WorkerOwner(worker_id), owner);
  for (int64_t id : batch.deleted_studies) {
    wb.Delete(keys::Study(id));
    wb.Delete(keys::SearcherState(id));
    wb.DeleteRange(keys::TrialPrefix(id), keys::TrialsEnd(id));
    wb.DeleteRange(keys::MeasurementsBegin(id), keys::MeasurementsEnd(id));
  }
}

absl::Status RocksDbJournal::Write(const JournalBatch& batch) { return WriteGroup({&batch}); }

absl::Status RocksDbJournal::WriteGroup(const std::vector<const JournalBatch*>& batches) {
  if (read_only_) return absl::FailedPreconditionError(absl::StrCat("journal ", dir_, " is open read-only"));
  rocksdb::WriteBatch wb;
  bool sync = false;
  for (const JournalBatch* batch : batches) {
    Encode(*batch, wb);
    sync = sync || batch->durability == Durability::kSynced;
  }
  if (wb.Count() == 0) return absl::OkStatus();
  rocksdb::WriteOptions options;
  // Unsynced, the batch is still written to the log file before Write returns (manual_wal_flush is off):
  // a process crash keeps it; a sync (this one or any later) makes it and everything before it durable.
  options.sync = sync;
  RETURN_IF_ERROR(FromRocks(db_->Write(options, &wb), "writing journal"));
  // A deleted study's space comes back now, not at some later compaction (best effort: the delete itself
  // is durable already).
  for (const JournalBatch* batch : batches) {
    for (int64_t id : batch->deleted_studies) {
      for (const auto& [begin, end] : {std::pair{keys::TrialPrefix(id), keys::TrialsEnd(id)},
                                       std::pair{keys::MeasurementsBegin(id), keys::MeasurementsEnd(id)}}) {
        const rocksdb::Slice b(begin), e(end);
        db_->CompactRange(rocksdb::CompactRangeOptions(), &b, &e).PermitUncheckedError();
      }
    }
  }
  return absl::OkStatus();
}

template <typename Message>
absl::StatusOr<std::vector<Message>> RocksDbJournal::Scan(const std::string& prefix) {
  std::vector<Message> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    Message message;
    if (!message.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("journal ", dir_, ": corrupted record at key '", it->key().ToString(), "'"));
    }
    out.push_back(std::move(message));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), absl::StrCat("scanning ", prefix)));
  return out;
}

absl::StatusOr<std::vector<v1::Study>> RocksDbJournal::LoadStudies() {
  return Scan<v1::Study>(keys::kStudyPrefix);
}

absl::StatusOr<std::vector<v1::Trial>> RocksDbJournal::LoadTrials(int64_t study_id) {
  return Scan<v1::Trial>(keys::TrialPrefix(study_id));
}

absl::StatusOr<std::vector<v1::Measurement>> RocksDbJournal::LoadMeasurements(int64_t study_id,
                                                                              int64_t trial_id) {
  return Scan<v1::Measurement>(keys::MeasurementPrefix(study_id, trial_id));
}

absl::StatusOr<std::string> RocksDbJournal::LoadSearcherState(int64_t study_id) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::SearcherState(study_id), &value);
  if (s.IsNotFound()) return std::string();
  RETURN_IF_ERROR(FromRocks(s, "reading searcher state"));
  return value;
}

absl::StatusOr<std::vector<std::string>> RocksDbJournal::LoadDrainedWorkers() {
  const std::string prefix = keys::kDrainedWorkerPrefix;
  std::vector<std::string> ids;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ids.push_back(it->key().ToString().substr(prefix.size()));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), absl::StrCat("scanning ", prefix)));
  return ids;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> RocksDbJournal::LoadWorkerOwners() {
  const std::string prefix = keys::kWorkerOwnerPrefix;
  std::vector<std::pair<std::string, std::string>> owners;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    owners.emplace_back(it->key().ToString().substr(prefix.size()), it->value().ToString());
  }
  RETURN_IF_ERROR(FromRocks(it->status(), absl::StrCat("scanning ", prefix)));
  return owners;
}

absl::StatusOr<int64_t> RocksDbJournal::Checkpoint(const std::string& dir) {
  if (std::filesystem::exists(dir)) return absl::AlreadyExistsError(absl::StrCat(dir, " already exists"));
  rocksdb::Checkpoint* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // A log size of 0 flushes the memtable first, so the copy is complete without replaying a WAL.
  RETURN_IF_ERROR(FromRocks(checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0),
                            absl::StrCat("writing checkpoint to ", dir)));
  // A backup holds every study and trial: readable by the coordinator's user only, whatever the umask.
  std::error_code ec;
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  if (ec)
    return absl::UnavailableError(absl::StrCat("cannot restrict ", dir, " to its owner: ", ec.message()));
  int64_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      std::filesystem::permissions(
          entry.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
    }
    if (entry.is_regular_file()) bytes += static_cast<int64_t>(entry.file_size());
  }
  return bytes;
}

}  // namespace hyperlab::storage
