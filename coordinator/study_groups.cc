// Grouped changes of one study (study_shard.h, study_group.h): running a group, writing it, undoing a
// refused one, and what follows a durable change: waiters resolved, studies ended, watchers told.
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "coordinator/coordinator.h"
#include "coordinator/study_group.h"

namespace hyperlab::coordinator {
namespace {

// Whether a group's write may be acknowledged before it is synced (storage::Durability::kLogged). Only
// when every operation in it allows that and it records nothing but trials, their measurements and the
// strategy's state: then a power loss that takes it (and every later unsynced write; the log keeps a
// prefix) leaves a journal the coordinator reached earlier, and what was lost is harmless:
//   - a lease grant: the trial is suggested again (the sequence is a function of the journaled history)
//     under a new lease id, so the old holder's completion is refused as stale, as after a lease expiry;
//   - an intermediate measurement: the trial goes on and reports again; its final metrics come with its
//     completion, which is always synced.
// Results, studies, workers, notes and deletions are synced before anyone is told.
storage::Durability GroupDurability(const std::vector<StudyShard::Op*>& ops, const storage::JournalBatch& b) {
  for (const StudyShard::Op* op : ops) {
    if (op->durability == storage::Durability::kSynced) return storage::Durability::kSynced;
  }
  if (!b.studies.empty() || !b.worker_drains.empty() || !b.worker_owners.empty() ||
      !b.deleted_studies.empty())
    return storage::Durability::kSynced;
  for (const v1::Trial& trial : b.trials) {
    if (trial.state() != v1::Trial::RUNNING && trial.state() != v1::Trial::PENDING)
      return storage::Durability::kSynced;
  }
  return storage::Durability::kLogged;
}

}  // namespace

absl::Status Coordinator::Mutate(StudyShard& shard, std::function<absl::Status(StudyGroup&)> run,
                                 storage::Durability durability) {
  Op op;
  op.run = std::move(run);
  op.durability = durability;
  std::vector<TrialKey> resolve;
  bool changed = false;
  shard.Run(op, [&](std::vector<Op*>& ops) {
    shard.mu.AssertHeld();
    RunGroup(shard, ops, resolve, changed);
  });
  if (changed && options_.notifier != nullptr) options_.notifier->Notify(shard.id());
  if (!resolve.empty()) ResolveWaiters(std::move(resolve));
  return op.status;
}

void Coordinator::RunGroup(StudyShard& shard, std::vector<Op*>& ops, std::vector<TrialKey>& resolve,
                           bool& changed) {
  if (shard.broken) {
    // An earlier refused group could not be undone: reload first; nothing runs on memory that is not
    // the journal's.
    if (absl::Status reloaded = ReloadLocked(shard); !reloaded.ok()) {
      for (Op* op : ops) {
        op->status = absl::UnavailableError(absl::StrCat("study ", shard.id(), ": its state could not be ",
                                                         "reloaded from the journal: ", reloaded.message()));
      }
      return;
    }
  }
  StudyGroup group(shard, shard.state(), clock_->NowMs());
  for (Op* op : ops) op->status = op->run(group);
  MaybeEndStudy(group);
  group.journal.durability = GroupDurability(ops, group.journal);
  absl::Status written = committer_.Commit(group.journal);
  if (!written.ok()) {
    for (Op* op : ops) {
      if (op->status.ok()) op->status = written;
    }
    for (const auto& [fingerprint, id] : group.reserved)
      dedup_.Release(fingerprint, {shard.id(), id}, resolve);
    if (absl::Status reloaded = ReloadLocked(shard); !reloaded.ok() && options_.log != nullptr) {
      options_.log->Error("study_reload_failed",
                          {{"study", absl::StrCat(shard.id())}, {"error", std::string(reloaded.message())}});
    }
    Summarize(shard);
    return;
  }
  for (const auto& [before, after] : group.staged) {
    dedup_.Update(before ? &*before : nullptr, after, resolve);
  }
  for (const auto& f : group.on_durable) f();
  if (!group.journal.empty()) changed = true;
  Summarize(shard);
}

absl::Status Coordinator::ReloadLocked(StudyShard& shard) {
  shard.prepared.clear();
  shard.broken = true;  // Until the study's memory is the journal's again.
  // Everything is read before anything is replaced, so a failed read leaves the strategy in place.
  ASSIGN_OR_RETURN(std::vector<v1::Study> studies, journal_->LoadStudies());
  const v1::Study* study = nullptr;
  for (const v1::Study& s : studies) {
    if (s.id() == shard.id()) study = &s;
  }
  if (study == nullptr) return absl::DataLossError(absl::StrCat("study ", shard.id(), " left the journal"));
  ASSIGN_OR_RETURN(std::string strategy_state, journal_->LoadSearcherState(shard.id()));
  ASSIGN_OR_RETURN(std::vector<v1::Trial> trials, journal_->LoadTrials(shard.id()));
  std::map<int64_t, std::vector<v1::Measurement>> curves;
  if (shard.state().has_early_stopping()) {
    for (const v1::Trial& trial : trials) {
      if (trial.measurement_count() == 0) continue;
      ASSIGN_OR_RETURN(curves[trial.id()], journal_->LoadMeasurements(shard.id(), trial.id()));
    }
  }
  auto state = std::make_unique<StudyState>(*study, shard.state().TakeStrategy(), std::move(strategy_state));
  const int64_t now = clock_->NowMs();
  for (v1::Trial& trial : trials) {
    if (trial.state() == v1::Trial::RUNNING) trial.set_lease_expire_unix_ms(now + options_.lease_timeout_ms);
    state->Apply(trial);
    for (const v1::Measurement& m : curves[trial.id()]) state->AddMeasurement(trial.id(), m);
    if (trial.state() == v1::Trial::SUCCEEDED && curves.count(trial.id())) state->MarkCompleted(trial.id());
  }
  shard.ReplaceState(std::move(state));
  shard.broken = false;
  return absl::OkStatus();
}

void Coordinator::Summarize(StudyShard& shard) {
  const StudyState& s = shard.state();
  int64_t dispatchable = 0;
  bool full = false;
  if (s.active()) {
    const int64_t room = s.study().spec().budget().max_parallel() - s.counts().running();
    const int64_t available =
        static_cast<int64_t>(s.queued().size()) + s.planned_trials() - s.counts().total();
    dispatchable = std::max<int64_t>(0, std::min(room, available));
    full = room <= 0 && available > 0;
  }
  shard.full.store(full, std::memory_order_relaxed);
  // A bayesian study with nothing prepared and a preparation under way has nothing to lease until it ends.
  const bool awaiting = dispatchable > 0 && shard.prepared_only && shard.prepared.empty() &&
                        shard.suggesting && s.queued().empty();
  shard.awaiting.store(awaiting, std::memory_order_relaxed);
  const int64_t was = shard.dispatchable.exchange(awaiting ? 0 : dispatchable, std::memory_order_relaxed);
  if (was <= 0 && !awaiting && dispatchable > 0) {
    // Acquire calls that found nothing anywhere wait for this.
    {
      MutexLock lock(&ready_mu_);
      ++ready_epoch_;
    }
    ready_cv_.SignalAll();
  }
  shard.running.store(s.counts().running(), std::memory_order_relaxed);
  if (s.RecommendationStale()) StartRecommending(shard);
}

void Coordinator::ResolveWaiters(std::vector<TrialKey> waiters) {
  // One group per waiting study (one journal write however many waiters it has), the awaited trials read
  // study by study under their own locks first (never two studies' locks at once).
  std::map<int64_t, std::vector<int64_t>> by_study;
  for (const TrialKey& key : waiters) by_study[key.first].push_back(key.second);
  for (auto& entry : by_study) {
    StudyShard* shard = Find(entry.first);
    if (shard == nullptr) continue;
    const std::vector<int64_t>& ids = entry.second;
    std::map<TrialKey, v1::Trial> targets;  // Awaited trial -> its current value.
    {
      MutexLock lock(&shard->mu);
      const StudyState& s = shard->state();
      for (int64_t id : ids) {
        if (id >= static_cast<int64_t>(s.trials().size())) continue;
        const v1::Trial& w = s.trials()[id];
        if (w.state() == v1::Trial::PENDING && w.has_waiting_for()) {
          targets.try_emplace({w.waiting_for().study_id(), w.waiting_for().trial_id()});
        }
      }
    }
    for (auto& [key, target] : targets) {
      if (StudyShard* other = Find(key.first); other != nullptr) {
        MutexLock lock(&other->mu);
        const StudyState& s = other->state();
        if (key.second < static_cast<int64_t>(s.trials().size())) target = s.trials()[key.second];
      }
    }
    absl::Status status = Mutate(*shard, [&](StudyGroup& g) {
      storage::JournalBatch batch;
      for (int64_t id : ids) {
        const v1::Trial& current = g.state.trials()[id];
        if (current.state() != v1::Trial::PENDING || !current.has_waiting_for()) continue;  // Resolved.
        const TrialKey awaited{current.waiting_for().study_id(), current.waiting_for().trial_id()};
        auto found = targets.find(awaited);
        if (found == targets.end()) continue;  // It started waiting for another trial meanwhile.
        const v1::Trial& target = found->second;
        // Still computing: its end resolves this waiter. (A missing target never became durable.)
        if (target.state() == v1::Trial::PENDING || target.state() == v1::Trial::RUNNING) continue;
        v1::Trial w = current;
        if (target.state() == v1::Trial::SUCCEEDED && target.study_id() == awaited.first) {
          w.set_state(v1::Trial::SUCCEEDED);
          *w.mutable_metrics() = target.metrics();
          *w.mutable_artifacts() = target.artifacts();
          *w.mutable_reused_from() = target.has_reused_from() ? target.reused_from() : current.waiting_for();
          w.set_start_unix_ms(g.now_ms);
          w.set_end_unix_ms(g.now_ms);
          w.clear_waiting_for();
        } else if (std::optional<TrialKey> twin = dedup_.TwinOrReserve(w.fingerprint(), {g.shard.id(), id});
                   twin && *twin != awaited) {
          // Another trial computes (or computed) the same point: wait for that one.
          v1::TrialRef ref;
          ref.set_study_id(twin->first);
          ref.set_trial_id(twin->second);
          ref.set_study_name(twin->first == g.shard.id() ? g.shard.name() : StudyName(twin->first));
          *w.mutable_waiting_for() = ref;
        } else {
          w.clear_waiting_for();  // Runs itself: queued for the next worker (reserved as the runner).
          if (DedupIndex::Eligible(w.fingerprint())) g.reserved.emplace(w.fingerprint(), id);
        }
        batch.trials.push_back(std::move(w));
      }
      g.Stage(std::move(batch));
      return absl::OkStatus();
    });
    if (!status.ok()) {
      // Retried on the next expiry tick: the awaited trial's end is durable, nothing else would retry.
      if (options_.log != nullptr) {
        options_.log->Error("resolve_waiters_failed", {{"study", absl::StrCat(entry.first)},
                                                       {"waiters", absl::StrCat(ids.size())},
                                                       {"error", std::string(status.message())}});
      }
      MutexLock lock(&retry_mu_);
      for (int64_t id : ids) retry_.emplace_back(entry.first, id);
    }
  }
}

void Coordinator::EndStudy(StudyGroup& group, v1::Study::State end, const std::string& reason) {
  const StudyState& state = group.state;
  if (options_.log != nullptr) {
    options_.log->Info("study_ended", {{"study", absl::StrCat(state.study().id())},
                                       {"study_name", state.study().spec().name()},
                                       {"state", v1::Study::State_Name(end)},
                                       {"reason", reason}});
  }
  storage::JournalBatch batch;
  v1::Study study = state.study();
  study.set_state(end);
  study.set_reason(reason);
  study.set_end_unix_ms(group.now_ms);
  batch.studies.push_back(std::move(study));
  for (const v1::Trial& trial : state.trials()) {
    if (trial.state() != v1::Trial::PENDING && trial.state() != v1::Trial::RUNNING) continue;
    v1::Trial cancelled = trial;
    cancelled.set_state(v1::Trial::CANCELLED);
    cancelled.set_reason(reason.empty() ? "study ended" : reason);
    cancelled.clear_lease_id();
    cancelled.clear_lease_expire_unix_ms();
    cancelled.set_end_unix_ms(group.now_ms);
    batch.trials.push_back(std::move(cancelled));
  }
  group.Stage(std::move(batch));
}

void Coordinator::MaybeEndStudy(StudyGroup& group) {
  const StudyState& state = group.state;
  if (!state.active()) return;
  const int max_failed = state.study().spec().budget().max_failed();
  const bool all_failed = state.Finished() && state.counts().succeeded() == 0 && state.counts().failed() > 0;
  if (state.counts().failed() > max_failed || all_failed) {
    // The latest failure's reason says why, e.g. a worker that may not run the study's command.
    std::string last;
    int64_t last_end = -1;
    for (const v1::Trial& t : state.trials()) {
      if (t.state() == v1::Trial::FAILED && !t.reason().empty() && t.end_unix_ms() >= last_end) {
        last_end = t.end_unix_ms();
        last = t.reason();
      }
    }
    if (last.size() > 300) last = absl::StrCat(last.substr(0, 300), "...");
    EndStudy(group, v1::Study::FAILED,
             absl::StrCat(state.counts().failed(), " trials failed",
                          all_failed ? " and none succeeded"
                                     : absl::StrCat(", more than budget.max_failed (", max_failed, ")"),
                          last.empty() ? "" : "; last: ", last));
  } else if (state.Finished()) {
    EndStudy(group, v1::Study::COMPLETED, "");
  }
}

}  // namespace hyperlab::coordinator
