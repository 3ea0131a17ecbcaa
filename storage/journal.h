// The journal: the durable record of studies, trials, measurements and searcher state.
//
// The coordinator keeps its working state in memory and records every change here before telling anyone
// about it: a `JournalBatch` is written atomically to the write-ahead log before `Write` returns OK, and
// synced (fsync) first unless the batch is `Durability::kLogged`. What survives:
//   - a process crash (kill -9): every batch whose Write returned OK;
//   - a machine crash or power loss: every batch up to the last synced one; of the logged batches written
//     after it, a prefix (the log is sequential: a sync makes everything before it durable). The coordinator
//     logs without a sync only what it can lose this way without harm (a lease grant, an intermediate
//     measurement: see coordinator/study_groups.cc);
//   - a batch whose Write returned an error: nothing of it (batches are all-or-nothing).
// The RocksDB implementation (storage/rocksdb_journal.h) is the product; the interface exists so tests can
// inject faults.
//
// Example:
//   JournalBatch batch;
//   batch.trials.push_back(trial);
//   RETURN_IF_ERROR(journal.Write(batch));   // durable from here on
//
// Thread safety: implementations are safe for concurrent use. Concurrent Write calls may become durable
// in any order; a caller that needs an order (and shared syncs) uses WriteGroup or JournalCommitter.
#ifndef HYPERLAB_STORAGE_JOURNAL_H_
#define HYPERLAB_STORAGE_JOURNAL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hyperlab/v1/study.pb.h"

namespace hyperlab::storage {

// The schema of the records this build writes. Opening a journal written by a newer schema fails.
inline constexpr int kSchemaVersion = 1;

struct MeasurementRecord {
  int64_t study_id = 0;
  int64_t trial_id = 0;
  int32_t seq = 0;  // 0, 1, 2, ... per trial.
  v1::Measurement measurement;
};

// How durable a write is when Write returns: kSynced survives a power loss, kLogged a process crash (and a
// power loss once any later synced write returned).
enum class Durability { kSynced, kLogged };

// A set of records written all-or-nothing. A record with the key of an existing one replaces it.
struct JournalBatch {
  Durability durability = Durability::kSynced;
  std::vector<v1::Study> studies;  // `counts`, `best_*` and `planned_trials` are derived; not relied upon.
  std::vector<v1::Trial> trials;
  std::vector<MeasurementRecord> measurements;
  std::vector<std::pair<int64_t, std::string>> searcher_states;  // (study id, state bytes)
  // (worker id, drained): an operator's drain, kept across restarts; false removes it.
  std::vector<std::pair<std::string, bool>> worker_drains;
  // (worker id, token NAME): which token owns a worker id, kept across restarts (never removed).
  std::vector<std::pair<std::string, std::string>> worker_owners;
  // Studies deleted with everything they hold (trials, measurements, searcher state); applied after the
  // records above, and their space is given back.
  std::vector<int64_t> deleted_studies;

  bool empty() const {
    return studies.empty() && trials.empty() && measurements.empty() && searcher_states.empty() &&
           worker_drains.empty() && worker_owners.empty() && deleted_studies.empty();
  }
};

class Journal {
 public:
  virtual ~Journal() = default;

  // Writes `batch` atomically, synced unless it is kLogged. UNAVAILABLE when the disk refuses (full, I/O
  // error): nothing of the batch is stored and the caller may retry. FAILED_PRECONDITION on a read-only
  // journal.
  virtual absl::Status Write(const JournalBatch& batch) = 0;
  // Writes several batches as one atomic write (one sync, or none when every batch is kLogged), in order: a
  // later batch's record replaces an earlier one's with the same key. Group commit
  // (coordinator/journal_committer.h) uses it. The default merges them and calls Write.
  virtual absl::Status WriteGroup(const std::vector<const JournalBatch*>& batches);

  // All studies, by increasing id. DATA_LOSS naming the key when a record cannot be decoded.
  virtual absl::StatusOr<std::vector<v1::Study>> LoadStudies() = 0;
  // The trials of one study, by increasing trial id.
  virtual absl::StatusOr<std::vector<v1::Trial>> LoadTrials(int64_t study_id) = 0;
  // The intermediate measurements of one trial, in the order they were written.
  virtual absl::StatusOr<std::vector<v1::Measurement>> LoadMeasurements(int64_t study_id,
                                                                        int64_t trial_id) = 0;
  // The searcher state of a study; empty when none was written.
  virtual absl::StatusOr<std::string> LoadSearcherState(int64_t study_id) = 0;
  // The ids of the workers an operator drained (and did not undrain), in id order.
  virtual absl::StatusOr<std::vector<std::string>> LoadDrainedWorkers() = 0;
  // (worker id, token NAME) of every worker id ever registered, in id order.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadWorkerOwners() = 0;

  // Writes a consistent point-in-time copy of the journal into `dir`, which must not exist; a journal opened
  // on `dir` sees every batch written before the call. Returns the bytes in `dir`. ALREADY_EXISTS when `dir`
  // exists; UNAVAILABLE when it cannot be written.
  virtual absl::StatusOr<int64_t> Checkpoint(const std::string& dir) = 0;

  virtual bool read_only() const = 0;
};

}  // namespace hyperlab::storage

#endif  // HYPERLAB_STORAGE_JOURNAL_H_
