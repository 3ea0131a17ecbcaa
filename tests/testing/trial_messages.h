// Messages coordinator tests build again and again: a worker that announces the synthetic executor, and
// a completion of a leased trial.
#ifndef HYPERLAB_TESTS_TESTING_TRIAL_MESSAGES_H_
#define HYPERLAB_TESTS_TESTING_TRIAL_MESSAGES_H_

#include <string>

#include "hyperlab/v1/services.pb.h"

namespace hyperlab::testing {

inline v1::WorkerInfo SyntheticWorker(const std::string& id, int slots = 4) {
  v1::WorkerInfo info;
  info.set_id(id);
  info.set_slots(slots);
  info.add_executors(
      "synthetic");  // As a real worker announces (CreateStudy warns when none can run a study).
  return info;
}

// A SUCCEEDED completion of `trial` under `lease_id` with metric `value`.
inline v1::TrialCompletion SucceededWith(const v1::Trial& trial, const std::string& lease_id, double value) {
  v1::TrialCompletion c;
  c.mutable_lease()->set_study_id(trial.study_id());
  c.mutable_lease()->set_trial_id(trial.id());
  c.mutable_lease()->set_lease_id(lease_id);
  c.set_state(v1::Trial::SUCCEEDED);
  (*c.mutable_metrics())["value"] = value;
  return c;
}

}  // namespace hyperlab::testing

#endif  // HYPERLAB_TESTS_TESTING_TRIAL_MESSAGES_H_
