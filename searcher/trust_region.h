// A trust region around the incumbent for the Bayesian strategy's acquisition search (after TuRBO:
// Eriksson et al., "Scalable Global Optimization via Local Bayesian Optimization", NeurIPS 2019).
//
// Why: with few observations in several dimensions, expected improvement over the whole cube favours the
// far corners, where the model knows least; on unimodal or funnel-shaped landscapes (Zakharov, Powell,
// ellipsoids in 8-10-D) this stalls the search far from the optimum. Restricting the acquisition to a box
// around the best point, grown after repeated successes and shrunk after repeated failures, turns the same
// model into a local optimiser when it pays, and keeps global search when the box is large.
//
// Pure: the side length is replayed from the observations' values in creation order, so it needs no saved
// state: start 0.8 of the unit cube once `initial` values exist; a value better than the best so far by
// more than 1e-3 of its magnitude is a success, anything else a failure; 3 successes in a row double it
// (at most 1.6), max(4, d) failures in a row halve it; below 2^-7 it starts again at 0.8. The box's side
// per coordinate is the length times that coordinate's lengthscale over their geometric mean (so the box
// is longer where the function varies slowly), centred on the incumbent and clipped to the cube. The
// acquisition optimiser treats it as a soft region (acquisition_optimizer.h, `box_lower`).
//
// Thread safety: pure functions.
#ifndef HYPERLAB_SEARCHER_TRUST_REGION_H_
#define HYPERLAB_SEARCHER_TRUST_REGION_H_

#include <vector>

#include "Eigen/Core"

namespace hyperlab::searcher {

struct TrustRegionLength {
  double length = 0.8;
  int restarts = 0;  // Times the length fell below its minimum and started again.
};

// The side length after `values` (minimised, in creation order; the first `initial` only set the best).
TrustRegionLength ReplayTrustRegion(const std::vector<double>& values, int initial, int dimensions);

// The box [lower, upper] around `centre` (encoded) for `length` and the fitted `lengthscales`; coordinates
// where `free` is true (categorical) are not restricted: their bounds are 0 and 1 and the optimiser ignores
// them.
void TrustRegionBox(const Eigen::VectorXd& centre, const Eigen::VectorXd& lengthscales,
                    const std::vector<bool>& free, double length, Eigen::VectorXd* lower,
                    Eigen::VectorXd* upper);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_TRUST_REGION_H_
