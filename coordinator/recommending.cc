// The study's recommended result (Study.recommended_trial_id): Strategy::Recommend on the history as it
// is, computed on the suggestion executor (a model build costs milliseconds to tens of them), never under
// the study's lock; Summarize starts it whenever trials have ended since the last one.
#include "coordinator/coordinator.h"

namespace hyperlab::coordinator {

void Coordinator::StartRecommending(StudyShard& shard) {
  if (shard.recommending) return;
  shard.recommending = true;
  suggest_pool_.Submit([this, s = &shard] { Recommend(s); });
}

void Coordinator::Recommend(StudyShard* shard) {
  std::vector<searcher::TrialView> history;
  std::string state;
  const searcher::Strategy* strategy = nullptr;
  int64_t seen = 0;
  {
    MutexLock lock(&shard->mu);
    const StudyState& s = shard->state();
    history = s.strategy_history();
    state = s.strategy_state();
    strategy = &s.strategy();
    seen = s.ended_trials();
  }
  // A bayesian strategy sees every trial, so a view's index is its trial's id.
  const std::optional<int64_t> recommended = strategy->Recommend(history, state);
  {
    MutexLock lock(&shard->mu);
    shard->recommending = false;
    shard->state().SetRecommendation(recommended.value_or(-1), seen);
    Summarize(*shard);  // Again when more trials ended meanwhile.
  }
  if (options_.notifier != nullptr) options_.notifier->Notify(shard->id());  // Watchers see it.
}

}  // namespace hyperlab::coordinator
