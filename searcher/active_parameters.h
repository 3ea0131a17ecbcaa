// Conditional parameters in the searcher: which parameters of an assignment exist.
//
// A parameter with `parent >= 0` exists only when its parent exists and holds one of its `active_when`
// values (search_space.h). Strategies propose a value for every parameter; an inactive one is then set to
// its InactiveValue, so two proposals that differ only in parameters that do not exist are the same
// assignment, and a model sees one fixed coordinate wherever a parameter is absent. The coordinator
// leaves inactive parameters out of a trial and fills them back with InactiveValue.
//
// Example:
//   Canonicalise(space, assignment);                       // inactive -> InactiveValue
//   std::vector<bool> active = ActiveMask(space, assignment);
//
// Thread safety: pure functions.
#ifndef HYPERLAB_SEARCHER_ACTIVE_PARAMETERS_H_
#define HYPERLAB_SEARCHER_ACTIVE_PARAMETERS_H_

#include <vector>

#include "searcher/search_space.h"

namespace hyperlab::searcher {

// Whether any parameter is conditional.
bool HasConditions(const SearchSpace& space);

// Which parameters exist in `assignment` (one value per parameter).
std::vector<bool> ActiveMask(const SearchSpace& space, const Assignment& assignment);

// The value an inactive parameter holds: the lower bound, the first number or the first category.
Value InactiveValue(const Parameter& p);

// Sets every inactive parameter of `assignment` to its InactiveValue.
void Canonicalise(const SearchSpace& space, Assignment& assignment);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_ACTIVE_PARAMETERS_H_
