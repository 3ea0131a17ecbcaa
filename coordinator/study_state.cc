#include "coordinator/study_state.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "coordinator/pareto_front.h"
#include "coordinator/spec_convert.h"
#include "proto/outcomes.h"

namespace hyperlab::coordinator {

StudyState::StudyState(v1::Study study, std::unique_ptr<searcher::Strategy> strategy,
                       std::string strategy_state)
    : study_(std::move(study)),
      space_(ToSearchSpace(study_.spec())),
      strategy_(std::move(strategy)),
      strategy_state_(std::move(strategy_state)),
      sees_all_trials_(SuggestionsDependOnResults(study_.spec().algorithm())),
      recommends_(study_.spec().algorithm().has_bayesian() && DeclaredNoisy(study_.spec())),
      stopping_(ToEarlyStoppingConfig(study_.spec())) {}

bool StudyState::AddMeasurement(int64_t trial, const v1::Measurement& measurement) {
  if (!has_early_stopping()) return false;
  auto metric = measurement.metrics().find(study_.spec().early_stopping().metric());
  if (metric == measurement.metrics().end()) {
    ++measurements_without_it_;
    for (const auto& [name, value] : measurement.metrics()) {
      if (other_metrics_.size() < 32) other_metrics_.insert(name);
    }
    return false;
  }
  judged_metric_seen_ = true;
  if (!std::isfinite(metric->second)) return false;
  searcher::TrialCurve& curve = curves_[trial];
  curve.trial = trial;
  if (!curve.points.empty() && measurement.step() <= curve.points.back().step) return false;
  curve.points.push_back({measurement.step(), metric->second});
  std::vector<const searcher::TrialCurve*> others;
  others.reserve(curves_.size());
  for (const auto& [id, other] : curves_) others.push_back(&other);
  return searcher::ShouldStop(stopping_, curve, others);
}

void StudyState::MarkCompleted(int64_t trial) {
  auto it = curves_.find(trial);
  if (it != curves_.end()) it->second.completed = true;
}

void StudyState::Count(const v1::Trial& trial, int delta) {
  if (trial.enqueued() && trial.state() == v1::Trial::PENDING) enqueued_pending_ += delta;
  if (trial.state() == v1::Trial::SUCCEEDED && trial.has_reused_from()) {
    counts_.set_reused(counts_.reused() + delta);
  }
  switch (trial.state()) {
    case v1::Trial::PENDING:
      counts_.set_pending(counts_.pending() + delta);
      break;
    case v1::Trial::RUNNING:
      counts_.set_running(counts_.running() + delta);
      break;
    case v1::Trial::SUCCEEDED:
      counts_.set_succeeded(counts_.succeeded() + delta);
      break;
    case v1::Trial::FAILED:
      counts_.set_failed(counts_.failed() + delta);
      break;
    case v1::Trial::STOPPED:
      counts_.set_stopped(counts_.stopped() + delta);
      break;
    case v1::Trial::INFEASIBLE:
      counts_.set_infeasible(counts_.infeasible() + delta);
      break;
    case v1::Trial::CANCELLED:
      counts_.set_cancelled(counts_.cancelled() + delta);
      break;
    default:
      break;
  }
}

std::optional<double> StudyState::Objective(const v1::Trial& trial) const {
  if (trial.state() != v1::Trial::SUCCEEDED || (trial.has_feasible() && !trial.feasible()))
    return std::nullopt;
  auto it = trial.metrics().find(PrimaryObjective(study_.spec()).metric());
  if (it == trial.metrics().end() || !std::isfinite(it->second)) return std::nullopt;
  return it->second;
}

void StudyState::Apply(v1::Trial&& incoming) {
  const int64_t id = incoming.id();
  // Derived, never trusted from the journal: set only for succeeded trials of a study with constraints.
  if (incoming.state() == v1::Trial::SUCCEEDED && study_.spec().constraints_size() > 0) {
    incoming.set_feasible(SatisfiesConstraints(study_.spec(), incoming.metrics()));
  } else {
    incoming.clear_feasible();
  }
  if (id == static_cast<int64_t>(trials_.size())) {
    history_.push_back({.index = id, .assignment = ToAssignment(space_, incoming.parameters())});
    trials_.push_back(std::move(incoming));
    counts_.set_total(counts_.total() + 1);
    if (trials_.back().enqueued()) ++enqueued_;
  } else {
    Count(trials_[id], -1);
    trials_[id] = std::move(incoming);
  }
  const v1::Trial& trial = trials_[id];
  Count(trial, +1);
  if (trial.state() == v1::Trial::PENDING && !trial.has_waiting_for()) {
    queued_.insert(id);
  } else {
    queued_.erase(id);
  }
  if (trial.state() == v1::Trial::RUNNING) {
    running_.insert(id);
  } else {
    running_.erase(id);
  }
  searcher::TrialView& view = history_[id];
  view.objective = Objective(trial);
  view.objectives = ObjectiveVector(study_.spec(), trial);
  view.constraint_values.clear();
  if (trial.state() == v1::Trial::SUCCEEDED && study_.spec().constraints_size() > 0) {
    // The constraint metrics of a completed trial, feasible or not (NaN when not reported): the Bayesian
    // strategy models them (probability of feasibility, searcher/gp_strategy.h).
    for (const v1::OutcomeConstraint& c : study_.spec().constraints()) {
      auto it = trial.metrics().find(c.metric());
      view.constraint_values.push_back(it == trial.metrics().end() ? std::nan("") : it->second);
    }
    if (!trial.feasible()) {
      // An infeasible trial's objectives are real observations to the searcher (it stays kFailed, so only
      // the Bayesian strategy, which reads constraint_values, uses them); never a study's best.
      auto it = trial.metrics().find(PrimaryObjective(study_.spec()).metric());
      if (it != trial.metrics().end() && std::isfinite(it->second)) view.objective = it->second;
      std::vector<double> values;
      for (const v1::Objective& o : study_.spec().objectives()) {
        auto m = trial.metrics().find(o.metric());
        if (m == trial.metrics().end() || !std::isfinite(m->second)) break;
        values.push_back(m->second);
      }
      if (values.size() == static_cast<size_t>(study_.spec().objectives_size())) view.objectives = values;
    }
  }
  if (trial.state() == v1::Trial::STOPPED) {
    // The searcher learns from a stopped trial's last measurement of the objective metric: the worker ends
    // a stopped trial with the metrics of its last measurement (worker.cc, train_executor.cc).
    auto it = trial.metrics().find(PrimaryObjective(study_.spec()).metric());
    if (it != trial.metrics().end() && std::isfinite(it->second)) view.objective = it->second;
  }
  switch (trial.state()) {
    case v1::Trial::PENDING:
    case v1::Trial::RUNNING:
      view.outcome = searcher::TrialView::Outcome::kPending;
      break;
    case v1::Trial::SUCCEEDED:
      // An infeasible trial (outcome constraints) is a failure to the searcher (kFailed), with its
      // constraint values and objectives set: grid, random, quasi-random and CMA-ES treat it as a failure,
      // the Bayesian strategy models it.
      view.outcome = trial.has_feasible() && !trial.feasible() ? searcher::TrialView::Outcome::kFailed
                                                               : searcher::TrialView::Outcome::kSucceeded;
      break;
    case v1::Trial::STOPPED:
      view.outcome = searcher::TrialView::Outcome::kStopped;
      break;
    default:
      view.outcome = searcher::TrialView::Outcome::kFailed;
      break;
  }
  if (view.objective && view.outcome == searcher::TrialView::Outcome::kSucceeded) {  // Never a stopped one.
    const bool maximize = PrimaryObjective(study_.spec()).goal() == v1::Objective::MAXIMIZE;
    const std::optional<double> best = best_trial_ >= 0 ? history_[best_trial_].objective : std::nullopt;
    if (!best || (maximize ? *view.objective > *best : *view.objective < *best)) best_trial_ = id;
  }
  if (!sees_all_trials_ && enqueued_ > 0) TrackSuggested(id);
  ++version_;
}

void StudyState::TrackSuggested(int64_t id) {
  // New trials (the first time, every trial before the first enqueued one too).
  while (static_cast<int64_t>(suggested_pos_.size()) <= id) {
    const size_t k = suggested_pos_.size();
    if (trials_[k].enqueued()) {
      suggested_pos_.push_back(-1);
      continue;
    }
    suggested_pos_.push_back(static_cast<int64_t>(suggested_history_.size()));
    suggested_history_.push_back(history_[k]);
    suggested_history_.back().index = suggested_pos_.back();
  }
  if (const int64_t pos = suggested_pos_[id]; pos >= 0) {
    suggested_history_[pos] = history_[id];
    suggested_history_[pos].index = pos;
  }
}

void StudyState::SetRecommendation(int64_t trial, int64_t seen) {
  const bool valid = trial >= 0 && trial < static_cast<int64_t>(history_.size()) &&
                     history_[trial].outcome == searcher::TrialView::Outcome::kSucceeded &&
                     history_[trial].objective.has_value();
  recommended_trial_ = valid ? trial : -1;
  recommended_seen_ = seen;
  ++version_;
}

int64_t StudyState::planned_trials() const {
  const int64_t budget = study_.spec().budget().max_trials();
  const std::optional<int64_t> capacity = strategy_->Capacity();
  return capacity ? std::min(budget, *capacity + (sees_all_trials_ ? 0 : enqueued_)) : budget;
}

bool StudyState::Finished() const {
  return counts_.total() >= planned_trials() && counts_.pending() == 0 && counts_.running() == 0;
}

v1::Study StudyState::Snapshot() const {
  v1::Study out = study_;
  *out.mutable_counts() = counts_;
  out.set_best_trial_id(best_trial_);
  out.set_best_value(best_trial_ >= 0 ? *history_[best_trial_].objective : 0);
  out.set_planned_trials(static_cast<int32_t>(planned_trials()));
  if (recommended_trial_ >= 0) {
    out.set_recommended_trial_id(recommended_trial_);
    out.set_recommended_value(*history_[recommended_trial_].objective);
  }
  if (recommended_seen_ >= 0) out.set_recommended_seen(recommended_seen_);
  if (has_early_stopping() && !judged_metric_seen_ && measurements_without_it_ > 0) {
    out.add_warnings(absl::StrCat("early_stopping.metric '", study_.spec().early_stopping().metric(),
                                  "' is in none of the ", measurements_without_it_,
                                  " measurements reported so far (they carry: ",
                                  other_metrics_.empty() ? "no metrics" : absl::StrJoin(other_metrics_, ", "),
                                  "): no trial can be stopped early until the task reports it"));
  }
  return out;
}

}  // namespace hyperlab::coordinator
