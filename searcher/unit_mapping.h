// The map between a parameter's values and the unit interval used by the quasi-random and CMA-ES
// strategies: every value owns an equal share of [0, 1).
//
// Why not parameter_encoding.h: the GP's encoding puts an integer's extreme values at 0 and 1 (half a
// share each) and a category at its index, which suits a kernel; a sampler that draws u uniformly (or
// from a Gaussian clipped to [0, 1]) needs each integer, number or category to get the same share.
// Mapping of u: doubles linearly (in log space for log scale); integers with equal shares (log scale:
// uniform in log space on [min - 0.5, max + 0.5], rounded, as random search draws them); discrete numbers
// (in their listed order) and categories with equal shares. `UnitOf` is its inverse: the centre of the
// value's share (a double's own position), so ValueAtUnit(p, UnitOf(p, v)) == v for every feasible v.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_SEARCHER_UNIT_MAPPING_H_
#define HYPERLAB_SEARCHER_UNIT_MAPPING_H_

#include "searcher/search_space.h"

namespace hyperlab::searcher {

// The value of `p` at u (clamped to [0, 1]).
Value ValueAtUnit(const Parameter& p, double u);

// The position of `v` in [0, 1]; a value outside the domain maps to the nearest end, an unknown category or
// a value of the wrong type to 0.5.
double UnitOf(const Parameter& p, const Value& v);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_UNIT_MAPPING_H_
