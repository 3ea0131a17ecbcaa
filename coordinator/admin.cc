// The operator's calls: status, workers with their leases, drain and evict, requeue and fail a trial,
// journal counts.
#include "absl/strings/str_cat.h"
#include "coordinator/coordinator.h"
#include "coordinator/study_group.h"
#include "common/base/status_macros.h"

namespace hyperlab::coordinator {

v1::GetStatusResponse Coordinator::Status() const {
  v1::GetStatusResponse out;
  out.set_version(HYPERLAB_VERSION);
  out.set_uptime_ms(clock_->NowMs() - start_ms_);
  for (StudyShard* shard : AllShards()) {
    MutexLock lock(&shard->mu);
    if (shard->state().active()) out.set_active_studies(out.active_studies() + 1);
    *out.add_studies() = shard->state().Snapshot();
  }
  for (v1::WorkerStatus& w : Workers()) *out.add_worker_status() = std::move(w);
  out.set_workers(out.worker_status_size());
  return out;
}

std::vector<v1::WorkerStatus> Coordinator::Workers() const {
  std::map<std::string, v1::WorkerStatus, std::less<>> out = workers_->Statuses();
  for (StudyShard* shard : AllShards()) {
    if (shard->running.load(std::memory_order_relaxed) == 0) continue;
    MutexLock lock(&shard->mu);
    for (int64_t id : shard->state().running()) {
      const v1::Trial& trial = shard->state().trials()[id];
      auto it = out.find(trial.worker_id());
      if (it == out.end()) continue;
      v1::LeaseRef* ref = it->second.add_trials();
      ref->set_study_id(trial.study_id());
      ref->set_trial_id(trial.id());
    }
  }
  std::vector<v1::WorkerStatus> list;
  for (auto& [id, status] : out) list.push_back(std::move(status));
  return list;
}

absl::StatusOr<v1::WorkerStatus> Coordinator::DrainWorker(absl::string_view worker_id, bool drain) {
  ASSIGN_OR_RETURN(bool registered, workers_->Drain(worker_id, drain));
  if (registered) {
    for (v1::WorkerStatus& w : Workers()) {
      if (w.info().id() == worker_id) return w;
    }
  }
  // Drained earlier, not registered since this coordinator started (or evicted meanwhile).
  v1::WorkerStatus status;
  status.mutable_info()->set_id(std::string(worker_id));
  status.set_draining(drain);
  return status;
}

absl::StatusOr<std::vector<v1::LeaseRef>> Coordinator::EvictWorker(absl::string_view worker_id) {
  RETURN_IF_ERROR(workers_->Evict(worker_id));
  std::vector<v1::LeaseRef> requeued;
  for (StudyShard* shard : AllShards()) {
    if (shard->running.load(std::memory_order_relaxed) == 0) continue;
    RETURN_IF_ERROR(Mutate(*shard, [&](StudyGroup& g) {
      if (g.state.ended()) return absl::OkStatus();
      storage::JournalBatch batch;
      for (int64_t id : g.state.running()) {
        const v1::Trial& running = g.state.trials()[id];
        if (running.worker_id() != worker_id) continue;
        v1::Trial trial = running;
        trial.set_state(v1::Trial::PENDING);
        trial.set_reason(absl::StrCat("worker ", worker_id, " evicted by an operator; requeued"));
        trial.clear_lease_id();
        trial.clear_lease_expire_unix_ms();
        v1::LeaseRef& ref = requeued.emplace_back();
        ref.set_study_id(trial.study_id());
        ref.set_trial_id(trial.id());
        ref.set_lease_id(running.lease_id());
        batch.trials.push_back(std::move(trial));
      }
      g.Stage(std::move(batch));
      return absl::OkStatus();
    }));
  }
  if (options_.log != nullptr) {
    options_.log->Warn("worker_evicted",
                       {{"worker", std::string(worker_id)}, {"requeued", absl::StrCat(requeued.size())}});
  }
  return requeued;
}

namespace {

// The trial an admin call names. NOT_FOUND for an unknown one.
absl::StatusOr<v1::Trial> TrialOf(const StudyGroup& g, int64_t trial_id) {
  if (trial_id < 0 || trial_id >= static_cast<int64_t>(g.state.trials().size())) {
    return absl::NotFoundError(absl::StrCat("study '", g.shard.name(), "' has no trial ", trial_id));
  }
  return g.state.trials()[trial_id];
}

}  // namespace

absl::StatusOr<v1::Trial> Coordinator::RequeueTrial(absl::string_view study, int64_t trial_id,
                                                    absl::string_view reason) {
  ASSIGN_OR_RETURN(StudyShard * shard, Find(study));
  v1::Trial out;
  RETURN_IF_ERROR(Mutate(*shard, [&](StudyGroup& g) {
    ASSIGN_OR_RETURN(v1::Trial trial, TrialOf(g, trial_id));
    const v1::Study::State study_state = g.state.study().state();
    const std::string where = absl::StrCat("trial ", g.shard.name(), "/", trial_id);
    if (study_state == v1::Study::FAILED || study_state == v1::Study::CANCELLED) {
      return absl::FailedPreconditionError(
          absl::StrCat(where, ": the study has ended (", v1::Study::State_Name(study_state), ")"));
    }
    if (trial.state() == v1::Trial::SUCCEEDED || trial.state() == v1::Trial::PENDING) {
      return absl::FailedPreconditionError(absl::StrCat(
          where, ": is ", v1::Trial::State_Name(trial.state()),
          trial.state() == v1::Trial::SUCCEEDED ? "; a succeeded result stands (no experiment runs twice)"
                                                : " already"));
    }
    trial.set_state(v1::Trial::PENDING);
    trial.set_reason(absl::StrCat("requeued by an operator", reason.empty() ? "" : ": ", reason));
    trial.clear_lease_id();
    trial.clear_lease_expire_unix_ms();
    trial.clear_metrics();
    trial.clear_end_unix_ms();
    trial.clear_waiting_for();
    storage::JournalBatch batch;
    batch.trials.push_back(trial);
    if (study_state == v1::Study::COMPLETED) {
      v1::Study reopened = g.state.study();
      reopened.set_state(v1::Study::ACTIVE);
      reopened.clear_reason();
      reopened.clear_end_unix_ms();
      batch.studies.push_back(std::move(reopened));
    }
    g.Stage(std::move(batch));
    g.on_durable.push_back([&] {
      out = g.state.trials()[trial_id];
      if (options_.log != nullptr) {
        options_.log->Warn("trial_requeued", {{"study", absl::StrCat(g.shard.id())},
                                              {"trial", absl::StrCat(trial_id)},
                                              {"worker", out.worker_id()},
                                              {"reason", std::string(reason)}});
      }
    });
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::Trial> Coordinator::FailTrial(absl::string_view study, int64_t trial_id,
                                                 absl::string_view reason) {
  ASSIGN_OR_RETURN(StudyShard * shard, Find(study));
  v1::Trial out;
  RETURN_IF_ERROR(Mutate(*shard, [&](StudyGroup& g) {
    ASSIGN_OR_RETURN(v1::Trial trial, TrialOf(g, trial_id));
    const std::string where = absl::StrCat("trial ", g.shard.name(), "/", trial_id);
    if (g.state.ended()) {
      return absl::FailedPreconditionError(absl::StrCat(where, ": the study has ended (",
                                                        v1::Study::State_Name(g.state.study().state()), ")"));
    }
    if (trial.state() != v1::Trial::PENDING && trial.state() != v1::Trial::RUNNING) {
      return absl::FailedPreconditionError(
          absl::StrCat(where, ": has finished (", v1::Trial::State_Name(trial.state()), ")"));
    }
    trial.set_state(v1::Trial::FAILED);
    trial.set_reason(absl::StrCat("failed by an operator", reason.empty() ? "" : ": ", reason));
    trial.clear_lease_id();
    trial.clear_lease_expire_unix_ms();
    trial.clear_waiting_for();
    trial.set_end_unix_ms(g.now_ms);
    storage::JournalBatch batch;
    batch.trials.push_back(trial);
    g.Stage(std::move(batch));
    g.on_durable.push_back([&] {
      out = g.state.trials()[trial_id];
      if (options_.log != nullptr) {
        options_.log->Warn("trial_failed_by_operator", {{"study", absl::StrCat(g.shard.id())},
                                                        {"trial", absl::StrCat(trial_id)},
                                                        {"worker", out.worker_id()},
                                                        {"reason", std::string(reason)}});
      }
    });
    return absl::OkStatus();
  }));
  return out;
}

JournalCounts Coordinator::CountJournal() const {
  JournalCounts out;
  for (StudyShard* shard : AllShards()) {
    MutexLock lock(&shard->mu);
    ++out.studies;
    out.trials += static_cast<int64_t>(shard->state().trials().size());
    for (const v1::Trial& t : shard->state().trials()) out.measurements += t.measurement_count();
  }
  return out;
}

}  // namespace hyperlab::coordinator
