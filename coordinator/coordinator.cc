// Coordinator: opening from the journal, study lookups, and the strategies' construction. The other
// concerns live beside it: study_groups.cc (grouped changes, waiters, study ends), leasing.cc (workers'
// calls and suggestions), studies.cc (study lifecycle and reads), admin.cc (operators' calls).
#include "coordinator/coordinator.h"

#include <malloc.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "coordinator/spec_convert.h"
#include "coordinator/study_group.h"
#include "coordinator/warm_start.h"

namespace hyperlab::coordinator {

Coordinator::Coordinator(storage::Journal* journal, const Clock* clock, CoordinatorOptions options)
    : journal_(journal),
      clock_(clock),
      options_(std::move(options)),
      start_ms_(clock->NowMs()),
      committer_(journal, options_.metrics, options_.log),
      suggest_pool_(options_.suggest_threads) {}

Coordinator::~Coordinator() = default;

absl::StatusOr<std::unique_ptr<searcher::Strategy>> Coordinator::MakeStrategy(
    const v1::Study& study, std::vector<searcher::TrialView> prior) const {
  searcher::AlgorithmConfig config = ToAlgorithmConfig(study.spec());
  config.prior = std::move(prior);
  const searcher::SearchSpace space = ToSearchSpace(study.spec());
  if (options_.strategy_factory) return options_.strategy_factory(space, config);
  return searcher::MakeStrategy(space, config);
}

absl::StatusOr<std::unique_ptr<StudyState>> Coordinator::NewStudyState(
    const v1::Study& study, std::string strategy_state, std::vector<searcher::TrialView> prior) const {
  ASSIGN_OR_RETURN(std::unique_ptr<searcher::Strategy> strategy, MakeStrategy(study, std::move(prior)));
  return std::make_unique<StudyState>(study, std::move(strategy), std::move(strategy_state));
}

absl::StatusOr<std::unique_ptr<Coordinator>> Coordinator::Open(storage::Journal* journal, const Clock* clock,
                                                               CoordinatorOptions options) {
  std::unique_ptr<Coordinator> core(new Coordinator(journal, clock, std::move(options)));
  ASSIGN_OR_RETURN(std::vector<v1::Study> studies, journal->LoadStudies());
  ASSIGN_OR_RETURN(std::vector<std::string> drained, journal->LoadDrainedWorkers());
  ASSIGN_OR_RETURN(auto owners, journal->LoadWorkerOwners());
  core->workers_ =
      std::make_unique<WorkerRegistry>(&core->committer_, core->options_.log, core->options_.max_workers,
                                       std::move(owners), std::move(drained));
  const int64_t now = clock->NowMs();
  std::vector<TrialKey> resolve;
  for (const v1::Study& study : studies) {
    ASSIGN_OR_RETURN(std::string strategy_state, journal->LoadSearcherState(study.id()));
    // Warm-start sources have smaller ids, so they are loaded already.
    std::vector<searcher::TrialView> prior;
    for (int64_t source_id : study.warm_start_study_ids()) {
      StudyShard* source = core->Find(source_id);
      if (source == nullptr) {
        return absl::DataLossError(absl::StrCat("study ", study.id(), ": warm-start study ", source_id,
                                                " is missing from the journal"));
      }
      MutexLock lock(&source->mu);
      AppendWarmStartObservations(study, source->state().study(), source->state().trials(),
                                  study.create_unix_ms(), prior);
    }
    ASSIGN_OR_RETURN(std::unique_ptr<StudyState> state,
                     core->NewStudyState(study, std::move(strategy_state), std::move(prior)));
    ASSIGN_OR_RETURN(std::vector<v1::Trial> trials, journal->LoadTrials(study.id()));
    state->Reserve(trials.size());
    for (v1::Trial& trial : trials) {
      if (trial.id() != static_cast<int64_t>(state->trials().size())) {
        return absl::DataLossError(absl::StrCat("study ", study.id(), ": trial ", trial.id(),
                                                " follows trial ", state->trials().size() - 1));
      }
      // Live workers re-attach with their next heartbeat; the others expire one lease timeout from now.
      if (trial.state() == v1::Trial::RUNNING) {
        trial.set_lease_expire_unix_ms(now + core->options_.lease_timeout_ms);
      }
      core->dedup_.Update(nullptr, trial, resolve);
      const int64_t id = trial.id();
      state->Apply(std::move(trial));
      const v1::Trial& applied = state->trials()[id];
      if (state->has_early_stopping() && applied.measurement_count() > 0) {
        ASSIGN_OR_RETURN(std::vector<v1::Measurement> curve, journal->LoadMeasurements(study.id(), id));
        for (const v1::Measurement& m : curve) state->AddMeasurement(id, m);
        if (applied.state() == v1::Trial::SUCCEEDED) state->MarkCompleted(id);
      }
    }
    trials = {};
    auto shard =
        std::make_unique<StudyShard>(study.id(), study.spec().name(), study.spec().task(),
                                     SuggestionsDependOnResults(study.spec().algorithm()), std::move(state));
    {
      MutexLock lock(&shard->mu);
      core->Summarize(*shard);
    }
    MutexLock lock(&core->registry_mu_);
    core->study_by_name_[study.spec().name()] = study.id();
    core->shards_[study.id()] = std::move(shard);
  }
  {
    MutexLock create(&core->create_mu_);
    for (const v1::Study& study : studies)
      core->next_study_id_ = std::max(core->next_study_id_, study.id() + 1);
  }
  malloc_trim(0);  // The journal's read buffers are gone: give their pages back.
  if (journal->read_only()) return core;
  // A crash between a trial's end and its consequences (a study's end, a waiting twin's reuse) left them
  // undone: finish them now. An empty group checks whether its study has ended.
  for (StudyShard* shard : core->AllShards()) {
    RETURN_IF_ERROR(core->Mutate(*shard, [](StudyGroup&) { return absl::OkStatus(); }));
  }
  if (!resolve.empty()) core->ResolveWaiters(std::move(resolve));
  return core;
}

// ------------------------------------------------------------------------------------------------
// Lookups.

StudyShard* Coordinator::Find(int64_t study_id) const {
  MutexLock lock(&registry_mu_);
  auto it = shards_.find(study_id);
  return it == shards_.end() ? nullptr : it->second.get();
}

absl::StatusOr<StudyShard*> Coordinator::Find(absl::string_view ref) const {
  if (ref.empty()) return absl::InvalidArgumentError("study: required (an id or a name)");
  MutexLock lock(&registry_mu_);
  auto by_name = study_by_name_.find(ref);
  if (by_name != study_by_name_.end()) return shards_.at(by_name->second).get();
  int64_t id = 0;
  if (absl::SimpleAtoi(ref, &id)) {
    auto it = shards_.find(id);
    if (it != shards_.end()) return it->second.get();
  }
  return absl::NotFoundError(absl::StrCat("no study named '", ref, "'"));
}

std::vector<StudyShard*> Coordinator::AllShards() const {
  MutexLock lock(&registry_mu_);
  std::vector<StudyShard*> out;
  out.reserve(shards_.size());
  for (const auto& [id, shard] : shards_) out.push_back(shard.get());
  return out;
}

std::string Coordinator::StudyName(int64_t study_id) const {
  StudyShard* shard = Find(study_id);
  return shard == nullptr ? std::string() : shard->name();
}

}  // namespace hyperlab::coordinator
