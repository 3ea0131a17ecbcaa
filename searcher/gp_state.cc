#include "searcher/gp_state.h"

#include <bit>
#include <cmath>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "searcher/input_warping.h"

namespace hyperlab::searcher {

std::string EncodeGpState(const GpState& state) {
  std::string out = absl::StrCat("gp1 fit=", state.fit_observations, " theta=");
  for (Eigen::Index i = 0; i < state.theta.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "" : ",", absl::Hex(std::bit_cast<uint64_t>(state.theta(i))));
  }
  if (!IsIdentityWarp(state.warp)) {
    absl::StrAppend(&out, " warp=");
    for (uint8_t w : state.warp) out.push_back(static_cast<char>('0' + w));
  }
  return out;
}

std::optional<GpState> DecodeGpState(absl::string_view text) {
  if (!absl::ConsumePrefix(&text, "gp1 fit=")) return std::nullopt;
  const size_t space = text.find(' ');
  if (space == absl::string_view::npos) return std::nullopt;
  GpState state;
  if (!absl::SimpleAtoi(text.substr(0, space), &state.fit_observations)) return std::nullopt;
  text.remove_prefix(space + 1);
  if (!absl::ConsumePrefix(&text, "theta=")) return std::nullopt;
  if (const size_t warp = text.find(" warp="); warp != absl::string_view::npos) {
    for (char c : text.substr(warp + 6)) {
      if (c < '0' || c >= '0' + kWarpOptions) return std::nullopt;
      state.warp.push_back(static_cast<uint8_t>(c - '0'));
    }
    if (state.warp.empty()) return std::nullopt;
    text = text.substr(0, warp);
  }
  std::vector<double> theta;
  if (!text.empty()) {
    for (absl::string_view part : absl::StrSplit(text, ',')) {
      uint64_t bits = 0;
      if (!absl::SimpleHexAtoi(part, &bits)) return std::nullopt;
      const double value = std::bit_cast<double>(bits);
      if (!std::isfinite(value)) return std::nullopt;
      theta.push_back(value);
    }
  }
  state.theta = Eigen::Map<const Eigen::VectorXd>(theta.data(), static_cast<Eigen::Index>(theta.size()));
  return state;
}

}  // namespace hyperlab::searcher
