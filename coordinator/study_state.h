// One study's in-memory state inside the coordinator: its record, its trials, and what is derived from
// them (counts, best trial, the queue of trials waiting for a worker, the searcher's view of history).
//
// The journal holds the truth; a StudyState is rebuilt from it at start and changed only through Apply,
// after the change has been written. Keeping every derived field behind Apply means they cannot drift.
// Thread safety: none; its StudyShard's mutex guards it.
#ifndef HYPERLAB_COORDINATOR_STUDY_STATE_H_
#define HYPERLAB_COORDINATOR_STUDY_STATE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hyperlab/v1/study.pb.h"
#include "searcher/early_stopping.h"
#include "searcher/strategy.h"

namespace hyperlab::coordinator {

class StudyState {
 public:
  StudyState(v1::Study study, std::unique_ptr<searcher::Strategy> strategy, std::string strategy_state);

  // Records the new value of a trial: a new one when trial.id() == trials().size(), else a replacement.
  void Apply(const v1::Trial& trial) { Apply(v1::Trial(trial)); }
  void Apply(v1::Trial&& trial);
  // Makes room for `n` trials (at Open, before applying the journal's).
  void Reserve(size_t n) {
    trials_.reserve(n);
    history_.reserve(n);
  }
  void ApplyStudy(const v1::Study& study) { study_ = study; }
  void ApplyStrategyState(std::string state) { strategy_state_ = std::move(state); }

  const v1::Study& study() const { return study_; }
  // The study's search space as the searcher sees it (spec_convert.h), for converting trial parameters.
  const searcher::SearchSpace& space() const { return space_; }
  const std::vector<v1::Trial>& trials() const { return trials_; }
  v1::Trial& mutable_trial(int64_t id) { return trials_[id]; }  // For in-memory-only fields (lease expiry).
  const v1::TrialCounts& counts() const { return counts_; }
  // PENDING trials ready for a worker (requeued after a lost lease, or released by a failed twin), by id.
  // Trials waiting for a twin's result (`waiting_for`) are pending but not queued.
  const std::set<int64_t>& queued() const { return queued_; }
  // RUNNING trials, by id (lease expiry and worker listings visit only these).
  const std::set<int64_t>& running() const { return running_; }
  const std::vector<searcher::TrialView>& history() const { return history_; }
  // What the strategy is given: every trial for a strategy that learns from results (bayesian, cmaes);
  // for grid, random and quasi-random, whose points are functions of their index, only the trials they
  // suggested (densely renumbered), so a user's enqueued trial takes no point of their sequence.
  const std::vector<searcher::TrialView>& strategy_history() const {
    return sees_all_trials_ || enqueued_ == 0 ? history_ : suggested_history_;
  }
  // Trials the user chose (Trial.enqueued), and those of them PENDING.
  int64_t enqueued() const { return enqueued_; }
  int64_t enqueued_pending() const { return enqueued_pending_; }
  const searcher::Strategy& strategy() const { return *strategy_; }
  // Hands the strategy to a rebuilt state (StudyState is rebuilt from the journal after a refused write;
  // the strategy, which holds the warm-start prior, stays the same object).
  std::unique_ptr<searcher::Strategy> TakeStrategy() { return std::move(strategy_); }
  const std::string& strategy_state() const { return strategy_state_; }
  // Dispatching new trials.
  bool active() const { return study_.state() == v1::Study::ACTIVE; }
  // Completed, failed or cancelled: nothing runs any more (a paused study has not ended).
  bool ended() const { return !active() && study_.state() != v1::Study::PAUSED; }

  // budget.max_trials, or the strategy's capacity when smaller (a grid; plus the enqueued trials, which
  // are not grid points).
  int64_t planned_trials() const;
  // True when every planned trial exists and none is pending or running.
  bool Finished() const;
  // The study with counts, best trial and planned trials filled in, as replies show it; and `warnings`
  // (an early-stopping metric that no measurement so far has carried, naming those they did).
  v1::Study Snapshot() const;
  // The primary objective of a succeeded, feasible trial, if it reported one.
  std::optional<double> Objective(const v1::Trial& trial) const;

  // Early stopping. Appends a journaled measurement of `trial` to its learning curve (when it carries the
  // judged metric at a later step) and returns whether the study's rule says the trial should stop now.
  bool AddMeasurement(int64_t trial, const v1::Measurement& measurement);
  // The trial's curve is complete (it succeeded): the median rule compares against it.
  void MarkCompleted(int64_t trial);
  bool has_early_stopping() const { return stopping_.kind != searcher::EarlyStoppingConfig::Kind::kNone; }

  // The strategy's recommended result (Strategy::Recommend; Study.recommended_trial_id), a cache the core
  // computes off-lock and sets here; never journaled (a reloaded state computes it again). Only a bayesian
  // study with a noisy objective has one (recommends_).
  // Trials that have ended (what a recommendation depends on).
  int64_t ended_trials() const { return counts_.total() - counts_.pending() - counts_.running(); }
  // A recommendation is due: it recommends, and none was computed on the trials ended now.
  bool RecommendationStale() const { return recommends_ && recommended_seen_ != ended_trials(); }
  // `trial`: the recommended trial id (-1: none), as computed when `seen` trials had ended. A trial that
  // is not a succeeded one of this study is refused (-1).
  void SetRecommendation(int64_t trial, int64_t seen);

  // Increases whenever the study or one of its trials changes; watchers wait on it.
  uint64_t version() const { return version_; }
  void Touch() { ++version_; }

 private:
  void Count(const v1::Trial& trial, int delta);
  // Keeps suggested_history_ in step after history_[id] changed (once the study has an enqueued trial).
  void TrackSuggested(int64_t id);

  v1::Study study_;
  searcher::SearchSpace space_;  // Of study_.spec(), whose parameters never change.
  std::unique_ptr<searcher::Strategy> strategy_;
  std::string strategy_state_;
  std::vector<v1::Trial> trials_;
  std::vector<searcher::TrialView> history_;
  const bool sees_all_trials_;  // The strategy learns from every trial (bayesian).
  int64_t enqueued_ = 0;
  int64_t enqueued_pending_ = 0;
  // Grid and random with enqueued trials: the suggested trials' views, and each trial's place among
  // them (-1 for an enqueued one). Empty until the first enqueued trial.
  std::vector<searcher::TrialView> suggested_history_;
  std::vector<int64_t> suggested_pos_;
  std::set<int64_t> queued_;
  std::set<int64_t> running_;
  v1::TrialCounts counts_;
  int64_t best_trial_ = -1;
  const bool recommends_;
  int64_t recommended_trial_ = -1;
  int64_t recommended_seen_ = -1;
  searcher::EarlyStoppingConfig stopping_;
  std::map<int64_t, searcher::TrialCurve> curves_;  // Trial id -> curve of the judged metric.
  // Whether any measurement carried the judged metric; the names the others carried (at most 32 kept),
  // for the warning Snapshot gives while none has.
  bool judged_metric_seen_ = false;
  int64_t measurements_without_it_ = 0;
  std::set<std::string> other_metrics_;
  uint64_t version_ = 0;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_STUDY_STATE_H_
