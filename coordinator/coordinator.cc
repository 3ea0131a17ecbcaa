#include "coordinator/coordinator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "coordinator/fingerprint.h"
#include "coordinator/request_limits.h"
#include "coordinator/spec_convert.h"
#include "coordinator/spec_validation.h"
#include "coordinator/warm_start.h"
#include "coordinator/worker_capability.h"
#include "google/protobuf/util/message_differencer.h"
#include "searcher/status_macros.h"
#include "worker/train/data_files.h"

namespace hyperlab::coordinator {
namespace {

bool IsTerminal(v1::Trial::State s) {
  return s == v1::Trial::SUCCEEDED || s == v1::Trial::FAILED || s == v1::Trial::STOPPED ||
         s == v1::Trial::INFEASIBLE || s == v1::Trial::CANCELLED;
}

v1::ItemStatus ItemOf(const absl::Status& status) {
  v1::ItemStatus out;
  out.set_code(static_cast<int32_t>(status.code()));
  out.set_message(std::string(status.message()));
  return out;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string NewLeaseId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x", rng());
}

absl::StatusOr<std::unique_ptr<StudyState>> NewStudyState(const v1::Study& study, std::string strategy_state,
                                                          std::vector<searcher::TrialView> prior = {}) {
  searcher::AlgorithmConfig config = ToAlgorithmConfig(study.spec());
  config.prior = std::move(prior);
  ASSIGN_OR_RETURN(std::unique_ptr<searcher::Strategy> strategy,
                   searcher::MakeStrategy(ToSearchSpace(study.spec()), config));
  return std::make_unique<StudyState>(study, std::move(strategy), std::move(strategy_state));
}

// Digests the train task's data files into study.data_digest when this machine can read them; otherwise
// trials are fingerprinted by the files' paths (the workers may have data the coordinator does not), and
// the submitter is told.
absl::Status DigestData(v1::Study& study, std::vector<std::string>* warnings) {
  if (!study.spec().task().has_train()) return absl::OkStatus();
  absl::StatusOr<std::string> digest = worker::train::DataFilesDigest(study.spec().task().train().data());
  if (digest.ok()) {
    study.set_data_digest(*digest);
  } else if (warnings != nullptr) {
    warnings->push_back(absl::StrCat("the coordinator cannot read the data (", digest.status().message(),
                                     "): trials are fingerprinted by the data's paths, not its content"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Coordinator>> Coordinator::Open(storage::Journal* journal, const Clock* clock,
                                                               CoordinatorOptions options) {
  std::unique_ptr<Coordinator> core(new Coordinator(journal, clock, options));
  ASSIGN_OR_RETURN(std::vector<v1::Study> studies, journal->LoadStudies());
  ASSIGN_OR_RETURN(std::vector<std::string> drained, journal->LoadDrainedWorkers());
  const int64_t now = clock->NowMs();
  std::lock_guard<std::mutex> lock(core->mu_);
  core->drained_.insert(drained.begin(), drained.end());
  for (const v1::Study& study : studies) {
    ASSIGN_OR_RETURN(std::string strategy_state, journal->LoadSearcherState(study.id()));
    // Warm-start sources have smaller ids, so they are loaded already.
    std::vector<searcher::TrialView> prior;
    for (int64_t source_id : study.warm_start_study_ids()) {
      auto source = core->studies_.find(source_id);
      if (source == core->studies_.end()) {
        return absl::DataLossError(absl::StrCat("study ", study.id(), ": warm-start study ", source_id,
                                                " is missing from the journal"));
      }
      AppendWarmStartObservations(study, source->second->study(), source->second->trials(),
                                  study.create_unix_ms(), prior);
    }
    ASSIGN_OR_RETURN(std::unique_ptr<StudyState> state,
                     NewStudyState(study, std::move(strategy_state), std::move(prior)));
    ASSIGN_OR_RETURN(std::vector<v1::Trial> trials, journal->LoadTrials(study.id()));
    core->done_by_fingerprint_.reserve(core->done_by_fingerprint_.size() + trials.size());
    for (v1::Trial& trial : trials) {
      if (trial.id() != static_cast<int64_t>(state->trials().size())) {
        return absl::DataLossError(absl::StrCat("study ", study.id(), ": trial ", trial.id(),
                                                " follows trial ", state->trials().size() - 1));
      }
      // Live workers re-attach with their next heartbeat; the others expire one lease timeout from now.
      if (trial.state() == v1::Trial::RUNNING) trial.set_lease_expire_unix_ms(now + options.lease_timeout_ms);
      core->IndexLocked(nullptr, trial);
      state->Apply(trial);
      if (state->has_early_stopping() && trial.measurement_count() > 0) {
        ASSIGN_OR_RETURN(std::vector<v1::Measurement> curve,
                         journal->LoadMeasurements(study.id(), trial.id()));
        for (const v1::Measurement& m : curve) state->AddMeasurement(trial.id(), m);
        if (trial.state() == v1::Trial::SUCCEEDED) state->MarkCompleted(trial.id());
      }
    }
    core->study_by_name_[study.spec().name()] = study.id();
    core->next_study_id_ = std::max(core->next_study_id_, study.id() + 1);
    core->studies_[study.id()] = std::move(state);
  }
  // A crash between a trial's completion and its consequences (a study's end, a waiting twin's reuse)
  // leaves them undone: finish them now.
  storage::JournalBatch batch;
  for (auto& [id, state] : core->studies_) {
    for (const v1::Trial& trial : state->trials()) {
      if (trial.state() != v1::Trial::PENDING && trial.state() != v1::Trial::RUNNING &&
          core->waiters_.count({trial.study_id(), trial.id()})) {
        batch.trials.push_back(trial);  // Rewritten unchanged; CommitLocked resolves its waiters.
      }
    }
    core->MaybeEndStudyLocked(*state, batch, now);
  }
  if (!journal->read_only()) RETURN_IF_ERROR(core->CommitLocked(std::move(batch)));
  return core;
}

// ------------------------------------------------------------------------------------------------
// Lookups and commits.

absl::StatusOr<StudyState*> Coordinator::FindLocked(int64_t study_id) const {
  auto it = studies_.find(study_id);
  if (it == studies_.end()) return absl::NotFoundError(absl::StrCat("no study with id ", study_id));
  return it->second.get();
}

absl::StatusOr<StudyState*> Coordinator::FindLocked(absl::string_view ref) const {
  if (ref.empty()) return absl::InvalidArgumentError("study: required (an id or a name)");
  auto by_name = study_by_name_.find(ref);
  if (by_name != study_by_name_.end()) return studies_.at(by_name->second).get();
  int64_t id = 0;
  if (absl::SimpleAtoi(ref, &id) && studies_.count(id)) return studies_.at(id).get();
  return absl::NotFoundError(absl::StrCat("no study named '", ref, "'"));
}

absl::Status Coordinator::WriteJournal(const storage::JournalBatch& batch) {
  const auto start = std::chrono::steady_clock::now();
  absl::Status status = journal_->Write(batch);
  if (options_.metrics != nullptr) options_.metrics->ObserveJournalWrite(SecondsSince(start));
  if (!status.ok() && options_.log != nullptr) {
    options_.log->Error("journal_write_failed", {{"error", std::string(status.message())}});
  }
  return status;
}

absl::Status Coordinator::CommitLocked(storage::JournalBatch batch) {
  if (batch.empty()) return absl::OkStatus();
  const int64_t now = clock_->NowMs();
  ResolveWaitersLocked(batch, now);
  RETURN_IF_ERROR(WriteJournal(batch));
  std::set<int64_t> touched;
  for (const v1::Trial& trial : batch.trials) {
    StudyState& state = *studies_.at(trial.study_id());
    const bool exists = trial.id() < static_cast<int64_t>(state.trials().size());
    IndexLocked(exists ? &state.trials()[trial.id()] : nullptr, trial);
    state.Apply(trial);
    touched.insert(trial.study_id());
  }
  for (const v1::Study& study : batch.studies) {
    StudyState& state = *studies_.at(study.id());
    state.ApplyStudy(study);
    state.Touch();
    touched.insert(study.id());
  }
  for (const auto& [id, bytes] : batch.searcher_states) studies_.at(id)->ApplyStrategyState(bytes);
  changed_.notify_all();
  // Studies this batch finished end in a batch of their own (ending one may finish another: a twin waits).
  storage::JournalBatch ends;
  for (int64_t id : touched) MaybeEndStudyLocked(*studies_.at(id), ends, now);
  return CommitLocked(std::move(ends));
}

void Coordinator::IndexLocked(const v1::Trial* before, const v1::Trial& after) {
  const std::string& fp = after.fingerprint();
  if (fp.empty()) return;
  const TrialKey key{after.study_id(), after.id()};
  if (before != nullptr && before->has_waiting_for()) {
    const TrialKey old{before->waiting_for().study_id(), before->waiting_for().trial_id()};
    auto it = waiters_.find(old);
    if (it != waiters_.end() && (it->second.erase(key), it->second.empty())) waiters_.erase(it);
  }
  if (after.has_waiting_for() && after.state() == v1::Trial::PENDING) {
    waiters_[{after.waiting_for().study_id(), after.waiting_for().trial_id()}].insert(key);
  }
  const bool inflight = after.state() == v1::Trial::RUNNING ||
                        (after.state() == v1::Trial::PENDING && !after.has_waiting_for());
  auto it = inflight_by_fingerprint_.find(fp);
  if (inflight) {
    if (it == inflight_by_fingerprint_.end()) inflight_by_fingerprint_.try_emplace(fp, key);
  } else if (it != inflight_by_fingerprint_.end() && it->second == key) {
    inflight_by_fingerprint_.erase(it);
  }
  if (after.state() == v1::Trial::SUCCEEDED && !after.has_reused_from())
    done_by_fingerprint_.try_emplace(fp, key);
}

void Coordinator::ResolveWaitersLocked(storage::JournalBatch& batch, int64_t now_ms) const {
  std::map<TrialKey, size_t> position;  // Latest version of a trial within the batch.
  for (size_t i = 0; i < batch.trials.size(); ++i)
    position[{batch.trials[i].study_id(), batch.trials[i].id()}] = i;
  auto current = [&](const TrialKey& key) -> v1::Trial {
    auto it = position.find(key);
    return it != position.end() ? batch.trials[it->second] : studies_.at(key.first)->trials()[key.second];
  };
  auto put = [&](v1::Trial trial) {
    const TrialKey key{trial.study_id(), trial.id()};
    auto it = position.find(key);
    if (it != position.end()) {
      batch.trials[it->second] = std::move(trial);
    } else {
      position[key] = batch.trials.size();
      batch.trials.push_back(std::move(trial));
    }
  };
  for (size_t i = 0; i < batch.trials.size(); ++i) {
    const v1::Trial done = batch.trials[i];
    if (done.state() == v1::Trial::PENDING || done.state() == v1::Trial::RUNNING) continue;
    auto waiting = waiters_.find({done.study_id(), done.id()});
    if (waiting == waiters_.end()) continue;
    v1::TrialRef released;  // The waiter that runs instead, when `done` did not succeed.
    for (const TrialKey& key : waiting->second) {
      v1::Trial waiter = current(key);
      if (waiter.state() != v1::Trial::PENDING || waiter.waiting_for().trial_id() != done.id() ||
          waiter.waiting_for().study_id() != done.study_id()) {
        continue;
      }
      if (done.state() == v1::Trial::SUCCEEDED) {
        waiter.set_state(v1::Trial::SUCCEEDED);
        *waiter.mutable_metrics() = done.metrics();
        *waiter.mutable_artifacts() = done.artifacts();
        *waiter.mutable_reused_from() = done.has_reused_from() ? done.reused_from() : waiter.waiting_for();
        waiter.set_start_unix_ms(now_ms);
        waiter.set_end_unix_ms(now_ms);
        waiter.clear_waiting_for();
      } else if (released.study_name().empty()) {
        waiter.clear_waiting_for();  // Runs itself: queued for the next worker.
        released.set_study_id(waiter.study_id());
        released.set_trial_id(waiter.id());
        released.set_study_name(studies_.at(waiter.study_id())->study().spec().name());
      } else {
        *waiter.mutable_waiting_for() = released;
      }
      put(std::move(waiter));
    }
  }
}

void Coordinator::EndStudyLocked(StudyState& state, v1::Study::State end, const std::string& reason,
                                 storage::JournalBatch& batch, int64_t now_ms) const {
  if (options_.log != nullptr) {
    options_.log->Info("study_ended", {{"study", absl::StrCat(state.study().id())},
                                       {"study_name", state.study().spec().name()},
                                       {"state", v1::Study::State_Name(end)},
                                       {"reason", reason}});
  }
  v1::Study study = state.study();
  study.set_state(end);
  study.set_reason(reason);
  study.set_end_unix_ms(now_ms);
  batch.studies.push_back(std::move(study));
  for (const v1::Trial& trial : state.trials()) {
    if (trial.state() != v1::Trial::PENDING && trial.state() != v1::Trial::RUNNING) continue;
    v1::Trial cancelled = trial;
    cancelled.set_state(v1::Trial::CANCELLED);
    cancelled.set_reason(reason.empty() ? "study ended" : reason);
    cancelled.clear_lease_id();
    cancelled.clear_lease_expire_unix_ms();
    cancelled.set_end_unix_ms(now_ms);
    batch.trials.push_back(std::move(cancelled));
  }
}

void Coordinator::MaybeEndStudyLocked(StudyState& state, storage::JournalBatch& batch, int64_t now_ms) const {
  if (!state.active()) return;
  const int max_failed = state.study().spec().budget().max_failed();
  if (state.counts().failed() > max_failed) {
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
    EndStudyLocked(state, v1::Study::FAILED,
                   absl::StrCat(state.counts().failed(), " trials failed, more than budget.max_failed (",
                                max_failed, ")", last.empty() ? "" : "; last: ", last),
                   batch, now_ms);
  } else if (state.Finished()) {
    EndStudyLocked(state, v1::Study::COMPLETED, "", batch, now_ms);
  }
}

// ------------------------------------------------------------------------------------------------
// Studies.

absl::StatusOr<std::pair<v1::Study, bool>> Coordinator::CreateStudy(const v1::StudySpec& raw_spec,
                                                                    std::vector<std::string>* warnings) {
  RETURN_IF_ERROR(ValidateStudySpec(raw_spec));
  const v1::StudySpec spec = WithDefaults(raw_spec);
  v1::Study study;
  study.set_state(v1::Study::ACTIVE);
  *study.mutable_spec() = spec;
  RETURN_IF_ERROR(DigestData(study, warnings));
  // Checks the spec suits its strategy before anything else (the warm-start prior comes later).
  RETURN_IF_ERROR(NewStudyState(study, "").status());

  std::lock_guard<std::mutex> lock(mu_);
  auto existing = study_by_name_.find(spec.name());
  if (existing != study_by_name_.end()) {
    StudyState& old = *studies_.at(existing->second);
    v1::StudySpec old_without_budget = old.study().spec(), new_without_budget = spec;
    old_without_budget.clear_budget();
    new_without_budget.clear_budget();
    if (!google::protobuf::util::MessageDifferencer::Equals(old_without_budget, new_without_budget)) {
      return absl::AlreadyExistsError(absl::StrCat("a study named '", spec.name(), "' (id ", existing->second,
                                                   ") exists with a different spec; choose another name"));
    }
    if (!google::protobuf::util::MessageDifferencer::Equals(old.study().spec().budget(), spec.budget())) {
      RETURN_IF_ERROR(SetBudgetLocked(old, spec.budget()));
      if (warnings)
        warnings->push_back(absl::StrCat("budget of study '", spec.name(), "' updated from the file"));
    }
    return std::make_pair(old.Snapshot(), true);
  }
  if (warnings != nullptr) {
    const std::string space = SpaceFingerprint(spec, study.data_digest());
    for (const auto& [id, other] : studies_) {
      if (SpaceFingerprint(other->study().spec(), other->study().data_digest()) != space) continue;
      warnings->push_back(absl::StrCat("study '", other->study().spec().name(), "' (id ", id,
                                       ") has the same task and search space: results of points it has run ",
                                       "will be reused, not run again"));
    }
  }
  if (warnings != nullptr && !workers_.empty()) {
    bool runnable = false;
    for (const auto& [id, worker] : workers_) runnable = runnable || CanRun(worker.info, spec.task());
    if (!runnable) {
      const std::string kind = TaskKind(spec.task());
      warnings->push_back(
          kind == "command" && !spec.task().command().argv().empty()
              ? absl::StrCat("no registered worker (of ", workers_.size(), ") may run the command '",
                             spec.task().command().argv(0), "': start a worker with --allow-command PATH ",
                             "(the program or its directory); until then its trials fail on the workers")
              : absl::StrCat("no registered worker (of ", workers_.size(),
                             ") has an executor for task kind '", kind,
                             "'; its trials fail until one registers"));
    }
  }
  study.set_id(next_study_id_);
  study.set_create_unix_ms(clock_->NowMs());
  std::vector<searcher::TrialView> prior;
  for (int i = 0; i < spec.warm_start().studies_size(); ++i) {
    absl::StatusOr<StudyState*> source = FindLocked(spec.warm_start().studies(i));
    if (!source.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("warm_start.studies[", i, "]: ", source.status().message()));
    }
    RETURN_IF_ERROR(CheckWarmStartSource(study, (*source)->study(), i));
    const int used = AppendWarmStartObservations(study, (*source)->study(), (*source)->trials(),
                                                 study.create_unix_ms(), prior);
    study.add_warm_start_study_ids((*source)->study().id());
    if (warnings != nullptr) {
      warnings->push_back(absl::StrCat("warm start: ", used, " trials of study '",
                                       (*source)->study().spec().name(), "' seed the model",
                                       spec.algorithm().has_bayesian() ? "" : " (only bayesian uses them)"));
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<StudyState> state, NewStudyState(study, "", std::move(prior)));
  storage::JournalBatch batch;
  batch.studies.push_back(study);
  RETURN_IF_ERROR(WriteJournal(batch));
  if (options_.log != nullptr) {
    options_.log->Info("study_created", {{"study", absl::StrCat(study.id())},
                                         {"study_name", spec.name()},
                                         {"task", TaskKind(spec.task())},
                                         {"max_trials", absl::StrCat(spec.budget().max_trials())}});
  }
  ++next_study_id_;
  state->ApplyStudy(study);
  study_by_name_[spec.name()] = study.id();
  v1::Study snapshot = state->Snapshot();
  studies_[study.id()] = std::move(state);
  changed_.notify_all();
  return std::make_pair(std::move(snapshot), false);
}

absl::StatusOr<v1::Study> Coordinator::GetStudy(absl::string_view ref) const {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(const StudyState* state, FindLocked(ref));
  return state->Snapshot();
}

std::vector<v1::Study> Coordinator::ListStudies(absl::string_view tag) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<v1::Study> out;
  for (const auto& [id, state] : studies_) {
    const auto& tags = state->study().spec().tags();
    if (!tag.empty() && std::find(tags.begin(), tags.end(), tag) == tags.end()) continue;
    out.push_back(state->Snapshot());
  }
  return out;
}

absl::StatusOr<v1::Study> Coordinator::ConcludeStudy(absl::string_view ref, const std::string& conclusion) {
  if (absl::StripAsciiWhitespace(conclusion).empty()) {
    return absl::InvalidArgumentError("conclusion: must not be empty");
  }
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(StudyState * state, FindLocked(ref));
  v1::Study updated = state->study();
  updated.set_conclusion(conclusion);
  updated.set_conclusion_unix_ms(clock_->NowMs());
  storage::JournalBatch batch;
  batch.studies.push_back(std::move(updated));
  RETURN_IF_ERROR(CommitLocked(std::move(batch)));
  return state->Snapshot();
}

absl::StatusOr<v1::Trial> Coordinator::AddTrialNote(absl::string_view ref, int64_t trial_id,
                                                    const std::string& text) {
  if (absl::StripAsciiWhitespace(text).empty()) return absl::InvalidArgumentError("text: must not be empty");
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(StudyState * state, FindLocked(ref));
  if (trial_id < 0 || trial_id >= static_cast<int64_t>(state->trials().size())) {
    return absl::NotFoundError(absl::StrCat("study '", state->study().spec().name(), "' has no trial ",
                                            trial_id, " (it has ", state->trials().size(), ")"));
  }
  v1::Trial trial = state->trials()[trial_id];
  if (trial.notes_size() >= kMaxNotesPerTrial) {
    return absl::ResourceExhaustedError(
        absl::StrCat("trial ", trial_id, ": ", trial.notes_size(),
                     " notes, the limit max_notes_per_trial = ", kMaxNotesPerTrial));
  }
  v1::Note* note = trial.add_notes();
  note->set_text(text);
  note->set_time_unix_ms(clock_->NowMs());
  storage::JournalBatch batch;
  batch.trials.push_back(trial);
  RETURN_IF_ERROR(CommitLocked(std::move(batch)));
  return state->trials()[trial_id];
}

absl::StatusOr<v1::Study> Coordinator::CancelStudy(absl::string_view ref) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(StudyState * state, FindLocked(ref));
  if (state->ended()) {
    return absl::FailedPreconditionError(absl::StrCat("study '", state->study().spec().name(),
                                                      "' has already ended (",
                                                      v1::Study::State_Name(state->study().state()), ")"));
  }
  storage::JournalBatch batch;
  EndStudyLocked(*state, v1::Study::CANCELLED, "study cancelled", batch, clock_->NowMs());
  RETURN_IF_ERROR(CommitLocked(std::move(batch)));
  return state->Snapshot();
}

absl::StatusOr<v1::Study> Coordinator::PauseStudy(absl::string_view ref) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(StudyState * state, FindLocked(ref));
  if (!state->active()) {
    return absl::FailedPreconditionError(absl::StrCat("study '", state->study().spec().name(), "' is ",
                                                      v1::Study::State_Name(state->study().state()),
                                                      ", not ACTIVE"));
  }
  storage::JournalBatch batch;
  batch.studies.push_back(state->study());
  batch.studies.back().set_state(v1::Study::PAUSED);
  RETURN_IF_ERROR(CommitLocked(std::move(batch)));
  if (options_.log != nullptr) {
    options_.log->Info("study_paused", {{"study", absl::StrCat(state->study().id())},
                                        {"study_name", state->study().spec().name()}});
  }
  return state->Snapshot();
}

absl::StatusOr<v1::Study> Coordinator::ResumeStudy(absl::string_view ref) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(StudyState * state, FindLocked(ref));
  if (state->study().state() != v1::Study::PAUSED) {
    return absl::FailedPreconditionError(absl::StrCat("study '", state->study().spec().name(), "' is ",
                                                      v1::Study::State_Name(state->study().state()),
                                                      ", not PAUSED"));
  }
  storage::JournalBatch batch;
  batch.studies.push_back(state->study());
  batch.studies.back().set_state(v1::Study::ACTIVE);
  RETURN_IF_ERROR(CommitLocked(std::move(batch)));
  if (options_.log != nullptr) {
    options_.log->Info("study_resumed", {{"study", absl::StrCat(state->study().id())},
                                         {"study_name", state->study().spec().name()}});
  }
  return state->Snapshot();
}

absl::Status Coordinator::SetBudgetLocked(StudyState& state, const v1::Budget& budget) {
  const v1::Study& study = state.study();
  if (study.state() == v1::Study::FAILED || study.state() == v1::Study::CANCELLED) {
    return absl::FailedPreconditionError(absl::StrCat("study '", study.spec().name(), "' has ended (",
                                                      v1::Study::State_Name(study.state()), ")"));
  }
  if (budget.max_trials() < state.counts().total() || budget.max_trials() < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("budget.max_trials: must be >= ", std::max(1, state.counts().total()),
                     " (trials already created), got ", budget.max_trials()));
  }
  v1::Study updated = study;
  *updated.mutable_spec()->mutable_budget() = budget;
  storage::JournalBatch batch;
  batch.studies.push_back(updated);
  RETURN_IF_ERROR(CommitLocked(std::move(batch)));
  if (state.study().state() == v1::Study::COMPLETED && state.planned_trials() > state.counts().total()) {
    updated = state.study();
    updated.set_state(v1::Study::ACTIVE);
    updated.clear_reason();
    updated.clear_end_unix_ms();
    storage::JournalBatch reopen;
    reopen.studies.push_back(std::move(updated));
    RETURN_IF_ERROR(CommitLocked(std::move(reopen)));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Study> Coordinator::SetStudyBudget(absl::string_view ref, int32_t max_trials) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(StudyState * state, FindLocked(ref));
  v1::Budget budget = state->study().spec().budget();
  budget.set_max_trials(max_trials);
  RETURN_IF_ERROR(SetBudgetLocked(*state, budget));
  return state->Snapshot();
}

absl::StatusOr<int64_t> Coordinator::Backup(const std::string& dir) {
  if (dir.empty()) return absl::InvalidArgumentError("dir: required");
  return journal_->Checkpoint(dir);
}

absl::StatusOr<std::vector<v1::TrialWithMeasurements>> Coordinator::ListTrials(absl::string_view ref,
                                                                               bool with_measurements) const {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(const StudyState* state, FindLocked(ref));
  std::vector<v1::TrialWithMeasurements> out;
  out.reserve(state->trials().size());
  for (const v1::Trial& trial : state->trials()) {
    v1::TrialWithMeasurements item;
    *item.mutable_trial() = trial;
    if (with_measurements && trial.measurement_count() > 0) {
      ASSIGN_OR_RETURN(std::vector<v1::Measurement> measurements,
                       journal_->LoadMeasurements(trial.study_id(), trial.id()));
      for (v1::Measurement& m : measurements) *item.add_measurements() = std::move(m);
    }
    out.push_back(std::move(item));
  }
  return out;
}

absl::StatusOr<v1::Trial> Coordinator::BestTrial(absl::string_view ref) const {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(const StudyState* state, FindLocked(ref));
  const v1::Study snapshot = state->Snapshot();
  if (snapshot.best_trial_id() < 0) {
    return absl::NotFoundError(
        absl::StrCat("study '", snapshot.spec().name(), "' has no succeeded trial yet"));
  }
  return state->trials()[snapshot.best_trial_id()];
}

absl::StatusOr<std::pair<v1::Study, uint64_t>> Coordinator::WaitForChange(absl::string_view ref,
                                                                          uint64_t seen_version,
                                                                          int64_t timeout_ms) const {
  std::unique_lock<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(const StudyState* state, FindLocked(ref));
  changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                    [&] { return state->version() != seen_version; });
  return std::make_pair(state->Snapshot(), state->version());
}

// ------------------------------------------------------------------------------------------------
// Workers.

namespace {

absl::Status NotTheOwner(absl::string_view worker_id, absl::string_view owner, absl::string_view caller) {
  auto name = [](absl::string_view p) {
    return p.empty() ? std::string("(no name)") : absl::StrCat("'", p, "'");
  };
  return absl::PermissionDeniedError(absl::StrCat(
      "worker '", worker_id, "' was registered with the token named ", name(owner),
      "; this call's token is named ", name(caller),
      ": a worker id belongs to the token that registered it (start this worker under another --id)"));
}

}  // namespace

absl::Status Coordinator::RegisterWorker(const v1::WorkerInfo& info, absl::string_view principal) {
  if (info.id().empty() || info.id().size() > 256) {
    return absl::InvalidArgumentError("worker.id: required, at most 256 characters");
  }
  if (info.slots() < 1 || info.slots() > 4096) {
    return absl::InvalidArgumentError(absl::StrCat("worker.slots: must be in [1, 4096], got ", info.slots()));
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (evicted_.count(info.id())) {
    return absl::FailedPreconditionError(
        absl::StrCat("worker '", info.id(), "' was evicted by an operator; ",
                     "start it under another --id (or restart the coordinator)"));
  }
  auto it = workers_.find(info.id());
  if (it == workers_.end() && static_cast<int>(workers_.size()) >= options_.max_workers) {
    return absl::ResourceExhaustedError(
        absl::StrCat("worker '", info.id(), "': ", workers_.size(),
                     " workers registered, the limit max_workers = ", options_.max_workers));
  }
  const bool fresh = it == workers_.end();
  if (!fresh && it->second.principal != principal)
    return NotTheOwner(info.id(), it->second.principal, principal);
  WorkerRecord& record = workers_[info.id()];
  if (fresh) record.draining = drained_.count(info.id()) > 0;
  record.info = info;
  record.principal = std::string(principal);
  record.last_seen_ms = clock_->NowMs();
  if (fresh && options_.log != nullptr) {
    std::string executors, allowed;
    for (const std::string& e : info.executors())
      absl::StrAppend(&executors, executors.empty() ? "" : ",", e);
    for (const std::string& a : info.allowed_commands())
      absl::StrAppend(&allowed, allowed.empty() ? "" : ",", a);
    options_.log->Info("worker_registered", {{"worker", info.id()},
                                             {"host", info.host()},
                                             {"slots", absl::StrCat(info.slots())},
                                             {"threads", absl::StrCat(info.threads())},
                                             {"executors", executors},
                                             {"allowed_commands", allowed.empty() ? "-" : allowed}});
  }
  return absl::OkStatus();
}

absl::StatusOr<Coordinator::WorkerRecord*> Coordinator::TouchWorkerLocked(absl::string_view worker_id,
                                                                          absl::string_view principal) {
  auto it = workers_.find(worker_id);
  if (it == workers_.end()) {
    return absl::NotFoundError(absl::StrCat("worker '", worker_id, "' is not registered; register first"));
  }
  if (it->second.principal != principal) return NotTheOwner(worker_id, it->second.principal, principal);
  it->second.last_seen_ms = clock_->NowMs();
  return &it->second;
}

absl::StatusOr<std::vector<v1::Assignment>> Coordinator::Acquire(absl::string_view worker_id, int max_trials,
                                                                 absl::string_view principal) {
  if (max_trials < 1 || max_trials > options_.max_acquire) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_trials: must be in [1, ", options_.max_acquire, "], got ", max_trials));
  }
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(WorkerRecord * worker, TouchWorkerLocked(worker_id, principal));
  if (worker->draining) return std::vector<v1::Assignment>{};
  const int64_t now = clock_->NowMs();

  // Plan: one trial per active study per round, starting after the study served last (a fair share).
  std::vector<StudyState*> order;
  for (auto it = studies_.upper_bound(round_robin_); it != studies_.end(); ++it)
    order.push_back(it->second.get());
  for (auto it = studies_.begin(); it != studies_.end() && it->first <= round_robin_; ++it) {
    order.push_back(it->second.get());
  }
  std::vector<int> take(order.size(), 0);  // Trials to lease from order[i], served in that order.
  int planned = 0;
  for (bool progress = true; progress && planned < max_trials;) {
    progress = false;
    for (size_t i = 0; i < order.size(); ++i) {
      StudyState* s = order[i];
      if (planned >= max_trials) break;
      if (!s->active()) continue;
      const int already = take[i];
      const int parallel_room = s->study().spec().budget().max_parallel() - s->counts().running() - already;
      const int64_t available =
          static_cast<int64_t>(s->queued().size()) + s->planned_trials() - s->counts().total() - already;
      if (parallel_room <= 0 || available <= 0) continue;
      ++take[i];
      ++planned;
      progress = true;
      round_robin_ = s->study().id();
    }
  }

  std::vector<TrialKey> leased;
  for (size_t i = 0; i < order.size(); ++i) {
    StudyState* s = order[i];
    if (take[i] == 0) continue;
    storage::JournalBatch batch;
    int remaining = take[i];
    for (auto it = s->queued().begin(); it != s->queued().end() && remaining > 0; ++it, --remaining) {
      v1::Trial trial = s->trials()[*it];
      Lease(trial, worker_id, now);
      leased.emplace_back(trial.study_id(), trial.id());
      batch.trials.push_back(std::move(trial));
    }
    RETURN_IF_ERROR(CommitLocked(std::move(batch)));
    if (remaining > 0) RETURN_IF_ERROR(SuggestAndLeaseLocked(*s, remaining, worker_id, now, leased));
  }

  std::vector<v1::Assignment> out;
  for (const TrialKey& key : leased) {
    const StudyState& state = *studies_.at(key.first);
    const v1::Trial& trial = state.trials()[key.second];
    if (trial.state() != v1::Trial::RUNNING) continue;  // Ended meanwhile (its study finished).
    v1::Assignment a;
    *a.mutable_trial() = trial;
    a.set_study_name(state.study().spec().name());
    *a.mutable_task() = state.study().spec().task();
    *a.mutable_objective() = state.study().spec().objective();
    if (options_.log != nullptr) {
      options_.log->Info("trial_leased", {{"study", absl::StrCat(trial.study_id())},
                                          {"trial", absl::StrCat(trial.id())},
                                          {"worker", std::string(worker_id)},
                                          {"attempt", absl::StrCat(trial.attempt())}});
    }
    out.push_back(std::move(a));
  }
  return out;
}

void Coordinator::Lease(v1::Trial& trial, absl::string_view worker_id, int64_t now_ms) const {
  trial.set_state(v1::Trial::RUNNING);
  trial.set_lease_id(NewLeaseId());
  trial.set_worker_id(std::string(worker_id));
  trial.set_attempt(trial.attempt() + 1);
  trial.set_start_unix_ms(now_ms);
  trial.set_lease_expire_unix_ms(now_ms + options_.lease_timeout_ms);
  trial.clear_reason();
}

absl::Status Coordinator::SuggestAndLeaseLocked(StudyState& s, int count, absl::string_view worker_id,
                                                int64_t now_ms, std::vector<TrialKey>& leased) {
  const v1::StudySpec& spec = s.study().spec();
  // Reuses and waiters take budget but no slot, so ask again until `count` run or the budget is spent.
  while (count > 0 && s.active() && s.counts().total() < s.planned_trials()) {
    const int ask = static_cast<int>(std::min<int64_t>(count, s.planned_trials() - s.counts().total()));
    std::string strategy_state = s.strategy_state();
    const auto suggest_start = std::chrono::steady_clock::now();
    absl::StatusOr<std::vector<searcher::Assignment>> suggestion =
        s.strategy().Suggest(s.history(), ask, strategy_state);
    if (options_.metrics != nullptr) options_.metrics->ObserveSuggest(SecondsSince(suggest_start));
    ASSIGN_OR_RETURN(std::vector<searcher::Assignment> suggested, std::move(suggestion));
    if (suggested.empty()) break;
    storage::JournalBatch batch;
    std::unordered_map<std::string, int64_t> in_batch;  // Fingerprint -> new trial that will run it.
    for (size_t i = 0; i < suggested.size(); ++i) {
      v1::Trial trial;
      trial.set_study_id(s.study().id());
      trial.set_id(s.counts().total() + static_cast<int64_t>(i));
      for (v1::Parameter& p : ToParameters(spec, suggested[i])) *trial.add_parameters() = std::move(p);
      trial.set_create_unix_ms(now_ms);
      trial.set_fingerprint(TrialFingerprint(spec, trial.parameters(), s.study().data_digest()));
      auto twin_of = [&](int64_t study_id, int64_t trial_id) {
        v1::TrialRef ref;
        ref.set_study_id(study_id);
        ref.set_trial_id(trial_id);
        ref.set_study_name(studies_.at(study_id)->study().spec().name());
        return ref;
      };
      if (auto done = done_by_fingerprint_.find(trial.fingerprint()); done != done_by_fingerprint_.end()) {
        const v1::Trial& original = studies_.at(done->second.first)->trials()[done->second.second];
        trial.set_state(v1::Trial::SUCCEEDED);
        *trial.mutable_metrics() = original.metrics();
        *trial.mutable_artifacts() = original.artifacts();
        *trial.mutable_reused_from() = twin_of(done->second.first, done->second.second);
        trial.set_start_unix_ms(now_ms);
        trial.set_end_unix_ms(now_ms);
      } else if (auto running = inflight_by_fingerprint_.find(trial.fingerprint());
                 running != inflight_by_fingerprint_.end()) {
        trial.set_state(v1::Trial::PENDING);
        *trial.mutable_waiting_for() = twin_of(running->second.first, running->second.second);
      } else if (auto twin = in_batch.find(trial.fingerprint()); twin != in_batch.end()) {
        trial.set_state(v1::Trial::PENDING);
        v1::TrialRef ref;
        ref.set_study_id(s.study().id());
        ref.set_trial_id(twin->second);
        ref.set_study_name(spec.name());
        *trial.mutable_waiting_for() = ref;
      } else {
        Lease(trial, worker_id, now_ms);
        in_batch.emplace(trial.fingerprint(), trial.id());
        leased.emplace_back(trial.study_id(), trial.id());
        --count;
      }
      batch.trials.push_back(std::move(trial));
    }
    if (strategy_state != s.strategy_state())
      batch.searcher_states.emplace_back(s.study().id(), strategy_state);
    RETURN_IF_ERROR(CommitLocked(std::move(batch)));
  }
  return absl::OkStatus();
}

absl::StatusOr<StudyState*> Coordinator::CheckLeaseLocked(const v1::LeaseRef& lease) const {
  ASSIGN_OR_RETURN(StudyState * state, FindLocked(lease.study_id()));
  if (lease.trial_id() < 0 || lease.trial_id() >= static_cast<int64_t>(state->trials().size())) {
    return absl::NotFoundError(absl::StrCat("study ", lease.study_id(), " has no trial ", lease.trial_id()));
  }
  if (state->ended()) {
    return absl::FailedPreconditionError(absl::StrCat("study ", lease.study_id(), " has ended (",
                                                      v1::Study::State_Name(state->study().state()), ")"));
  }
  const v1::Trial& trial = state->trials()[lease.trial_id()];
  if (trial.state() != v1::Trial::RUNNING || trial.lease_id() != lease.lease_id()) {
    return absl::AbortedError(absl::StrCat("trial ", lease.study_id(), "/", lease.trial_id(), ": lease ",
                                           lease.lease_id(), " is no longer held (trial is ",
                                           v1::Trial::State_Name(trial.state()), ")"));
  }
  return state;
}

absl::StatusOr<std::vector<v1::TrialReportResult>> Coordinator::Report(
    absl::string_view worker_id, const std::vector<v1::TrialReport>& reports, absl::string_view principal) {
  if (static_cast<int>(reports.size()) > options_.max_batch) {
    return absl::InvalidArgumentError(absl::StrCat("reports: at most ", options_.max_batch, " per call"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(TouchWorkerLocked(worker_id, principal).status());
  const int64_t now = clock_->NowMs();
  std::vector<v1::TrialReportResult> results(reports.size());
  std::map<TrialKey, v1::Trial> changed;
  storage::JournalBatch batch;
  for (size_t i = 0; i < reports.size(); ++i) {
    const v1::LeaseRef& ref = reports[i].lease();
    absl::StatusOr<StudyState*> state = CheckLeaseLocked(ref);
    *results[i].mutable_status() = ItemOf(state.status());
    if (!state.ok()) continue;
    (*state)->mutable_trial(ref.trial_id()).set_lease_expire_unix_ms(now + options_.lease_timeout_ms);
    if (reports[i].measurements().empty()) continue;
    auto [it, inserted] =
        changed.try_emplace({ref.study_id(), ref.trial_id()}, (*state)->trials()[ref.trial_id()]);
    v1::Trial& trial = it->second;
    for (const v1::Measurement& m : reports[i].measurements()) {
      storage::MeasurementRecord record{ref.study_id(), ref.trial_id(), trial.measurement_count(), m};
      if (record.measurement.time_unix_ms() == 0) record.measurement.set_time_unix_ms(now);
      batch.measurements.push_back(std::move(record));
      trial.set_measurement_count(trial.measurement_count() + 1);
    }
  }
  for (auto& [key, trial] : changed) batch.trials.push_back(std::move(trial));
  RETURN_IF_ERROR(CommitLocked(std::move(batch)));
  // Early stopping judges the measurements once they are journaled.
  for (size_t i = 0; i < reports.size(); ++i) {
    if (results[i].status().code() != 0 || reports[i].measurements().empty()) continue;
    StudyState& state = *studies_.at(reports[i].lease().study_id());
    const int64_t trial = reports[i].lease().trial_id();
    for (const v1::Measurement& m : reports[i].measurements()) {
      if (state.AddMeasurement(trial, m)) results[i].set_should_stop(true);
    }
    if (state.trials()[trial].state() != v1::Trial::RUNNING) results[i].set_should_stop(false);
  }
  return results;
}

absl::StatusOr<std::vector<v1::ItemStatus>> Coordinator::Complete(
    absl::string_view worker_id, const std::vector<v1::TrialCompletion>& completions,
    absl::string_view principal) {
  if (static_cast<int>(completions.size()) > options_.max_batch) {
    return absl::InvalidArgumentError(absl::StrCat("completions: at most ", options_.max_batch, " per call"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(TouchWorkerLocked(worker_id, principal).status());
  const int64_t now = clock_->NowMs();
  std::vector<v1::ItemStatus> results(completions.size());
  std::map<TrialKey, v1::Trial> changed;
  storage::JournalBatch batch;
  for (size_t i = 0; i < completions.size(); ++i) {
    const v1::TrialCompletion& c = completions[i];
    const TrialKey key{c.lease().study_id(), c.lease().trial_id()};
    absl::StatusOr<StudyState*> state = CheckLeaseLocked(c.lease());
    if (state.ok() && changed.count(key)) state = absl::AbortedError("trial completed twice in one call");
    if (state.ok() && (!IsTerminal(c.state()) || c.state() == v1::Trial::CANCELLED)) {
      state = absl::InvalidArgumentError(
          absl::StrCat("completions[", i, "].state: must be SUCCEEDED, FAILED, ",
                       "STOPPED or INFEASIBLE, got ", v1::Trial::State_Name(c.state())));
    }
    results[i] = ItemOf(state.status());
    if (!state.ok()) continue;
    v1::Trial trial = (*state)->trials()[key.second];
    trial.set_state(c.state());
    *trial.mutable_metrics() = c.metrics();
    *trial.mutable_artifacts() = c.artifacts();
    trial.set_reason(c.reason().substr(0, 4096));
    trial.set_end_unix_ms(now);
    trial.clear_lease_id();
    trial.clear_lease_expire_unix_ms();
    const std::string& metric = (*state)->study().spec().objective().metric();
    if (c.state() == v1::Trial::SUCCEEDED) {
      auto it = c.metrics().find(metric);
      if (it == c.metrics().end() || !std::isfinite(it->second)) {
        trial.set_state(v1::Trial::FAILED);
        trial.set_reason(it == c.metrics().end()
                             ? absl::StrCat("objective metric '", metric, "' was not reported")
                             : absl::StrCat("objective metric '", metric, "' is ", it->second));
      }
    }
    for (const v1::Measurement& m : c.measurements()) {
      batch.measurements.push_back({key.first, key.second, trial.measurement_count(), m});
      trial.set_measurement_count(trial.measurement_count() + 1);
    }
    changed.emplace(key, std::move(trial));
  }
  for (auto& [key, trial] : changed) batch.trials.push_back(std::move(trial));
  RETURN_IF_ERROR(CommitLocked(std::move(batch)));
  for (size_t i = 0; i < completions.size(); ++i) {
    if (results[i].code() != 0) continue;
    StudyState& state = *studies_.at(completions[i].lease().study_id());
    const int64_t trial = completions[i].lease().trial_id();
    if (options_.log != nullptr) {
      const v1::Trial& done = state.trials()[trial];
      options_.log->Info("trial_completed", {{"study", absl::StrCat(done.study_id())},
                                             {"trial", absl::StrCat(trial)},
                                             {"worker", std::string(worker_id)},
                                             {"state", v1::Trial::State_Name(done.state())},
                                             {"reason", done.reason().substr(0, 200)}});
    }
    for (const v1::Measurement& m : completions[i].measurements()) state.AddMeasurement(trial, m);
    if (state.trials()[trial].state() == v1::Trial::SUCCEEDED) state.MarkCompleted(trial);
  }
  return results;
}

absl::Status Coordinator::ExpireLeases() {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = clock_->NowMs();
  storage::JournalBatch batch;
  for (auto& [id, state] : studies_) {
    if (state->ended() || state->counts().running() == 0) continue;
    const int max_attempts = state->study().spec().budget().max_attempts();
    for (const v1::Trial& running : state->trials()) {
      if (running.state() != v1::Trial::RUNNING || running.lease_expire_unix_ms() > now) continue;
      v1::Trial trial = running;
      if (trial.attempt() >= max_attempts) {
        trial.set_state(v1::Trial::FAILED);
        trial.set_reason(absl::StrCat("lease expired ", trial.attempt(),
                                      " times (budget.max_attempts); last worker ", trial.worker_id(),
                                      " stopped reporting"));
        trial.set_end_unix_ms(now);
      } else {
        trial.set_state(v1::Trial::PENDING);
        trial.set_reason(absl::StrCat("lease of worker ", trial.worker_id(), " expired; requeued"));
      }
      trial.clear_lease_id();
      trial.clear_lease_expire_unix_ms();
      if (options_.log != nullptr) {
        options_.log->Warn("lease_expired", {{"study", absl::StrCat(trial.study_id())},
                                             {"trial", absl::StrCat(trial.id())},
                                             {"worker", trial.worker_id()},
                                             {"attempt", absl::StrCat(trial.attempt())},
                                             {"state", v1::Trial::State_Name(trial.state())}});
      }
      batch.trials.push_back(std::move(trial));
    }
  }
  const int64_t expired = static_cast<int64_t>(batch.trials.size());
  RETURN_IF_ERROR(CommitLocked(std::move(batch)));
  if (options_.metrics != nullptr && expired > 0) options_.metrics->CountLeaseExpiries(expired);
  return absl::OkStatus();
}

// ------------------------------------------------------------------------------------------------
// Admin.

v1::GetStatusResponse Coordinator::Status() const {
  v1::GetStatusResponse out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    out.set_version(HYPERLAB_VERSION);
    out.set_uptime_ms(clock_->NowMs() - start_ms_);
    for (const auto& [id, state] : studies_) {
      if (state->active()) out.set_active_studies(out.active_studies() + 1);
      *out.add_studies() = state->Snapshot();
    }
  }
  for (v1::WorkerStatus& w : Workers()) *out.add_worker_status() = std::move(w);
  out.set_workers(out.worker_status_size());
  return out;
}

std::vector<v1::WorkerStatus> Coordinator::Workers() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, v1::WorkerStatus, std::less<>> out;
  for (const auto& [id, record] : workers_) {
    v1::WorkerStatus& status = out[id];
    *status.mutable_info() = record.info;
    status.set_last_seen_unix_ms(record.last_seen_ms);
    status.set_draining(record.draining);
  }
  for (const auto& [id, state] : studies_) {
    if (state->counts().running() == 0) continue;
    for (const v1::Trial& trial : state->trials()) {
      if (trial.state() != v1::Trial::RUNNING) continue;
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

bool Coordinator::IsDraining(absl::string_view worker_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = workers_.find(worker_id);
  return it != workers_.end() && it->second.draining;
}

absl::StatusOr<v1::WorkerStatus> Coordinator::DrainWorker(absl::string_view worker_id, bool drain) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = workers_.find(worker_id);
    const bool was_drained = drained_.count(worker_id) > 0;
    if (it == workers_.end() && !was_drained) {
      return absl::NotFoundError(absl::StrCat("no worker with id '", worker_id, "'"));
    }
    if (was_drained != drain) {
      storage::JournalBatch batch;
      batch.worker_drains.emplace_back(std::string(worker_id), drain);
      RETURN_IF_ERROR(WriteJournal(batch));
      if (drain) {
        drained_.insert(std::string(worker_id));
      } else {
        drained_.erase(drained_.find(worker_id));
      }
    }
    if (it != workers_.end()) it->second.draining = drain;
    if (options_.log != nullptr) {
      options_.log->Info(drain ? "worker_drained" : "worker_undrained", {{"worker", std::string(worker_id)}});
    }
    if (it == workers_.end()) {  // Drained earlier, not registered since this coordinator started.
      v1::WorkerStatus status;
      status.mutable_info()->set_id(std::string(worker_id));
      status.set_draining(drain);
      return status;
    }
  }
  for (v1::WorkerStatus& w : Workers()) {
    if (w.info().id() == worker_id) return w;
  }
  return absl::NotFoundError(absl::StrCat("no worker with id '", worker_id, "'"));  // Evicted meanwhile.
}

absl::StatusOr<std::vector<v1::LeaseRef>> Coordinator::EvictWorker(absl::string_view worker_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = workers_.find(worker_id);
  if (it == workers_.end()) return absl::NotFoundError(absl::StrCat("no worker with id '", worker_id, "'"));
  storage::JournalBatch batch;
  std::vector<v1::LeaseRef> requeued;
  for (auto& [id, state] : studies_) {
    if (state->ended() || state->counts().running() == 0) continue;
    for (const v1::Trial& running : state->trials()) {
      if (running.state() != v1::Trial::RUNNING || running.worker_id() != worker_id) continue;
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
  }
  if (drained_.count(worker_id)) batch.worker_drains.emplace_back(std::string(worker_id), false);
  RETURN_IF_ERROR(CommitLocked(std::move(batch)));
  workers_.erase(it);
  evicted_.insert(std::string(worker_id));
  drained_.erase(std::string(worker_id));
  if (options_.log != nullptr) {
    options_.log->Warn("worker_evicted",
                       {{"worker", std::string(worker_id)}, {"requeued", absl::StrCat(requeued.size())}});
  }
  return requeued;
}

absl::StatusOr<std::pair<StudyState*, const v1::Trial*>> Coordinator::FindTrialLocked(
    absl::string_view study, int64_t trial_id) const {
  ASSIGN_OR_RETURN(StudyState * state, FindLocked(study));
  if (trial_id < 0 || trial_id >= static_cast<int64_t>(state->trials().size())) {
    return absl::NotFoundError(
        absl::StrCat("study '", state->study().spec().name(), "' has no trial ", trial_id));
  }
  return std::make_pair(state, &state->trials()[trial_id]);
}

absl::StatusOr<v1::Trial> Coordinator::RequeueTrial(absl::string_view study, int64_t trial_id,
                                                    absl::string_view reason) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(auto found, FindTrialLocked(study, trial_id));
  auto [state, current] = found;
  const v1::Study::State study_state = state->study().state();
  const std::string where = absl::StrCat("trial ", state->study().spec().name(), "/", trial_id);
  if (study_state == v1::Study::FAILED || study_state == v1::Study::CANCELLED) {
    return absl::FailedPreconditionError(
        absl::StrCat(where, ": the study has ended (", v1::Study::State_Name(study_state), ")"));
  }
  if (current->state() == v1::Trial::SUCCEEDED || current->state() == v1::Trial::PENDING) {
    return absl::FailedPreconditionError(absl::StrCat(
        where, ": is ", v1::Trial::State_Name(current->state()),
        current->state() == v1::Trial::SUCCEEDED ? "; a succeeded result stands (no experiment runs twice)"
                                                 : " already"));
  }
  v1::Trial trial = *current;
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
    v1::Study reopened = state->study();
    reopened.set_state(v1::Study::ACTIVE);
    reopened.clear_reason();
    reopened.clear_end_unix_ms();
    batch.studies.push_back(std::move(reopened));
  }
  RETURN_IF_ERROR(CommitLocked(std::move(batch)));
  if (options_.log != nullptr) {
    options_.log->Warn("trial_requeued", {{"study", absl::StrCat(trial.study_id())},
                                          {"trial", absl::StrCat(trial_id)},
                                          {"worker", trial.worker_id()},
                                          {"reason", std::string(reason)}});
  }
  return state->trials()[trial_id];
}

absl::StatusOr<v1::Trial> Coordinator::FailTrial(absl::string_view study, int64_t trial_id,
                                                 absl::string_view reason) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(auto found, FindTrialLocked(study, trial_id));
  auto [state, current] = found;
  const std::string where = absl::StrCat("trial ", state->study().spec().name(), "/", trial_id);
  if (state->ended()) {
    return absl::FailedPreconditionError(
        absl::StrCat(where, ": the study has ended (", v1::Study::State_Name(state->study().state()), ")"));
  }
  if (current->state() != v1::Trial::PENDING && current->state() != v1::Trial::RUNNING) {
    return absl::FailedPreconditionError(
        absl::StrCat(where, ": has finished (", v1::Trial::State_Name(current->state()), ")"));
  }
  v1::Trial trial = *current;
  trial.set_state(v1::Trial::FAILED);
  trial.set_reason(absl::StrCat("failed by an operator", reason.empty() ? "" : ": ", reason));
  trial.clear_lease_id();
  trial.clear_lease_expire_unix_ms();
  trial.clear_waiting_for();
  trial.set_end_unix_ms(clock_->NowMs());
  storage::JournalBatch batch;
  batch.trials.push_back(trial);
  RETURN_IF_ERROR(CommitLocked(std::move(batch)));
  if (options_.log != nullptr) {
    options_.log->Warn("trial_failed_by_operator", {{"study", absl::StrCat(trial.study_id())},
                                                    {"trial", absl::StrCat(trial_id)},
                                                    {"worker", trial.worker_id()},
                                                    {"reason", std::string(reason)}});
  }
  return state->trials()[trial_id];
}

JournalCounts Coordinator::CountJournal() const {
  std::lock_guard<std::mutex> lock(mu_);
  JournalCounts out;
  out.studies = static_cast<int64_t>(studies_.size());
  for (const auto& [id, state] : studies_) {
    out.trials += static_cast<int64_t>(state->trials().size());
    for (const v1::Trial& t : state->trials()) out.measurements += t.measurement_count();
  }
  return out;
}

}  // namespace hyperlab::coordinator
