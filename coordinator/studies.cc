// Study lifecycle (create, pause, resume, cancel, budget, conclusion, notes) and the reads of studies
// and trials.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/spec/spec_validation.h"
#include "coordinator/coordinator.h"
#include "coordinator/fingerprint.h"
#include "coordinator/spec_convert.h"
#include "coordinator/study_group.h"
#include "coordinator/warm_start.h"
#include "coordinator/worker_capability.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/limits.h"
#include "proto/outcomes.h"

namespace hyperlab::coordinator {
namespace {

using google::protobuf::util::MessageDifferencer;

absl::Status NotActive(const v1::Study& study, absl::string_view wanted) {
  return absl::FailedPreconditionError(absl::StrCat("study '", study.spec().name(), "' is ",
                                                    v1::Study::State_Name(study.state()), ", not ", wanted));
}

}  // namespace

absl::StatusOr<std::pair<v1::Study, bool>> Coordinator::CreateStudy(const v1::StudySpec& raw_spec,
                                                                    std::vector<std::string>* warnings,
                                                                    absl::string_view principal) {
  RETURN_IF_ERROR(ValidateStudySpec(raw_spec));
  const v1::StudySpec spec = WithDefaults(raw_spec);
  v1::Study study;
  study.set_state(v1::Study::ACTIVE);
  *study.mutable_spec() = spec;
  study.set_owner(std::string(principal));
  // Checks the spec suits its strategy before anything else (the warm-start prior comes later).
  RETURN_IF_ERROR(NewStudyState(study, "", {}).status());

  MutexLock create(&create_mu_);
  if (absl::StatusOr<StudyShard*> existing = Find(spec.name()); existing.ok()) {
    return Resubmit(**existing, spec, warnings);
  }
  RETURN_IF_ERROR(CheckOtherStudies(spec, principal, warnings));
  if (warnings != nullptr) WarnAboutTask(spec, *warnings);
  study.set_id(next_study_id_);
  study.set_create_unix_ms(clock_->NowMs());
  ASSIGN_OR_RETURN(std::vector<searcher::TrialView> prior, WarmStartPrior(study, warnings));
  ASSIGN_OR_RETURN(std::unique_ptr<StudyState> state, NewStudyState(study, "", std::move(prior)));
  RETURN_IF_ERROR(JournalNewStudy(study));
  return std::make_pair(AddStudy(study, std::move(state)), false);
}

absl::StatusOr<std::pair<v1::Study, bool>> Coordinator::Resubmit(StudyShard& old, const v1::StudySpec& spec,
                                                                 std::vector<std::string>* warnings) {
  v1::Budget old_budget;
  {
    MutexLock lock(&old.mu);
    v1::StudySpec old_without_budget = old.state().study().spec(), new_without_budget = spec;
    old_without_budget.clear_budget();
    new_without_budget.clear_budget();
    if (!MessageDifferencer::Equals(old_without_budget, new_without_budget)) {
      return absl::AlreadyExistsError(absl::StrCat("a study named '", spec.name(), "' (id ", old.id(),
                                                   ") exists with a different spec; choose another name"));
    }
    old_budget = old.state().study().spec().budget();
  }
  if (!MessageDifferencer::Equals(old_budget, spec.budget())) {
    RETURN_IF_ERROR(Mutate(old, [&](StudyGroup& g) { return SetBudget(g, spec.budget()); }));
    if (warnings)
      warnings->push_back(absl::StrCat("budget of study '", spec.name(), "' updated from the file"));
  }
  MutexLock lock(&old.mu);
  return std::make_pair(old.state().Snapshot(), true);
}

absl::Status Coordinator::CheckOtherStudies(const v1::StudySpec& spec, absl::string_view principal,
                                            std::vector<std::string>* warnings) const {
  int open_by_owner = 0;
  const std::string space = SpaceFingerprint(spec, "");
  for (StudyShard* other : AllShards()) {
    MutexLock lock(&other->mu);
    const v1::Study& o = other->state().study();
    if (!other->state().ended() && o.owner() == principal) ++open_by_owner;
    if (warnings != nullptr && SpaceFingerprint(o.spec(), "") == space) {
      warnings->push_back(absl::StrCat("study '", o.spec().name(), "' (id ", o.id(),
                                       ") has the same task and search space: results of points it has run ",
                                       "will be reused, not run again"));
    }
  }
  if (open_by_owner >= kMaxOpenStudiesPerSubmitter) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "submitter '", principal, "' has ", open_by_owner,
        " studies not ended, the limit max_open_studies_per_submitter = ", kMaxOpenStudiesPerSubmitter,
        "; cancel or finish some first"));
  }
  return absl::OkStatus();
}

void Coordinator::WarnAboutTask(const v1::StudySpec& spec, std::vector<std::string>& warnings) const {
  const std::vector<v1::WorkerInfo> workers = workers_->Infos();
  if (std::string why = WhyNoWorker(spec.task(), workers); !workers.empty() && !why.empty()) {
    warnings.push_back(absl::StrCat(why, "; until then its trials wait"));
  }
  if (std::string leak = TestSetObjective(PrimaryObjective(spec).metric()); !leak.empty()) {
    warnings.push_back(leak);
  }
}

absl::StatusOr<std::vector<searcher::TrialView>> Coordinator::WarmStartPrior(
    v1::Study& study, std::vector<std::string>* warnings) const {
  const v1::StudySpec& spec = study.spec();
  std::vector<searcher::TrialView> prior;
  for (int i = 0; i < spec.warm_start().studies_size(); ++i) {
    absl::StatusOr<StudyShard*> source = Find(spec.warm_start().studies(i));
    if (!source.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("warm_start.studies[", i, "]: ", source.status().message()));
    }
    MutexLock lock(&(*source)->mu);
    const StudyState& from = (*source)->state();
    RETURN_IF_ERROR(CheckWarmStartSource(study, from.study(), i));
    const int used =
        AppendWarmStartObservations(study, from.study(), from.trials(), study.create_unix_ms(), prior);
    study.add_warm_start_study_ids(from.study().id());
    if (warnings != nullptr) {
      warnings->push_back(absl::StrCat("warm start: ", used, " trials of study '", from.study().spec().name(),
                                       "' seed the model",
                                       spec.algorithm().has_bayesian() ? "" : " (only bayesian uses them)"));
    }
  }
  return prior;
}

absl::Status Coordinator::JournalNewStudy(const v1::Study& study) {
  storage::JournalBatch batch;
  batch.studies.push_back(study);
  RETURN_IF_ERROR(committer_.Commit(batch));
  if (options_.log != nullptr) {
    const v1::StudySpec& spec = study.spec();
    options_.log->Info("study_created", {{"study", absl::StrCat(study.id())},
                                         {"study_name", spec.name()},
                                         {"task", TaskKind(spec.task())},
                                         {"max_trials", absl::StrCat(spec.budget().max_trials())}});
  }
  return absl::OkStatus();
}

v1::Study Coordinator::AddStudy(const v1::Study& study, std::unique_ptr<StudyState> state) {
  const v1::StudySpec& spec = study.spec();
  ++next_study_id_;
  state->ApplyStudy(study);
  auto shard = std::make_unique<StudyShard>(study.id(), spec.name(), spec.task(),
                                            SuggestionsDependOnResults(spec.algorithm()), std::move(state));
  v1::Study snapshot;
  {
    MutexLock lock(&shard->mu);
    Summarize(*shard);
    snapshot = shard->state().Snapshot();
  }
  MutexLock lock(&registry_mu_);
  study_by_name_[spec.name()] = study.id();
  shards_[study.id()] = std::move(shard);
  return snapshot;
}

absl::StatusOr<v1::Study> Coordinator::GetStudy(absl::string_view ref) const {
  ASSIGN_OR_RETURN(StudyShard * shard, Find(ref));
  v1::Study study;
  {
    MutexLock lock(&shard->mu);
    study = shard->state().Snapshot();
  }
  SayWhyWaiting(*shard, workers_->Infos(), study);
  return study;
}

std::vector<v1::Study> Coordinator::ListStudies(absl::string_view tag) const {
  std::vector<v1::Study> out;
  const std::vector<v1::WorkerInfo> workers = workers_->Infos();
  for (StudyShard* shard : AllShards()) {
    {
      MutexLock lock(&shard->mu);
      const auto& tags = shard->state().study().spec().tags();
      if (!tag.empty() && std::find(tags.begin(), tags.end(), tag) == tags.end()) continue;
      out.push_back(shard->state().Snapshot());
    }
    SayWhyWaiting(*shard, workers, out.back());
  }
  return out;
}

void Coordinator::SayWhyWaiting(const StudyShard& shard, const std::vector<v1::WorkerInfo>& workers,
                                v1::Study& study) {
  if (study.state() != v1::Study::ACTIVE || shard.dispatchable.load(std::memory_order_relaxed) == 0) return;
  study.set_waiting(WhyNoWorker(shard.task(), workers));
}

absl::StatusOr<v1::Study> Coordinator::ConcludeStudy(absl::string_view ref, const std::string& conclusion) {
  if (absl::StripAsciiWhitespace(conclusion).empty()) {
    return absl::InvalidArgumentError("conclusion: must not be empty");
  }
  ASSIGN_OR_RETURN(StudyShard * shard, Find(ref));
  v1::Study out;
  RETURN_IF_ERROR(Mutate(*shard, [&](StudyGroup& g) {
    v1::Study updated = g.state.study();
    updated.set_conclusion(conclusion);
    updated.set_conclusion_unix_ms(g.now_ms);
    storage::JournalBatch batch;
    batch.studies.push_back(std::move(updated));
    g.Stage(std::move(batch));
    g.on_durable.push_back([&] { out = g.state.Snapshot(); });
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::Trial> Coordinator::AddTrialNote(absl::string_view ref, int64_t trial_id,
                                                    const std::string& text) {
  if (absl::StripAsciiWhitespace(text).empty()) return absl::InvalidArgumentError("text: must not be empty");
  ASSIGN_OR_RETURN(StudyShard * shard, Find(ref));
  v1::Trial out;
  RETURN_IF_ERROR(Mutate(*shard, [&](StudyGroup& g) {
    if (trial_id < 0 || trial_id >= static_cast<int64_t>(g.state.trials().size())) {
      return absl::NotFoundError(absl::StrCat("study '", g.shard.name(), "' has no trial ", trial_id,
                                              " (it has ", g.state.trials().size(), ")"));
    }
    v1::Trial trial = g.state.trials()[trial_id];
    if (trial.notes_size() >= kMaxNotesPerTrial) {
      return absl::ResourceExhaustedError(
          absl::StrCat("trial ", trial_id, ": ", trial.notes_size(),
                       " notes, the limit max_notes_per_trial = ", kMaxNotesPerTrial));
    }
    v1::Note* note = trial.add_notes();
    note->set_text(text);
    note->set_time_unix_ms(g.now_ms);
    storage::JournalBatch batch;
    batch.trials.push_back(std::move(trial));
    g.Stage(std::move(batch));
    g.on_durable.push_back([&] { out = g.state.trials()[trial_id]; });
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::Study> Coordinator::CancelStudy(absl::string_view ref) {
  ASSIGN_OR_RETURN(StudyShard * shard, Find(ref));
  v1::Study out;
  RETURN_IF_ERROR(Mutate(*shard, [&](StudyGroup& g) {
    if (g.state.ended()) {
      return absl::FailedPreconditionError(absl::StrCat("study '", g.shard.name(), "' has already ended (",
                                                        v1::Study::State_Name(g.state.study().state()), ")"));
    }
    EndStudy(g, v1::Study::CANCELLED, "study cancelled");
    g.on_durable.push_back([&] { out = g.state.Snapshot(); });
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<int64_t> Coordinator::DeleteStudy(absl::string_view ref, bool force) {
  MutexLock create(&create_mu_);  // No study takes the name while it is being freed.
  ASSIGN_OR_RETURN(StudyShard * shard, Find(ref));
  int64_t trials = 0;
  RETURN_IF_ERROR(Mutate(*shard, [&](StudyGroup& g) {
    const int running = g.state.counts().running();
    if (running > 0 && !force) {
      return absl::FailedPreconditionError(absl::StrCat(
          "study '", g.shard.name(), "' has ", running,
          " running trials: wait for them, cancel the study, or delete with --force (cancels them first)"));
    }
    if (!g.state.ended()) EndStudy(g, v1::Study::CANCELLED, "study deleted");
    trials = g.state.counts().total();
    return absl::OkStatus();
  }));
  storage::JournalBatch batch;
  batch.deleted_studies.push_back(shard->id());
  RETURN_IF_ERROR(committer_.Commit(batch));
  std::vector<TrialKey> resolve;
  dedup_.ForgetStudy(shard->id(), resolve);
  {
    MutexLock lock(&registry_mu_);
    study_by_name_.erase(shard->name());
    auto it = shards_.find(shard->id());
    deleted_shards_.push_back(std::move(it->second));
    shards_.erase(it);
  }
  if (options_.log != nullptr) {
    options_.log->Info("study_deleted", {{"study", absl::StrCat(shard->id())},
                                         {"study_name", shard->name()},
                                         {"trials", absl::StrCat(trials)}});
  }
  if (!resolve.empty()) ResolveWaiters(std::move(resolve));
  return trials;
}

absl::StatusOr<v1::Study> Coordinator::PauseStudy(absl::string_view ref) {
  ASSIGN_OR_RETURN(StudyShard * shard, Find(ref));
  v1::Study out;
  RETURN_IF_ERROR(Mutate(*shard, [&](StudyGroup& g) {
    if (!g.state.active()) return NotActive(g.state.study(), "ACTIVE");
    storage::JournalBatch batch;
    batch.studies.push_back(g.state.study());
    batch.studies.back().set_state(v1::Study::PAUSED);
    g.Stage(std::move(batch));
    g.on_durable.push_back([&] {
      out = g.state.Snapshot();
      if (options_.log != nullptr) {
        options_.log->Info("study_paused",
                           {{"study", absl::StrCat(g.shard.id())}, {"study_name", g.shard.name()}});
      }
    });
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::Study> Coordinator::ResumeStudy(absl::string_view ref) {
  ASSIGN_OR_RETURN(StudyShard * shard, Find(ref));
  v1::Study out;
  RETURN_IF_ERROR(Mutate(*shard, [&](StudyGroup& g) {
    if (g.state.study().state() != v1::Study::PAUSED) return NotActive(g.state.study(), "PAUSED");
    storage::JournalBatch batch;
    batch.studies.push_back(g.state.study());
    batch.studies.back().set_state(v1::Study::ACTIVE);
    g.Stage(std::move(batch));
    g.on_durable.push_back([&] {
      out = g.state.Snapshot();
      if (options_.log != nullptr) {
        options_.log->Info("study_resumed",
                           {{"study", absl::StrCat(g.shard.id())}, {"study_name", g.shard.name()}});
      }
    });
    return absl::OkStatus();
  }));
  return out;
}

absl::Status Coordinator::SetBudget(StudyGroup& g, const v1::Budget& budget) {
  RETURN_IF_ERROR(ValidateBudget(budget));
  const v1::Study& study = g.state.study();
  if (study.state() == v1::Study::FAILED || study.state() == v1::Study::CANCELLED) {
    return absl::FailedPreconditionError(absl::StrCat("study '", study.spec().name(), "' has ended (",
                                                      v1::Study::State_Name(study.state()), ")"));
  }
  if (budget.max_trials() < g.state.counts().total() || budget.max_trials() < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("budget.max_trials: must be >= ", std::max(1, g.state.counts().total()),
                     " (trials already created), got ", budget.max_trials()));
  }
  v1::Study updated = study;
  *updated.mutable_spec()->mutable_budget() = budget;
  storage::JournalBatch batch;
  batch.studies.push_back(updated);
  g.Stage(std::move(batch));
  if (g.state.study().state() == v1::Study::COMPLETED &&
      g.state.planned_trials() > g.state.counts().total()) {
    v1::Study reopened = g.state.study();
    reopened.set_state(v1::Study::ACTIVE);
    reopened.clear_reason();
    reopened.clear_end_unix_ms();
    storage::JournalBatch reopen;
    reopen.studies.push_back(std::move(reopened));
    g.Stage(std::move(reopen));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Study> Coordinator::SetStudyBudget(absl::string_view ref, int32_t max_trials) {
  ASSIGN_OR_RETURN(StudyShard * shard, Find(ref));
  v1::Study out;
  RETURN_IF_ERROR(Mutate(*shard, [&](StudyGroup& g) {
    v1::Budget budget = g.state.study().spec().budget();
    budget.set_max_trials(max_trials);
    RETURN_IF_ERROR(SetBudget(g, budget));
    g.on_durable.push_back([&] { out = g.state.Snapshot(); });
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<int64_t> Coordinator::Backup(const std::string& dir) {
  if (dir.empty()) return absl::InvalidArgumentError("dir: required");
  return journal_->Checkpoint(dir);
}

absl::StatusOr<std::vector<v1::TrialWithMeasurements>> Coordinator::ListTrials(absl::string_view ref,
                                                                               bool with_measurements) const {
  ASSIGN_OR_RETURN(StudyShard * shard, Find(ref));
  std::vector<v1::TrialWithMeasurements> out;
  {
    MutexLock lock(&shard->mu);
    out.reserve(shard->state().trials().size());
    for (const v1::Trial& trial : shard->state().trials()) *out.emplace_back().mutable_trial() = trial;
  }
  if (!with_measurements) return out;
  // Read without the study's lock: a long listing does not hold up the study's workers.
  for (v1::TrialWithMeasurements& item : out) {
    const v1::Trial& trial = item.trial();
    if (trial.measurement_count() == 0) continue;
    ASSIGN_OR_RETURN(std::vector<v1::Measurement> measurements,
                     journal_->LoadMeasurements(trial.study_id(), trial.id()));
    measurements.resize(std::min<size_t>(measurements.size(), trial.measurement_count()));
    for (v1::Measurement& m : measurements) *item.add_measurements() = std::move(m);
  }
  return out;
}

absl::StatusOr<v1::Trial> Coordinator::BestTrial(absl::string_view ref) const {
  ASSIGN_OR_RETURN(StudyShard * shard, Find(ref));
  MutexLock lock(&shard->mu);
  const v1::Study snapshot = shard->state().Snapshot();
  if (snapshot.best_trial_id() < 0) {
    return absl::NotFoundError(absl::StrCat("study '", snapshot.spec().name(), "' has no succeeded",
                                            snapshot.spec().constraints_size() > 0 ? ", feasible" : "",
                                            " trial yet"));
  }
  return shard->state().trials()[snapshot.best_trial_id()];
}

}  // namespace hyperlab::coordinator
