// The Bayesian strategy's saved state: what it remembers between Suggest calls, as a journaled string.
//
// Why: refitting the GP hyperparameters on every call is too slow with thousands of trials, so the strategy
// refits only when enough new results have arrived and otherwise reuses the last fit; and each refit starts
// from the previous one. Both depend on the last fit, which therefore lives in the state the coordinator
// journals with the trials it creates: a restarted coordinator, given the same history and the last saved
// state, computes exactly what an uninterrupted one would. Doubles are stored as their IEEE-754 bit
// patterns in hex, so the round trip is exact.
//
// Format (one line): "gp1 fit=<completed trials at the last fit> theta=<hex>,<hex>,..." and, when the fit
// warps its inputs (input_warping.h), " warp=<one digit per coordinate>" (a state without it: no warp, as
// every state written before input warping).
//
// Example:
//   std::string s = EncodeGpState({.fit_observations = 40, .theta = theta});
//   std::optional<GpState> back = DecodeGpState(s);  // *back == the same values, bit for bit.
//
// Thread safety: pure functions; safe to call concurrently.
#ifndef HYPERLAB_SEARCHER_GP_STATE_H_
#define HYPERLAB_SEARCHER_GP_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "Eigen/Core"
#include "absl/strings/string_view.h"

namespace hyperlab::searcher {

struct GpState {
  int64_t fit_observations = 0;  // Observations the hyperparameters were fitted on.
  Eigen::VectorXd theta;         // GpHyperparameters::Pack(); empty before the first fit.
  std::vector<uint8_t> warp;     // GpHyperparameters::warp: empty, or an option per coordinate.
};

std::string EncodeGpState(const GpState& state);

// nullopt when `text` is not a state this version wrote (the strategy then starts afresh).
std::optional<GpState> DecodeGpState(absl::string_view text);

}  // namespace hyperlab::searcher

#endif  // HYPERLAB_SEARCHER_GP_STATE_H_
