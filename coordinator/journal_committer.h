// Group commit: concurrent callers' journal batches share one write and one sync.
//
// An fdatasync costs milliseconds; one per call caps the coordinator at a few hundred changes a second.
// Callers that reach Commit while a write is in progress queue up; the first of them then writes every
// queued batch as one atomic, synced journal write (Journal::WriteGroup) and tells all of them. Batches
// become durable in the order their Commit calls entered, and a group that the journal refuses fails every
// batch in it (nothing of it is stored), so each caller's contract is that of Journal::Write: nothing is
// acknowledged before it is synced, and a refused write changes nothing.
//
// Example:
//   JournalCommitter committer(journal, metrics, log);
//   RETURN_IF_ERROR(committer.Commit(batch));  // durable from here on
//
// Thread safety: Commit may be called concurrently; that is its purpose.
#ifndef HYPERLAB_COORDINATOR_JOURNAL_COMMITTER_H_
#define HYPERLAB_COORDINATOR_JOURNAL_COMMITTER_H_

#include <cstdint>
#include <deque>

#include "absl/status/status.h"
#include "coordinator/event_log.h"
#include "coordinator/metrics.h"
#include "coordinator/mutex.h"
#include "storage/journal.h"

namespace hyperlab::coordinator {

class JournalCommitter {
 public:
  // `journal` must outlive the committer; `metrics` and `log` may be null.
  JournalCommitter(storage::Journal* journal, CoordinatorMetrics* metrics, EventLog* log)
      : journal_(journal), metrics_(metrics), log_(log) {}

  // Writes `batch` durably, possibly together with other callers' batches. An empty batch is OK at once.
  // UNAVAILABLE (nothing of the batch stored) when the journal refuses the write.
  absl::Status Commit(const storage::JournalBatch& batch);

  // Journal writes issued so far (each one sync) and batches committed through them.
  int64_t writes() const;
  int64_t batches() const;
  // Batches waiting for or in a write now.
  int64_t queued() const;

 private:
  struct Writer {
    const storage::JournalBatch* batch;
    absl::Status status;
    bool done = false;
    CondVar cv;  // Signalled when done or first in the queue.
  };

  storage::Journal* const journal_;
  CoordinatorMetrics* const metrics_;
  EventLog* const log_;
  mutable Mutex mu_;
  std::deque<Writer*> queue_ ABSL_GUARDED_BY(mu_);  // Front: the writer writing now (or next).
  int64_t writes_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t batches_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_JOURNAL_COMMITTER_H_
