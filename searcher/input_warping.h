// Input warping for the Bayesian strategy's Gaussian process: a monotone map of each numeric coordinate of
// the unit cube onto itself, chosen per coordinate from a few Kumaraswamy CDFs by the model's fit.
//
// Why: the Matérn kernel is stationary, one lengthscale per parameter for the whole range. Hyperparameter
// surfaces often are not: on svm_digits the loss is flat for every C above about 10 and changes by the
// sample below it, beside a narrow valley in gamma (docs/search.md, "Results (2026-12-05 morning)"). One
// lengthscale cannot fit both the flat part and the valley, and the model wanders onto the plateau. A warp
// that stretches the part of the range where the function moves and squeezes the flat part makes it
// stationary again (Snoek et al., "Input Warping for Bayesian Optimization of Non-stationary Functions",
// 2014; HEBO). Here the warp of each coordinate is one of kWarpOptions Kumaraswamy CDFs
//
//   w(u) = 1 - (1 - u^a)^b,   a, b in {1/2, 1, 2}   (a = b = 1: the identity),
//
// chosen by the fit (gp_fit.h, FitWarp): greedily, coordinate by coordinate, by the log posterior with the
// other hyperparameters held; then the hyperparameters are refitted on the warped inputs, and the warped
// model is kept only when its log posterior beats the unwarped fit's by BIC's penalty for two parameters per
// warped coordinate (ProjectionMargin). So a smooth stationary function keeps the identity.
//
// Categorical coordinates are never warped. The warp is part of GpHyperparameters (`warp`), applied by
// GpModel to its training points and to every point it predicts, so the acquisition optimiser, the trust
// region and the resolution checks all stay in the encoded space; it is saved in the strategy's state
// (gp_state.h) with the rest of the fit, so a restarted coordinator rebuilds the same model.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_SEARCHER_INPUT_WARPING_H_
#define HYPERLAB_SEARCHER_INPUT_WARPING_H_

#include <cstdint>
#include <vector>

#include "Eigen/Core"

namespace hyperlab::searcher {

// Option k is the Kumaraswamy CDF with a = kWarpShapes[k / 3], b = kWarpShapes[k % 3]; option 4 is the
// identity.
inline constexpr int kWarpOptions = 9;
inline constexpr int kIdentityWarp = 4;
inline constexpr double kWarpShapes[3] = {0.5, 1.0, 2.0};
// Fewer observations than this: no warp is fitted (too little to tell a warp from noise).
inline constexpr int kMinWarpObservations = 10;

// w(u) for option `option`, u clamped to [0, 1].
double WarpCoordinate(int option, double u);

// `x` with coordinate j warped by option warp[j]; `x` unchanged when `warp` is empty.
Eigen::MatrixXd ApplyWarp(const std::vector<uint8_t>& warp, Eigen::MatrixXd x);

// True when `warp` is empty or every option is the identity.
bool IsIdentityWarp(const std::vector<uint8_t>& warp);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_INPUT_WARPING_H_
