// The coordinator core: study lifecycle, the trial queue, leases, and the journal behind them.
//
// Everything the three gRPC services do is a method here; the handlers only convert (STYLE.md, point 3).
// Every change a caller is told about is written to the journal, synced, before the method returns, so a
// coordinator killed at any instant restarts (Open) with every acknowledged change.
//
// Trial lifecycle: PENDING -> RUNNING (lease) -> SUCCEEDED | FAILED | STOPPED | INFEASIBLE, and
// RUNNING -> PENDING when a lease expires (attempt + 1; FAILED once budget.max_attempts leases expired).
// A report or completion whose lease id is not the trial's current lease is refused with ABORTED.
// Leases are given round-robin across active studies (a fair share of slots), at most budget.max_parallel
// running per study. After a restart, RUNNING trials keep their leases for one lease timeout, so live
// workers re-attach with their next heartbeat; the others expire and are requeued.
//
// No experiment runs twice (coordinator/fingerprint.h): a suggested trial whose fingerprint has a succeeded
// trial in any study is recorded as SUCCEEDED with `reused_from` and its metrics, and not dispatched; one
// whose fingerprint is running somewhere waits (`waiting_for`) and takes that result, or runs itself if
// that trial fails. The fingerprint indexes are derived from the journaled trials at Open.
//
// Example:
//   ASSIGN_OR_RETURN(auto core, Coordinator::Open(journal.get(), &clock, {}));
//   ASSIGN_OR_RETURN(auto created, core->CreateStudy(spec));
//   core->RegisterWorker(info);
//   ASSIGN_OR_RETURN(auto leases, core->Acquire(info.id(), 2));
//
// Thread safety: all methods are safe to call concurrently.
#ifndef HYPERLAB_COORDINATOR_COORDINATOR_H_
#define HYPERLAB_COORDINATOR_COORDINATOR_H_

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "coordinator/clock.h"
#include "coordinator/event_log.h"
#include "coordinator/metrics.h"
#include "coordinator/study_state.h"
#include "hyperlab/v1/services.pb.h"
#include "storage/journal.h"

namespace hyperlab::coordinator {

struct CoordinatorOptions {
  // A lease lasts this long after the last heartbeat. Default 30 s.
  int64_t lease_timeout_ms = 30'000;
  // Most trials one Acquire call may lease. Default 256.
  int max_acquire = 256;
  // Most items in one Report or Complete call. Default 1024.
  int max_batch = 1024;
  // Most workers registered at once; one more is RESOURCE_EXHAUSTED. Default 10000.
  int max_workers = 10000;
  // Structured event log (study, trial and worker events); null: none. Must outlive the coordinator.
  EventLog* log = nullptr;
  // Journal write and suggest latencies, lease expiries; null: none. Must outlive the coordinator.
  CoordinatorMetrics* metrics = nullptr;
};

// Counts of what the journal holds (StorageStats without the disk figures).
struct JournalCounts {
  int64_t studies = 0;
  int64_t trials = 0;
  int64_t measurements = 0;
};

class Coordinator {
 public:
  // Loads every study and trial from `journal`. The journal and clock must outlive the coordinator.
  // DATA_LOSS or UNAVAILABLE when the journal cannot be read.
  static absl::StatusOr<std::unique_ptr<Coordinator>> Open(storage::Journal* journal, const Clock* clock,
                                                           CoordinatorOptions options = {});

  // --- Studies. `ref` is a study's id or its unique name; NOT_FOUND when it names none.

  // Validates the spec (INVALID_ARGUMENT naming the field), fills its defaults and creates the study.
  // The same name with the same spec returns the existing study and `true` (a spec that differs only in
  // its budget updates the budget, as SetStudyBudget); a different spec under a taken name is
  // ALREADY_EXISTS. UNIMPLEMENTED for a strategy not built yet. `warnings` (may be null) receives notes
  // for the submitter, e.g. another study with the same task and search space, or that no registered
  // worker can run its task (worker_capability.h; not said when no worker is registered at all).
  absl::StatusOr<std::pair<v1::Study, bool>> CreateStudy(const v1::StudySpec& spec,
                                                         std::vector<std::string>* warnings = nullptr);
  absl::StatusOr<v1::Study> GetStudy(absl::string_view ref) const;
  // Every study, or those whose spec has `tag` when it is not empty.
  std::vector<v1::Study> ListStudies(absl::string_view tag = "") const;
  // Ends an active or paused study: pending and running trials become CANCELLED. FAILED_PRECONDITION when
  // the study has already ended.
  absl::StatusOr<v1::Study> CancelStudy(absl::string_view ref);
  // Stops dispatching (running trials finish). FAILED_PRECONDITION unless ACTIVE.
  absl::StatusOr<v1::Study> PauseStudy(absl::string_view ref);
  // FAILED_PRECONDITION unless PAUSED.
  absl::StatusOr<v1::Study> ResumeStudy(absl::string_view ref);
  // Sets budget.max_trials; a COMPLETED study with room left becomes ACTIVE again. INVALID_ARGUMENT below
  // the trials already created; FAILED_PRECONDITION for a failed or cancelled study.
  absl::StatusOr<v1::Study> SetStudyBudget(absl::string_view ref, int32_t max_trials);
  // Records (replaces) the study's conclusion, in any state. INVALID_ARGUMENT when empty.
  absl::StatusOr<v1::Study> ConcludeStudy(absl::string_view ref, const std::string& conclusion);
  // Appends a note to a trial, in any state. INVALID_ARGUMENT when empty; NOT_FOUND for an unknown trial;
  // RESOURCE_EXHAUSTED past kMaxNotesPerTrial notes.
  absl::StatusOr<v1::Trial> AddTrialNote(absl::string_view ref, int64_t trial_id, const std::string& text);
  // Writes a consistent checkpoint of the journal into `dir` (see storage::Journal::Checkpoint).
  absl::StatusOr<int64_t> Backup(const std::string& dir);
  absl::StatusOr<std::vector<v1::TrialWithMeasurements>> ListTrials(absl::string_view ref,
                                                                    bool with_measurements) const;
  // NOT_FOUND when no trial has succeeded yet.
  absl::StatusOr<v1::Trial> BestTrial(absl::string_view ref) const;
  // Waits until the study's version differs from `seen_version` or `timeout_ms` passes (real time), then
  // returns the study and its version.
  absl::StatusOr<std::pair<v1::Study, uint64_t>> WaitForChange(absl::string_view ref, uint64_t seen_version,
                                                               int64_t timeout_ms) const;

  // --- Workers.

  // Records (or refreshes) a worker. INVALID_ARGUMENT for an empty id or non-positive slots;
  // FAILED_PRECONDITION for a worker evicted since this coordinator started; RESOURCE_EXHAUSTED for a new
  // worker beyond options.max_workers. A drained worker stays drained when it registers again.
  //
  // `principal` is the NAME of the caller's token ("" without authentication). A worker id belongs to the
  // principal that first registered it: registering it again, or acting as it (Acquire, Report, Complete),
  // under another principal is PERMISSION_DENIED, so one token cannot take over another's trials.
  absl::Status RegisterWorker(const v1::WorkerInfo& info, absl::string_view principal = "");
  // Leases up to `max_trials` trials to the worker (none to a drained one). NOT_FOUND for an unregistered
  // worker.
  absl::StatusOr<std::vector<v1::Assignment>> Acquire(absl::string_view worker_id, int max_trials,
                                                      absl::string_view principal = "");
  // Heartbeats and measurements; one result per report. NOT_FOUND for an unregistered worker.
  absl::StatusOr<std::vector<v1::TrialReportResult>> Report(absl::string_view worker_id,
                                                            const std::vector<v1::TrialReport>& reports,
                                                            absl::string_view principal = "");
  // Final results; one status per completion (ABORTED for a lease no longer held).
  absl::StatusOr<std::vector<v1::ItemStatus>> Complete(absl::string_view worker_id,
                                                       const std::vector<v1::TrialCompletion>& completions,
                                                       absl::string_view principal = "");
  // Requeues (or fails) every RUNNING trial whose lease has expired by the clock. Called periodically.
  absl::Status ExpireLeases();

  // --- Admin.

  // Version, uptime, studies and workers (GetStatusResponse without build and storage, which the server
  // fills).
  v1::GetStatusResponse Status() const;
  std::vector<v1::WorkerStatus> Workers() const;
  // Whether the worker has been drained (false for an unknown worker).
  bool IsDraining(absl::string_view worker_id) const;
  // Drains (or, with `drain` false, undrains) a worker: a drained worker gets no new trials; its running
  // trials finish as usual. Journaled: a drained worker that registers again, also with a restarted
  // coordinator, stays drained until undrained. NOT_FOUND for a worker neither registered nor drained;
  // UNAVAILABLE (nothing changed) when the journal refuses.
  absl::StatusOr<v1::WorkerStatus> DrainWorker(absl::string_view worker_id, bool drain);
  // Forgets the worker and requeues its running trials at once (their leases are revoked: late reports
  // get ABORTED). It may not register again until this coordinator restarts. NOT_FOUND for an unknown
  // worker; UNAVAILABLE (nothing changed) when the journal refuses.
  absl::StatusOr<std::vector<v1::LeaseRef>> EvictWorker(absl::string_view worker_id);
  // Puts a RUNNING, FAILED, STOPPED, INFEASIBLE or CANCELLED trial back to PENDING (a running one loses its
  // lease), with reason "requeued by an operator: <reason>". A COMPLETED study is reopened.
  // FAILED_PRECONDITION for a SUCCEEDED trial (its result stands), a PENDING one, or a study that FAILED
  // or was CANCELLED; NOT_FOUND for an unknown study or trial.
  absl::StatusOr<v1::Trial> RequeueTrial(absl::string_view study, int64_t trial_id, absl::string_view reason);
  // Marks a PENDING or RUNNING trial FAILED with reason "failed by an operator: <reason>" (its lease is
  // revoked). FAILED_PRECONDITION for a trial that has finished or a study that has ended.
  absl::StatusOr<v1::Trial> FailTrial(absl::string_view study, int64_t trial_id, absl::string_view reason);
  JournalCounts CountJournal() const;

  int64_t lease_timeout_ms() const { return options_.lease_timeout_ms; }

 private:
  using TrialKey = std::pair<int64_t, int64_t>;  // (study id, trial id)

  struct WorkerRecord {
    v1::WorkerInfo info;
    int64_t last_seen_ms = 0;
    bool draining = false;
    std::string principal;  // The token NAME it registered with.
  };

  Coordinator(storage::Journal* journal, const Clock* clock, CoordinatorOptions options)
      : journal_(journal), clock_(clock), options_(options), start_ms_(clock->NowMs()) {}

  absl::StatusOr<StudyState*> FindLocked(absl::string_view ref) const;
  absl::StatusOr<StudyState*> FindLocked(int64_t study_id) const;
  // Checks that `lease` names the trial's current lease. ABORTED when not; FAILED_PRECONDITION when the
  // study has ended.
  absl::StatusOr<StudyState*> CheckLeaseLocked(const v1::LeaseRef& lease) const;
  // Adds the study's end to `batch` when its trials say it is over (finished or too many failed).
  void MaybeEndStudyLocked(StudyState& state, storage::JournalBatch& batch, int64_t now_ms) const;
  // Adds to `batch` what the transitions in it mean for trials waiting on a twin: a success is reused, a
  // failure releases the first waiter to run (the others then wait for it).
  void ResolveWaitersLocked(storage::JournalBatch& batch, int64_t now_ms) const;
  // Keeps the fingerprint indexes in step with a trial's change (`before` is null for a new trial).
  void IndexLocked(const v1::Trial* before, const v1::Trial& after);
  // Creates up to `count` new trials of `state` from the strategy and leases those that must run to
  // `worker_id`, appending them to `leased`; reuses and waiters do not count against `count`.
  absl::Status SuggestAndLeaseLocked(StudyState& state, int count, absl::string_view worker_id,
                                     int64_t now_ms, std::vector<TrialKey>& leased);
  // Gives `trial` a new lease for `worker_id`.
  void Lease(v1::Trial& trial, absl::string_view worker_id, int64_t now_ms) const;
  // Sets the budget and, when that changes whether the study has room, its state.
  absl::Status SetBudgetLocked(StudyState& state, const v1::Budget& budget);
  // Ends a study: its pending and running trials become CANCELLED in `batch`.
  void EndStudyLocked(StudyState& state, v1::Study::State end, const std::string& reason,
                      storage::JournalBatch& batch, int64_t now_ms) const;
  // Completes `batch` with its consequences for waiting trials, writes it to the journal, applies it to
  // memory, wakes watchers, then ends (in a further commit) the studies it finished. UNAVAILABLE (nothing
  // changed) when the journal refuses.
  absl::Status CommitLocked(storage::JournalBatch batch);
  // The registered worker, seen now. NOT_FOUND when unregistered; PERMISSION_DENIED when `principal` is
  // not the one it registered with.
  absl::StatusOr<WorkerRecord*> TouchWorkerLocked(absl::string_view worker_id, absl::string_view principal);
  // The study and trial an admin call names. NOT_FOUND for either unknown.
  absl::StatusOr<std::pair<StudyState*, const v1::Trial*>> FindTrialLocked(absl::string_view study,
                                                                           int64_t trial_id) const;
  // Writes the batch through the journal, timing it when metrics are on.
  absl::Status WriteJournal(const storage::JournalBatch& batch);

  storage::Journal* const journal_;
  const Clock* const clock_;
  const CoordinatorOptions options_;
  const int64_t start_ms_;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::map<int64_t, std::unique_ptr<StudyState>> studies_;     // GUARDED_BY(mu_)
  std::map<std::string, int64_t, std::less<>> study_by_name_;  // GUARDED_BY(mu_)
  std::map<std::string, WorkerRecord, std::less<>> workers_;   // GUARDED_BY(mu_)
  std::set<std::string, std::less<>> evicted_;                 // GUARDED_BY(mu_)
  std::set<std::string, std::less<>> drained_;                 // GUARDED_BY(mu_); as journaled
  int64_t next_study_id_ = 1;                                  // GUARDED_BY(mu_)
  // Fingerprint -> the trial that computed that result / the trial computing it now. GUARDED_BY(mu_)
  std::unordered_map<std::string, TrialKey> done_by_fingerprint_;
  std::unordered_map<std::string, TrialKey> inflight_by_fingerprint_;
  std::map<TrialKey, std::set<TrialKey>> waiters_;  // Running trial -> trials waiting for it. GUARDED_BY(mu_)
  int64_t round_robin_ = 0;  // The study id after which the next Acquire starts. GUARDED_BY(mu_)
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_COORDINATOR_H_
