// The step every gradient check repeats: evaluate an objective with one parameter nudged up by h and down
// by h, then put the parameter back.
#ifndef HYPERLAB_TESTS_TESTING_FINITE_DIFFERENCE_H_
#define HYPERLAB_TESTS_TESTING_FINITE_DIFFERENCE_H_

namespace hyperlab::testing {

struct Nudged {
  double up = 0, down = 0;  // The objective at value + h and at value - h.
  double Central(double h) const { return (up - down) / (2 * h); }
};

// `apply` is called after each change of `value` (e.g. to copy it into a layer); `objective` evaluates.
template <typename Apply, typename Objective>
Nudged Nudge(float& value, double h, Apply apply, Objective objective) {
  const float saved = value;
  Nudged n;
  value = saved + static_cast<float>(h);
  apply();
  n.up = objective();
  value = saved - static_cast<float>(h);
  apply();
  n.down = objective();
  value = saved;
  apply();
  return n;
}

template <typename Objective>
Nudged Nudge(float& value, double h, Objective objective) {
  return Nudge(
      value, h, [] {}, objective);
}

}  // namespace hyperlab::testing

#endif  // HYPERLAB_TESTS_TESTING_FINITE_DIFFERENCE_H_
