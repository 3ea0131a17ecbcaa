// The coordinator core: study lifecycle, the trial queue, leases, and the journal behind them.
//
// Everything the three gRPC services do is a method here; the handlers only convert (docs/architecture.md,
// rule 3). Every change a caller is told about is written to the journal, synced, before the method returns,
// so a coordinator killed at any instant restarts (Open) with every acknowledged change.
//
// Trial lifecycle: PENDING -> RUNNING (lease) -> SUCCEEDED | FAILED | STOPPED | INFEASIBLE, and
// RUNNING -> PENDING when a lease expires (attempt + 1; FAILED once budget.max_attempts leases expired).
// A report or completion must name the trial's current lease id AND come from the worker that holds it;
// otherwise ABORTED. Lease ids are 128-bit CSPRNG values (lease_id.h). Leases are given round-robin
// across active studies (a fair share of slots), at most budget.max_parallel running per study. After a
// restart, RUNNING trials keep their leases for one lease timeout, so live workers re-attach with their
// next heartbeat; the others expire and are requeued.
//
// No experiment runs twice (dedup_index.h): a suggested trial whose fingerprint has a succeeded or a
// running twin in any study waits for it (`waiting_for`), then is recorded as SUCCEEDED with
// `reused_from` and its metrics, or runs itself if the twin failed.
//
// Concurrency (docs/scale.md): each study is a StudyShard with its own lock; its changes run in groups
// that share one synced journal write, and groups of different studies share syncs too
// (journal_committer.h). A strategy whose suggestions depend on results (bayesian: a GP fit takes
// 100 ms and more) never runs under a lock: its suggestions are prepared on a small executor from the
// history at the moment they are asked for, and an Acquire takes what is ready (waiting at most
// options.acquire_wait_ms, holding nothing, when no study had anything). Grid and random points are
// O(parameters) functions of the trial's index, computed under the study's lock. Workers live in their own
// registry (worker_registry.h). Lock order: create_mu_ -> a shard's mu -> registry_mu_ / dedup index /
// committer (leaves). No thread holds two shards' locks at once.
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

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/base/clock.h"
#include "coordinator/change_notifier.h"
#include "coordinator/dedup_index.h"
#include "coordinator/event_log.h"
#include "coordinator/journal_committer.h"
#include "coordinator/metrics.h"
#include "coordinator/mutex.h"
#include "coordinator/study_shard.h"
#include "coordinator/study_state.h"
#include "coordinator/task_pool.h"
#include "coordinator/worker_registry.h"
#include "hyperlab/v1/services.pb.h"
#include "searcher/strategy.h"
#include "storage/journal.h"

namespace hyperlab::coordinator {

struct StudyGroup;

struct CoordinatorOptions {
  // A lease lasts this long after the last heartbeat. Default 30 s.
  int64_t lease_timeout_ms = 30'000;
  // Most trials one Acquire call may lease. Default 256.
  int max_acquire = 256;
  // Most items in one Report or Complete call. Default 1024.
  int max_batch = 1024;
  // Most workers registered at once; one more is RESOURCE_EXHAUSTED. Default 10000.
  int max_workers = 10000;
  // When no study had a trial ready but suggestions are being prepared, an Acquire waits this long (real
  // time, holding no lock) for them before answering with nothing. Default 1000 ms.
  int64_t acquire_wait_ms = 1000;
  // Threads preparing suggestions (strategies run only there). Default 1.
  int suggest_threads = 1;
  // Structured event log (study, trial and worker events); null: none. Must outlive the coordinator.
  EventLog* log = nullptr;
  // Journal write and suggest latencies, lease expiries; null: none. Must outlive the coordinator.
  CoordinatorMetrics* metrics = nullptr;
  // Told after every durable change of a study (WatchStudy, the dashboard); null: none. Must outlive it.
  ChangeNotifier* notifier = nullptr;
  // Makes a study's strategy; null: searcher::MakeStrategy. Tests use it to inject slow strategies.
  std::function<absl::StatusOr<std::unique_ptr<searcher::Strategy>>(const searcher::SearchSpace&,
                                                                    const searcher::AlgorithmConfig&)>
      strategy_factory;
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
  ~Coordinator();

  // --- Studies. `ref` is a study's id or its unique name; NOT_FOUND when it names none.

  // Validates the spec (INVALID_ARGUMENT naming the field), fills its defaults and creates the study.
  // The same name with the same spec returns the existing study and `true` (a spec that differs only in
  // its budget updates the budget, as SetStudyBudget); a different spec under a taken name is
  // ALREADY_EXISTS. RESOURCE_EXHAUSTED when `principal` (the submitter's token NAME) has
  // kMaxOpenStudiesPerSubmitter studies not ended. `warnings` (may be null) receives notes for the
  // submitter. The coordinator never reads the data files a spec names (workers digest them).
  absl::StatusOr<std::pair<v1::Study, bool>> CreateStudy(const v1::StudySpec& spec,
                                                         std::vector<std::string>* warnings = nullptr,
                                                         absl::string_view principal = "");
  absl::StatusOr<v1::Study> GetStudy(absl::string_view ref) const;
  // Every study, or those whose spec has `tag` when it is not empty.
  std::vector<v1::Study> ListStudies(absl::string_view tag = "") const;
  // Ends an active or paused study: pending and running trials become CANCELLED. FAILED_PRECONDITION when
  // the study has already ended.
  absl::StatusOr<v1::Study> CancelStudy(absl::string_view ref);
  // Deletes a study and everything it holds from memory and the journal (its space is given back); its
  // name may be used again, and nothing is reused from its trials any more (trials of other studies that
  // reused them keep their results and `reused_from`). A study not ended is cancelled first.
  // FAILED_PRECONDITION while trials run, unless `force` (which cancels them). Returns the trials deleted.
  absl::StatusOr<int64_t> DeleteStudy(absl::string_view ref, bool force);
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
  // Adds a trial with the parameters the user chose (enqueue.cc): PENDING, the study's next id, leased
  // before any new suggestion; `note` (when not empty) is its first note. Returns the trial after its
  // deduplication (reused_from set when a twin had succeeded, waiting_for while one runs).
  // INVALID_ARGUMENT naming the parameter (chosen_parameters.h); FAILED_PRECONDITION for an ended study or
  // a spent budget; PERMISSION_DENIED when `principal` (not empty) is not the study's owner;
  // RESOURCE_EXHAUSTED past kMaxEnqueuedPerStudy enqueued trials pending.
  absl::StatusOr<v1::Trial> EnqueueTrial(absl::string_view ref,
                                         const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters,
                                         const std::string& note, absl::string_view principal = "");
  // Writes a consistent checkpoint of the journal into `dir` (see storage::Journal::Checkpoint).
  absl::StatusOr<int64_t> Backup(const std::string& dir);
  absl::StatusOr<std::vector<v1::TrialWithMeasurements>> ListTrials(absl::string_view ref,
                                                                    bool with_measurements) const;
  // NOT_FOUND when no trial has succeeded yet.
  absl::StatusOr<v1::Trial> BestTrial(absl::string_view ref) const;
  // The study's Pareto front (pareto_front.h) with its objectives; no trials when none qualifies.
  absl::StatusOr<v1::GetParetoFrontResponse> ParetoFront(absl::string_view ref) const;

  // --- Workers.

  // Records (or refreshes) a worker (worker_registry.h). `principal` is the NAME of the caller's token
  // ("" without authentication); a worker id belongs to the principal that first registered it, also
  // across restarts: acting as it under another principal is PERMISSION_DENIED. A worker is given only
  // trials of studies whose task it can run (worker_capability.h); it may not claim the executor "client"
  // (INVALID_ARGUMENT), which only ClientService callers have (Ask).
  absl::Status RegisterWorker(const v1::WorkerInfo& info, absl::string_view principal = "");
  // Leases up to `max_trials` trials to the worker (none to a drained one). NOT_FOUND for an unregistered
  // worker.
  absl::StatusOr<std::vector<v1::Assignment>> Acquire(absl::string_view worker_id, int max_trials,
                                                      absl::string_view principal = "");
  // A client's ask (ClientService.AskTrials): registers `client_id` on first use (as a worker with the
  // executor "client" only, owned by `principal`) and leases it up to `max_trials` trials of the study
  // `ref`, whose task must be `client` (INVALID_ARGUMENT otherwise; NOT_FOUND for an unknown study).
  // Returns the assignments and the study after the call. `completions` are ended first, as Complete
  // would (one result each, in `completion_results`); with completions, max_trials may be 0.
  struct Asked {
    std::vector<v1::Assignment> assignments;
    v1::Study study;
    std::vector<v1::ItemStatus> completion_results;
  };
  absl::StatusOr<Asked> Ask(absl::string_view client_id, absl::string_view ref, int max_trials,
                            absl::string_view principal = "", absl::string_view host = "",
                            absl::string_view version = "",
                            const std::vector<v1::TrialCompletion>& completions = {});
  // Heartbeats and measurements; one result per report. NOT_FOUND for an unregistered worker. A report
  // whose measurements are over a limit gets INVALID_ARGUMENT (its lease is still refreshed).
  absl::StatusOr<std::vector<v1::TrialReportResult>> Report(absl::string_view worker_id,
                                                            const std::vector<v1::TrialReport>& reports,
                                                            absl::string_view principal = "");
  // Final results; one status per completion (ABORTED for a lease this worker does not hold). A
  // completion over a limit (request_limits.h) records the trial FAILED with the limit as its reason.
  absl::StatusOr<std::vector<v1::ItemStatus>> Complete(absl::string_view worker_id,
                                                       const std::vector<v1::TrialCompletion>& completions,
                                                       absl::string_view principal = "");
  // Requeues (or fails) every RUNNING trial whose lease has expired by the clock. Called periodically.
  absl::Status ExpireLeases();

  // --- Admin.

  // Version, uptime, studies and workers (GetStatusResponse without build and storage).
  v1::GetStatusResponse Status() const;
  std::vector<v1::WorkerStatus> Workers() const;
  // Whether the worker has been drained (false for an unknown worker).
  bool IsDraining(absl::string_view worker_id) const;
  // Drains (or undrains) a worker: a drained worker gets no new trials. Journaled. NOT_FOUND for a worker
  // neither registered nor drained; UNAVAILABLE (nothing changed) when the journal refuses.
  absl::StatusOr<v1::WorkerStatus> DrainWorker(absl::string_view worker_id, bool drain);
  // Forgets the worker and requeues its running trials at once (their leases are revoked). It may not
  // register again until this coordinator restarts. NOT_FOUND for an unknown worker.
  absl::StatusOr<std::vector<v1::LeaseRef>> EvictWorker(absl::string_view worker_id);
  // Puts a RUNNING, FAILED, STOPPED, INFEASIBLE or CANCELLED trial back to PENDING, with reason
  // "requeued by an operator: <reason>". A COMPLETED study is reopened. FAILED_PRECONDITION for a
  // SUCCEEDED or PENDING trial, or a study that FAILED or was CANCELLED.
  absl::StatusOr<v1::Trial> RequeueTrial(absl::string_view study, int64_t trial_id, absl::string_view reason);
  // Marks a PENDING or RUNNING trial FAILED with reason "failed by an operator: <reason>".
  // FAILED_PRECONDITION for a trial that has finished or a study that has ended.
  absl::StatusOr<v1::Trial> FailTrial(absl::string_view study, int64_t trial_id, absl::string_view reason);
  JournalCounts CountJournal() const;

  int64_t lease_timeout_ms() const { return options_.lease_timeout_ms; }
  // Journal writes and the batches they carried (group commit: batches / writes per sync).
  const JournalCommitter& committer() const { return committer_; }

 private:
  using Op = StudyShard::Op;

  Coordinator(storage::Journal* journal, const Clock* clock, CoordinatorOptions options);

  // --- Lookups (coordinator.cc).
  StudyShard* Find(int64_t study_id) const;
  absl::StatusOr<StudyShard*> Find(absl::string_view ref) const;
  std::vector<StudyShard*> AllShards() const;
  std::string StudyName(int64_t study_id) const;
  // Sets study.waiting when it has trials to run that none of `workers` can run (studies.cc).
  static void SayWhyWaiting(const StudyShard& shard, const std::vector<v1::WorkerInfo>& workers,
                            v1::Study& study);

  // --- Groups (study_groups.cc). Runs `run` as one operation of a group on `shard` (see StudyShard) and,
  // after the group, tells the notifier and resolves waiters it released. `durability`: kLogged only for
  // operations whose loss in a power failure harms nothing (see study_groups.cc).
  absl::Status Mutate(StudyShard& shard, std::function<absl::Status(StudyGroup&)> run,
                      storage::Durability durability = storage::Durability::kSynced);
  void RunGroup(StudyShard& shard, std::vector<Op*>& ops, std::vector<TrialKey>& resolve, bool& changed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);
  // Rebuilds the study's memory from the journal (after a refused write).
  absl::Status ReloadLocked(StudyShard& shard) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);
  // Resolves trials waiting for twins that have finished: reuse on success, else wait for another runner
  // or run. Waiters whose write fails are kept in retry_ for the next ExpireLeases.
  void ResolveWaiters(std::vector<TrialKey> waiters);
  // Adds the study's end to the group when its trials say it is over.
  void MaybeEndStudy(StudyGroup& group);
  void EndStudy(StudyGroup& group, v1::Study::State end, const std::string& reason);
  // Refreshes the lock-free summary Acquire plans with; wakes waiting Acquire calls when the study has
  // trials to lease again.
  void Summarize(StudyShard& shard) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);

  // --- CreateStudy's stages (studies.cc), under create_mu_: names, the submitter's limit, warm starts and
  // ids are checked and taken one creation at a time.
  // The name is taken: the existing study and `true` when the spec differs at most in its budget (then
  // updated); else ALREADY_EXISTS.
  absl::StatusOr<std::pair<v1::Study, bool>> Resubmit(StudyShard& old, const v1::StudySpec& spec,
                                                      std::vector<std::string>* warnings)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(create_mu_);
  // RESOURCE_EXHAUSTED when `principal` has kMaxOpenStudiesPerSubmitter studies not ended; warns of each
  // study with the same task and search space (its results will be reused).
  absl::Status CheckOtherStudies(const v1::StudySpec& spec, absl::string_view principal,
                                 std::vector<std::string>* warnings) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(create_mu_);
  // Warns when no registered worker can run the task, or when the objective is a test-set metric.
  void WarnAboutTask(const v1::StudySpec& spec, std::vector<std::string>& warnings) const;
  // The observations of the studies spec.warm_start names (their ids are added to `study`).
  absl::StatusOr<std::vector<searcher::TrialView>> WarmStartPrior(v1::Study& study,
                                                                  std::vector<std::string>* warnings) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(create_mu_);
  // Journals the new study, then logs it.
  absl::Status JournalNewStudy(const v1::Study& study) ABSL_EXCLUSIVE_LOCKS_REQUIRED(create_mu_);
  // Takes the journaled study's id and serves it from `state`; returns its snapshot.
  v1::Study AddStudy(const v1::Study& study, std::unique_ptr<StudyState> state)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(create_mu_);

  // --- Leasing (leasing.cc).
  // Leases up to `count` trials of the group's study to `worker_id` into `out` (once durable), adding the
  // trials it creates to `created`. A bayesian study without prepared suggestions starts preparing them
  // and leases what it has.
  // Acquire for a worker Touch has seen: leases from the studies it can run (only `only` when not null).
  absl::StatusOr<std::vector<v1::Assignment>> AcquireFor(const WorkerRegistry::Seen& seen,
                                                         const std::string& worker, int max_trials,
                                                         StudyShard* only);
  // AcquireFor's stages: the studies offered to the worker that have trials to lease now, in turn from the
  // one after the study served last; one pass leasing each its share into `out` (`rotate`: remember the
  // study served last), returning the last failure; the wait until a study becomes leasable after `epoch`
  // (of ready_epoch_) or `deadline`.
  std::vector<StudyShard*> LeasableInTurn(const WorkerRegistry::Seen& seen, StudyShard* only) const;
  absl::Status LeasePass(const std::vector<StudyShard*>& order, const std::string& worker, int max_trials,
                         bool rotate, std::vector<v1::Assignment>& out, int& created);
  void WaitForLeasable(uint64_t epoch, std::chrono::steady_clock::time_point deadline);
  // Complete's work on one study: ends completions[i] for i in `items`, results[i] saying how.
  void CompleteInGroup(StudyGroup& g, absl::string_view worker_id,
                       const std::vector<v1::TrialCompletion>& completions, const std::vector<size_t>& items,
                       std::vector<v1::ItemStatus>& results);
  absl::Status LeaseFromStudy(StudyGroup& group, int count, const std::string& worker_id,
                              std::vector<v1::Assignment>& out, int& created);
  // LeaseFromStudy's stages: leases up to `room` queued trials (staged; returned), and the next point to make
  // a trial of: a prepared one (when none is left, starts preparing `want` and returns none) or the
  // strategy's; none when the strategy has no more, its error when `nothing_staged`.
  std::vector<v1::Trial> LeaseQueued(StudyGroup& g, int room, const std::string& worker_id) const;
  absl::StatusOr<std::optional<PreparedSuggestion>> NextSuggestion(StudyShard& shard, const StudyState& s,
                                                                   int want, bool nothing_staged)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);
  // Whether `trial` (its fingerprint set) waits for a twin's result instead of running: then it is made
  // PENDING with `waiting_for`; else its fingerprint is reserved for it (released if the group is refused).
  bool AwaitTwin(StudyGroup& g, v1::Trial& trial);
  // Ends the lease of a trial its holder gives back unrun (TrialCompletion.state PENDING).
  void GiveBack(StudyGroup& g, const v1::TrialCompletion& c, absl::string_view worker_id);
  void LogLeased(const std::vector<v1::Assignment>& leased, const std::string& worker) const;
  // Starts preparing `count` suggestions of a bayesian study on the executor unless that is under way.
  void StartPreparing(StudyShard& shard, int count) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);
  void Prepare(StudyShard* shard, int count);
  // Computes the study's recommended result (StudyState::RecommendationStale) on the executor unless that
  // is under way (recommending.cc).
  void StartRecommending(StudyShard& shard) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);
  void Recommend(StudyShard* shard);
  void Lease(v1::Trial& trial, absl::string_view worker_id, int64_t now_ms) const;

  absl::Status SetBudget(StudyGroup& group, const v1::Budget& budget);
  absl::StatusOr<std::unique_ptr<searcher::Strategy>> MakeStrategy(
      const v1::Study& study, std::vector<searcher::TrialView> prior) const;
  absl::StatusOr<std::unique_ptr<StudyState>> NewStudyState(const v1::Study& study,
                                                            std::string strategy_state,
                                                            std::vector<searcher::TrialView> prior) const;

  storage::Journal* const journal_;
  const Clock* const clock_;
  const CoordinatorOptions options_;
  const int64_t start_ms_;
  JournalCommitter committer_;
  DedupIndex dedup_;
  std::unique_ptr<WorkerRegistry> workers_;

  Mutex create_mu_;  // Serializes CreateStudy (name checks, ids, warm start).
  mutable Mutex registry_mu_;
  std::map<int64_t, std::unique_ptr<StudyShard>> shards_ ABSL_GUARDED_BY(registry_mu_);  // Never erased.
  std::map<std::string, int64_t, std::less<>> study_by_name_ ABSL_GUARDED_BY(registry_mu_);
  int64_t next_study_id_ ABSL_GUARDED_BY(create_mu_) = 1;
  std::atomic<int64_t> round_robin_{0};
  // Deleted studies' shards: kept (never freed) because callers may still hold a pointer to them (an
  // Acquire's plan, a preparation on the executor); they are ended, so nothing acts on them.
  std::vector<std::unique_ptr<StudyShard>> deleted_shards_
      ABSL_GUARDED_BY(registry_mu_);  // The study id after which the next Acquire starts.
  Mutex ready_mu_;                    // A leaf: taken under a shard's mu by Summarize.
  CondVar ready_cv_;
  uint64_t ready_epoch_ ABSL_GUARDED_BY(ready_mu_) = 0;  // Counts studies becoming leasable again.
  Mutex retry_mu_;
  std::vector<TrialKey> retry_ ABSL_GUARDED_BY(retry_mu_);  // Waiters whose resolution the journal refused.

  TaskPool suggest_pool_;  // Last: stopped (joined) first, while everything its tasks use still exists.
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_COORDINATOR_H_
