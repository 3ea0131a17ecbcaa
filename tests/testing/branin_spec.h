// A small study on the synthetic Branin function (x1 in [-5, 10], x2 in [0, 15], minimise `value`), random
// search with seed 7: the study most coordinator tests start from.
#ifndef HYPERLAB_TESTS_TESTING_BRANIN_SPEC_H_
#define HYPERLAB_TESTS_TESTING_BRANIN_SPEC_H_

#include <cmath>
#include <string>

#include "common/spec/synthetic_functions.h"
#include "hyperlab/v1/study.pb.h"

namespace hyperlab::testing {

inline v1::StudySpec BraninSpec(const std::string& name, int max_trials, int max_parallel) {
  v1::StudySpec spec;
  spec.set_name(name);
  spec.mutable_objective()->set_metric("value");
  spec.mutable_objective()->set_goal(v1::Objective::MINIMIZE);
  auto* x1 = spec.add_parameters();
  x1->set_name("x1");
  x1->mutable_double_range()->set_min(-5);
  x1->mutable_double_range()->set_max(10);
  auto* x2 = spec.add_parameters();
  x2->set_name("x2");
  x2->mutable_double_range()->set_min(0);
  x2->mutable_double_range()->set_max(15);
  spec.mutable_algorithm()->mutable_random()->set_seed(7);
  spec.mutable_budget()->set_max_trials(max_trials);
  spec.mutable_budget()->set_max_parallel(max_parallel);
  spec.mutable_task()->mutable_synthetic()->set_function("branin");
  return spec;
}

// The Branin function (the synthetic task's): its minimum is 0.397887 (at three points).
using ::hyperlab::Branin;

}  // namespace hyperlab::testing

#endif  // HYPERLAB_TESTS_TESTING_BRANIN_SPEC_H_
