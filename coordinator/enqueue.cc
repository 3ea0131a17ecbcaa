// Enqueued trials (StudyService.EnqueueTrial, `hyperlab trial add`): a configuration the user chose joins
// the study as its next trial, PENDING, ahead of anything the searcher suggests next.
//
// It is a trial like any other once created: journaled (synced) before the reply, counted against
// budget.max_trials, deduplicated through the same index as suggested trials (a twin that succeeded gives
// its result at once, a running twin is waited for), and in the history the bayesian strategy learns
// from. Grid and random do not count it in their sequence (StudyState::strategy_history), so their points
// and a resumed study's are unchanged. Suggestions a bayesian study prepared before it are dropped: they
// did not see it.
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "coordinator/chosen_parameters.h"
#include "coordinator/coordinator.h"
#include "coordinator/fingerprint.h"
#include "coordinator/study_group.h"
#include "proto/limits.h"

namespace hyperlab::coordinator {
namespace {

// Whether the study's state and budget allow one more trial, and the caller may add it.
absl::Status MayEnqueue(const StudyState& s, absl::string_view principal) {
  const v1::Study& study = s.study();
  if (!principal.empty() && !study.owner().empty() && study.owner() != principal) {
    return absl::PermissionDeniedError(absl::StrCat("study '", study.spec().name(), "' belongs to '",
                                                    study.owner(), "': only its owner may enqueue trials"));
  }
  if (s.ended()) {
    return absl::FailedPreconditionError(absl::StrCat("study '", study.spec().name(), "' has ended (",
                                                      v1::Study::State_Name(study.state()),
                                                      "): no trial can be added"));
  }
  const int32_t budget = study.spec().budget().max_trials();
  if (s.counts().total() >= budget) {
    return absl::FailedPreconditionError(
        absl::StrCat("study '", study.spec().name(), "' has all ", budget,
                     " trials of its budget; raise budget.max_trials first (hyperlab study budget ",
                     study.spec().name(), " ", budget + 1, ")"));
  }
  if (s.enqueued_pending() >= kMaxEnqueuedPerStudy) {
    return absl::ResourceExhaustedError(
        absl::StrCat("study '", study.spec().name(), "' has ", s.enqueued_pending(),
                     " enqueued trials waiting, the limit max_enqueued_per_study = ", kMaxEnqueuedPerStudy));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Trial> Coordinator::EnqueueTrial(
    absl::string_view ref, const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters,
    const std::string& note, absl::string_view principal) {
  ASSIGN_OR_RETURN(StudyShard * shard, Find(ref));
  int64_t id = -1;
  RETURN_IF_ERROR(Mutate(*shard, [&](StudyGroup& g) {
    g.shard.mu.AssertHeld();
    const StudyState& s = g.state;
    RETURN_IF_ERROR(MayEnqueue(s, principal));
    ASSIGN_OR_RETURN(std::vector<v1::Parameter> chosen, ChosenParameters(s.study().spec(), parameters));
    v1::Trial trial;
    trial.set_study_id(s.study().id());
    trial.set_id(s.counts().total());
    for (v1::Parameter& p : chosen) *trial.add_parameters() = std::move(p);
    trial.set_state(v1::Trial::PENDING);
    trial.set_enqueued(true);
    trial.set_create_unix_ms(g.now_ms);
    trial.set_fingerprint(StudyTrialFingerprint(s.study(), trial.parameters()));
    if (!note.empty()) {
      v1::Note* n = trial.add_notes();
      n->set_text(note);
      n->set_time_unix_ms(g.now_ms);
    }
    AwaitTwin(g, trial);  // A twin done or running: the trial waits for its result instead of running.
    id = trial.id();
    storage::JournalBatch batch;
    batch.trials.push_back(std::move(trial));
    g.Stage(std::move(batch));
    g.shard.prepared.clear();
    ++g.shard.prepared_epoch;
    return absl::OkStatus();
  }));
  // A twin that had succeeded was reused as the group ended (Mutate resolves waiters): show the result.
  MutexLock lock(&shard->mu);
  const v1::Trial& trial = shard->state().trials()[id];
  if (options_.log != nullptr) {
    options_.log->Info("trial_enqueued", {{"study", absl::StrCat(trial.study_id())},
                                          {"trial", absl::StrCat(id)},
                                          {"state", v1::Trial::State_Name(trial.state())}});
  }
  return trial;
}

}  // namespace hyperlab::coordinator
