#include "coordinator/pareto_front.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "coordinator/coordinator.h"
#include "coordinator/study_shard.h"
#include "proto/outcomes.h"
#include "searcher/pareto.h"

namespace hyperlab::coordinator {

std::vector<double> ObjectiveVector(const v1::StudySpec& spec, const v1::Trial& trial) {
  if (spec.objectives_size() == 0 || trial.state() != v1::Trial::SUCCEEDED) return {};
  if (spec.constraints_size() > 0 && !SatisfiesConstraints(spec, trial.metrics())) return {};
  std::vector<double> out;
  for (const v1::Objective& o : spec.objectives()) {
    auto it = trial.metrics().find(o.metric());
    if (it == trial.metrics().end() || !std::isfinite(it->second)) return {};
    out.push_back(it->second);
  }
  return out;
}

std::vector<int64_t> ParetoFrontIds(const v1::StudySpec& spec, const std::vector<v1::Trial>& trials) {
  std::vector<const v1::Trial*> pointers;
  pointers.reserve(trials.size());
  for (const v1::Trial& t : trials) pointers.push_back(&t);
  return ParetoFrontIds(spec, pointers);
}

std::vector<int64_t> ParetoFrontIds(const v1::StudySpec& spec, const std::vector<const v1::Trial*>& trials) {
  const std::vector<v1::Objective> objectives = StudyObjectives(spec);
  std::vector<searcher::Goal> goals;
  for (const v1::Objective& o : objectives) {
    goals.push_back(o.goal() == v1::Objective::MAXIMIZE ? searcher::Goal::kMaximize
                                                        : searcher::Goal::kMinimize);
  }
  std::vector<searcher::ObjectiveVector> points;
  std::vector<int64_t> ids;
  for (const v1::Trial* each : trials) {
    const v1::Trial& trial = *each;
    if (trial.state() != v1::Trial::SUCCEEDED || (trial.has_feasible() && !trial.feasible())) continue;
    if (spec.constraints_size() > 0 && !SatisfiesConstraints(spec, trial.metrics())) continue;
    searcher::ObjectiveVector point;
    for (const v1::Objective& o : objectives) {
      auto it = trial.metrics().find(o.metric());
      if (it == trial.metrics().end() || !std::isfinite(it->second)) break;
      point.push_back(it->second);
    }
    if (point.size() != objectives.size()) continue;
    points.push_back(std::move(point));
    ids.push_back(trial.id());
  }
  std::vector<int64_t> front;
  for (int i : searcher::NonDominated(points, goals)) front.push_back(ids[i]);
  return front;
}

absl::StatusOr<v1::GetParetoFrontResponse> Coordinator::ParetoFront(absl::string_view ref) const {
  ASSIGN_OR_RETURN(StudyShard * shard, Find(ref));
  MutexLock lock(&shard->mu);
  const StudyState& state = shard->state();
  v1::GetParetoFrontResponse out;
  for (const v1::Objective& o : StudyObjectives(state.study().spec())) *out.add_objectives() = o;
  for (int64_t id : ParetoFrontIds(state.study().spec(), state.trials()))
    *out.add_trials() = state.trials()[id];
  return out;
}

}  // namespace hyperlab::coordinator
