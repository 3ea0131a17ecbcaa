// The workers' calls that hand out work: registering and leasing trials (with the suggestions of
// bayesian studies prepared off-lock). Their results come back through results.cc.
#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "coordinator/coordinator.h"
#include "coordinator/fingerprint.h"
#include "coordinator/lease_id.h"
#include "coordinator/spec_convert.h"
#include "coordinator/study_group.h"
#include "coordinator/worker_capability.h"
#include "proto/outcomes.h"

namespace hyperlab::coordinator {

absl::Status Coordinator::RegisterWorker(const v1::WorkerInfo& info, absl::string_view principal) {
  for (int i = 0; i < info.executors_size(); ++i) {
    if (info.executors(i) == kClientExecutor) {
      return absl::InvalidArgumentError(absl::StrCat(
          "worker.executors[", i, "]: '", kClientExecutor,
          "' is not a worker's executor: client tasks run in the user's own code (ClientService)"));
    }
  }
  return workers_->Register(info, principal, clock_->NowMs());
}

bool Coordinator::IsDraining(absl::string_view worker_id) const { return workers_->IsDraining(worker_id); }

void Coordinator::Lease(v1::Trial& trial, absl::string_view worker_id, int64_t now_ms) const {
  trial.set_state(v1::Trial::RUNNING);
  trial.set_lease_id(NewLeaseId());
  trial.set_worker_id(std::string(worker_id));
  trial.set_attempt(trial.attempt() + 1);
  trial.set_start_unix_ms(now_ms);
  trial.set_lease_expire_unix_ms(now_ms + options_.lease_timeout_ms);
  trial.clear_reason();
}

absl::StatusOr<std::vector<v1::Assignment>> Coordinator::Acquire(absl::string_view worker_id, int max_trials,
                                                                 absl::string_view principal) {
  if (max_trials < 1 || max_trials > options_.max_acquire) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_trials: must be in [1, ", options_.max_acquire, "], got ", max_trials));
  }
  ASSIGN_OR_RETURN(WorkerRegistry::Seen seen, workers_->Touch(worker_id, principal, clock_->NowMs()));
  return AcquireFor(seen, std::string(worker_id), max_trials, nullptr);
}

absl::StatusOr<Coordinator::Asked> Coordinator::Ask(absl::string_view client_id, absl::string_view ref,
                                                    int max_trials, absl::string_view principal,
                                                    absl::string_view host, absl::string_view version,
                                                    const std::vector<v1::TrialCompletion>& completions) {
  const int least = completions.empty() ? 1 : 0;
  if (max_trials < least || max_trials > options_.max_acquire) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_trials: must be in [", least, ", ", options_.max_acquire, "]",
                     completions.empty() ? " (with no completions)" : "", ", got ", max_trials));
  }
  ASSIGN_OR_RETURN(StudyShard * shard, Find(ref));
  if (!shard->task().has_client()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "study '", shard->name(), "' has a '", TaskKind(shard->task()),
        "' task, which workers run; only studies with `task: {client: {}}` are asked for trials"));
  }
  absl::StatusOr<WorkerRegistry::Seen> seen = workers_->Touch(client_id, principal, clock_->NowMs());
  if (absl::IsNotFound(seen.status())) {
    v1::WorkerInfo info;
    info.set_id(std::string(client_id));
    info.set_host(std::string(host));
    info.set_version(std::string(version));
    info.set_slots(1);
    info.add_executors(kClientExecutor);
    RETURN_IF_ERROR(workers_->Register(info, principal, clock_->NowMs()));
    seen = workers_->Touch(client_id, principal, clock_->NowMs());
  }
  RETURN_IF_ERROR(seen.status());
  Asked asked;
  const std::string worker(client_id);
  bool all_here = !completions.empty() && !seen->draining;
  for (const v1::TrialCompletion& c : completions) all_here = all_here && c.lease().study_id() == shard->id();
  if (all_here) {
    // A loop's usual call: end its trials of this study and lease the next in one group, so one write (and
    // one sync) does both. A lease error is kept for the next call: the completions stand.
    std::vector<size_t> items(completions.size());
    for (size_t i = 0; i < items.size(); ++i) items[i] = i;
    asked.completion_results.resize(completions.size());
    int created = 0;
    RETURN_IF_ERROR(Mutate(*shard, [&](StudyGroup& g) {
      g.shard.mu.AssertHeld();
      CompleteInGroup(g, client_id, completions, items, asked.completion_results);
      if (max_trials == 0 || !CanRun(*seen->info, shard->task())) return absl::OkStatus();
      if (absl::Status leased = LeaseFromStudy(g, max_trials, worker, asked.assignments, created);
          !leased.ok()) {
        asked.assignments.clear();
        if (g.shard.suggest_error.ok()) g.shard.suggest_error = leased;
      }
      return absl::OkStatus();
    }));
    LogLeased(asked.assignments, worker);
  } else if (!completions.empty()) {
    ASSIGN_OR_RETURN(asked.completion_results, Complete(client_id, completions, principal));
  }
  if (max_trials > 0 && asked.assignments.empty()) {
    ASSIGN_OR_RETURN(asked.assignments, AcquireFor(*seen, worker, max_trials, shard));
  }
  MutexLock lock(&shard->mu);
  asked.study = shard->state().Snapshot();
  return asked;
}

namespace {

// A worker is offered only studies whose task it can run (a client only the study it asked for).
bool Offered(const WorkerRegistry::Seen& seen, const StudyShard* only, const StudyShard& shard) {
  return (only == nullptr || &shard == only) && CanRun(*seen.info, shard.task());
}

}  // namespace

absl::StatusOr<std::vector<v1::Assignment>> Coordinator::AcquireFor(const WorkerRegistry::Seen& seen,
                                                                    const std::string& worker, int max_trials,
                                                                    StudyShard* only) {
  std::vector<v1::Assignment> out;
  if (seen.draining) return out;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.acquire_wait_ms);
  for (int pass = 0;; ++pass) {
    uint64_t epoch = 0;  // Read before the pass, so a study that becomes leasable during it wakes the wait.
    {
      MutexLock lock(&ready_mu_);
      epoch = ready_epoch_;
    }
    const std::vector<StudyShard*> order = LeasableInTurn(seen, only);
    int created = 0;  // Trials created in this pass (some may wait for a twin's result).
    const absl::Status failure = LeasePass(order, worker, max_trials, only == nullptr, out, created);
    if (!out.empty()) break;
    if (!failure.ok()) return failure;
    // Nothing was ready anywhere: wait (holding no lock another caller needs) for a study whose
    // suggestions are being prepared, if any, until they are ready or the wait is over.
    bool awaiting = false, ready = false;
    for (StudyShard* shard : only != nullptr ? std::vector<StudyShard*>{only} : AllShards()) {
      if (!Offered(seen, only, *shard)) continue;
      awaiting = awaiting || shard->awaiting.load(std::memory_order_relaxed);
      ready = ready || shard->dispatchable.load(std::memory_order_relaxed) > 0;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    if (ready && (created > 0 || pass < 2)) continue;  // Something became leasable during the pass.
    // A client asking for one study whose max_parallel trials are all running waits for one to end, as
    // for a suggestion: it learns of the free slot at once instead of polling for it.
    const bool full = only != nullptr && only->full.load(std::memory_order_relaxed);
    if (!awaiting && !full) break;
    WaitForLeasable(epoch, deadline);
  }
  LogLeased(out, worker);
  return out;
}

std::vector<StudyShard*> Coordinator::LeasableInTurn(const WorkerRegistry::Seen& seen,
                                                     StudyShard* only) const {
  // A fair share: studies in turn, starting after the one served last, each at most its share per call.
  std::vector<StudyShard*> order;
  const int64_t after = round_robin_.load(std::memory_order_relaxed);
  MutexLock lock(&registry_mu_);
  auto consider = [&](StudyShard* shard) {
    if (shard->dispatchable.load(std::memory_order_relaxed) > 0 && Offered(seen, only, *shard))
      order.push_back(shard);
  };
  if (only != nullptr) {
    consider(only);
  } else {
    for (auto it = shards_.upper_bound(after); it != shards_.end(); ++it) consider(it->second.get());
    for (auto it = shards_.begin(); it != shards_.end() && it->first <= after; ++it) {
      consider(it->second.get());
    }
  }
  return order;
}

absl::Status Coordinator::LeasePass(const std::vector<StudyShard*>& order, const std::string& worker,
                                    int max_trials, bool rotate, std::vector<v1::Assignment>& out,
                                    int& created) {
  absl::Status failure;
  for (size_t i = 0; i < order.size() && static_cast<int>(out.size()) < max_trials; ++i) {
    StudyShard* shard = order[i];
    const int want = max_trials - static_cast<int>(out.size());
    const int share = std::max<int>(
        1, (want + static_cast<int>(order.size() - i) - 1) / static_cast<int>(order.size() - i));
    const int take =
        static_cast<int>(std::min<int64_t>(share, shard->dispatchable.load(std::memory_order_relaxed)));
    if (take <= 0) continue;
    std::vector<v1::Assignment> got;
    absl::Status status = Mutate(
        *shard, [&](StudyGroup& g) { return LeaseFromStudy(g, take, worker, got, created); },
        storage::Durability::kLogged);
    if (!status.ok()) {
      failure = status;
      continue;
    }
    if (!got.empty() && rotate) round_robin_.store(shard->id(), std::memory_order_relaxed);
    for (v1::Assignment& a : got) out.push_back(std::move(a));
  }
  return failure;
}

void Coordinator::WaitForLeasable(uint64_t epoch, std::chrono::steady_clock::time_point deadline) {
  // Nothing was ready anywhere but suggestions are being prepared (or a slot is awaited): wait (holding
  // no lock another caller needs) until any study becomes leasable, or the wait is over.
  MutexLock lock(&ready_mu_);
  while (ready_epoch_ == epoch && std::chrono::steady_clock::now() < deadline) {
    ready_cv_.WaitFor(&ready_mu_,
                      std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now() + std::chrono::milliseconds(1)));
  }
}

void Coordinator::LogLeased(const std::vector<v1::Assignment>& leased, const std::string& worker) const {
  if (options_.log == nullptr) return;
  for (const v1::Assignment& a : leased) {
    options_.log->Info("trial_leased", {{"study", absl::StrCat(a.trial().study_id())},
                                        {"trial", absl::StrCat(a.trial().id())},
                                        {"worker", worker},
                                        {"attempt", absl::StrCat(a.trial().attempt())}});
  }
}

namespace {

// Stages a new trial with the strategy state after its suggestion (when that changed).
void StageNewTrial(StudyGroup& g, const std::string& state_after, v1::Trial trial) {
  const StudyState& s = g.state;
  storage::JournalBatch batch;
  if (state_after != s.strategy_state()) batch.searcher_states.emplace_back(s.study().id(), state_after);
  batch.trials.push_back(std::move(trial));
  g.Stage(std::move(batch));
}

// The trial of a suggestion: the study's next id, its parameters and fingerprint.
v1::Trial NewTrial(const StudyState& s, const searcher::Assignment& assignment, int64_t now_ms) {
  v1::Trial trial;
  trial.set_study_id(s.study().id());
  trial.set_id(s.counts().total());
  for (v1::Parameter& p : ToParameters(s.space(), assignment)) *trial.add_parameters() = std::move(p);
  trial.set_create_unix_ms(now_ms);
  trial.set_fingerprint(StudyTrialFingerprint(s.study(), trial.parameters()));
  return trial;
}

// Hands out what is still leased to this worker once the group is durable (a later operation of the
// group may have ended the study).
void HandOutWhenDurable(StudyGroup& g, const std::string& worker_id, std::vector<v1::Trial> leased_trials,
                        std::vector<v1::Assignment>& out) {
  g.on_durable.push_back([&out, &g, worker_id, trials = std::move(leased_trials)] {
    for (const v1::Trial& t : trials) {
      const v1::Trial& now = g.state.trials()[t.id()];
      if (now.state() != v1::Trial::RUNNING || now.lease_id() != t.lease_id()) continue;
      v1::Assignment a;
      *a.mutable_trial() = now;
      a.set_study_name(g.state.study().spec().name());
      *a.mutable_task() = g.state.study().spec().task();
      *a.mutable_objective() = PrimaryObjective(g.state.study().spec());
      // Known by path only: first the program's digest, so that an experiment run before is not run again.
      a.set_digest_only(a.task().has_command() && absl::StartsWith(now.fingerprint(), "path:"));
      out.push_back(std::move(a));
    }
  });
}

}  // namespace

absl::Status Coordinator::LeaseFromStudy(StudyGroup& g, int count, const std::string& worker_id,
                                         std::vector<v1::Assignment>& out, int& created) {
  StudyState& s = g.state;
  StudyShard& shard = g.shard;
  shard.mu.AssertHeld();
  if (!shard.suggest_error.ok()) {
    absl::Status error = shard.suggest_error;
    shard.suggest_error = absl::OkStatus();
    return error;
  }
  if (!s.active()) return absl::OkStatus();
  const v1::StudySpec& spec = s.study().spec();
  const int room =
      static_cast<int>(std::min<int64_t>(count, spec.budget().max_parallel() - s.counts().running()));
  // Trials waiting for a worker (enqueued by the user, or again after a lost lease or a failed twin) first.
  std::vector<v1::Trial> leased_trials = LeaseQueued(g, room, worker_id);
  int leased = static_cast<int>(leased_trials.size());
  // New trials: a strategy whose suggestions depend on results (bayesian) runs off-lock on the executor
  // and its points wait in `prepared`; grid and random points are O(parameters) functions of the trial's
  // index, computed here. A twin of a done or running trial waits for it and takes no slot.
  while (leased < room && s.counts().total() < s.planned_trials()) {
    ASSIGN_OR_RETURN(std::optional<PreparedSuggestion> item,
                     NextSuggestion(shard, s, room - leased, leased_trials.empty()));
    if (!item) break;
    v1::Trial trial = NewTrial(s, item->assignment, g.now_ms);
    ++created;
    const bool waits = AwaitTwin(g, trial);
    if (!waits) {
      Lease(trial, worker_id, g.now_ms);
      leased_trials.push_back(trial);
      ++leased;
    }
    StageNewTrial(g, item->state_after, std::move(trial));
    // A bayesian study's next suggestion must see this trial's reused result (resolved right after this
    // group), not guess around a pending point: suggest again on a later pass.
    if (waits && shard.prepared_only) break;
  }
  HandOutWhenDurable(g, worker_id, std::move(leased_trials), out);
  return absl::OkStatus();
}

std::vector<v1::Trial> Coordinator::LeaseQueued(StudyGroup& g, int room, const std::string& worker_id) const {
  const StudyState& s = g.state;
  std::vector<v1::Trial> lease;
  for (auto it = s.queued().begin(); it != s.queued().end() && static_cast<int>(lease.size()) < room; ++it) {
    lease.push_back(s.trials()[*it]);
  }
  for (v1::Trial& trial : lease) {
    Lease(trial, worker_id, g.now_ms);
    storage::JournalBatch batch;
    batch.trials.push_back(trial);
    g.Stage(std::move(batch));
  }
  return lease;
}

absl::StatusOr<std::optional<PreparedSuggestion>> Coordinator::NextSuggestion(StudyShard& shard,
                                                                              const StudyState& s, int want,
                                                                              bool nothing_staged) {
  PreparedSuggestion item;
  if (shard.prepared_only) {
    if (shard.prepared.empty()) {
      // Only what this caller asked for, on the history as it is now: a suggestion prepared further
      // ahead would not see results that arrive meanwhile, and a restart (which drops prepared points)
      // would then suggest differently; resume stays exact.
      StartPreparing(shard, want);
      return std::nullopt;
    }
    item = std::move(shard.prepared.front());
    shard.prepared.pop_front();
    return item;
  }
  item.state_after = s.strategy_state();
  absl::StatusOr<std::vector<searcher::Assignment>> one =
      s.strategy().Suggest(s.strategy_history(), 1, item.state_after);
  if (!one.ok() && nothing_staged) return one.status();  // Nothing staged yet.
  if (!one.ok() || one->empty())
    return std::nullopt;  // A finished grid (or an error after some trials were leased).
  item.assignment = std::move(one->front());
  return item;
}

bool Coordinator::AwaitTwin(StudyGroup& g, v1::Trial& trial) {
  g.shard.mu.AssertHeld();
  const std::optional<TrialKey> twin =
      dedup_.TwinOrReserve(trial.fingerprint(), {trial.study_id(), trial.id()});
  if (!twin) {
    if (DedupIndex::Eligible(trial.fingerprint())) g.reserved.emplace(trial.fingerprint(), trial.id());
    return false;
  }
  trial.set_state(v1::Trial::PENDING);
  v1::TrialRef* ref = trial.mutable_waiting_for();
  ref->set_study_id(twin->first);
  ref->set_trial_id(twin->second);
  ref->set_study_name(twin->first == g.shard.id() ? g.shard.name() : StudyName(twin->first));
  return true;
}

void Coordinator::StartPreparing(StudyShard& shard, int count) {
  if (shard.suggesting) return;
  shard.suggesting = true;
  suggest_pool_.Submit([this, s = &shard, count] { Prepare(s, count); });
}

void Coordinator::Prepare(StudyShard* shard, int count) {
  std::vector<searcher::TrialView> history;
  std::string base, state;
  const searcher::Strategy* strategy = nullptr;
  int64_t room = 0;
  uint64_t epoch = 0;
  {
    MutexLock lock(&shard->mu);
    epoch = shard->prepared_epoch;
    const StudyState& s = shard->state();
    history = s.history();
    // Prepared points count as pending trials, so a batch of suggestions spreads out.
    for (const PreparedSuggestion& p : shard->prepared) {
      history.push_back({.index = static_cast<int64_t>(history.size()), .assignment = p.assignment});
    }
    base = shard->prepared.empty() ? s.strategy_state() : shard->prepared.back().state_after;
    state = base;
    strategy = &s.strategy();
    room = s.planned_trials() - s.counts().total() - static_cast<int64_t>(shard->prepared.size());
  }
  const int want = static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(count, room)));
  std::vector<PreparedSuggestion> made;
  absl::Status status;
  const auto start = std::chrono::steady_clock::now();
  if (want > 0) {
    // One pending-aware batch on the history as it is now; every point carries the state after it.
    absl::StatusOr<std::vector<searcher::Assignment>> batch = strategy->Suggest(history, want, state);
    if (batch.ok()) {
      for (searcher::Assignment& a : *batch) made.push_back({std::move(a), state});
    } else {
      status = batch.status();
    }
  }
  if (options_.metrics != nullptr) {
    options_.metrics->ObserveSuggest(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  MutexLock lock(&shard->mu);
  shard->suggesting = false;
  const std::string now_base =
      shard->prepared.empty() ? shard->state().strategy_state() : shard->prepared.back().state_after;
  if (!status.ok()) {
    shard->suggest_error = status;
  } else if (now_base == base && shard->prepared_epoch == epoch) {
    // Else the study changed under it (a reload, an enqueued trial): drop these.
    for (PreparedSuggestion& p : made) shard->prepared.push_back(std::move(p));
  }
  Summarize(*shard);
}

}  // namespace hyperlab::coordinator
