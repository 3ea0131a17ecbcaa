#include "searcher/input_warping.h"

#include <algorithm>
#include <cmath>

namespace hyperlab::searcher {

double WarpCoordinate(int option, double u) {
  u = std::clamp(u, 0.0, 1.0);
  if (option == kIdentityWarp) return u;
  const double a = kWarpShapes[option / 3], b = kWarpShapes[option % 3];
  return 1 - std::pow(1 - std::pow(u, a), b);
}

Eigen::MatrixXd ApplyWarp(const std::vector<uint8_t>& warp, Eigen::MatrixXd x) {
  for (Eigen::Index j = 0; j < x.cols() && j < static_cast<Eigen::Index>(warp.size()); ++j) {
    if (warp[j] == kIdentityWarp) continue;
    for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, j) = WarpCoordinate(warp[j], x(i, j));
  }
  return x;
}

bool IsIdentityWarp(const std::vector<uint8_t>& warp) {
  return std::all_of(warp.begin(), warp.end(), [](uint8_t w) { return w == kIdentityWarp; });
}

}  // namespace hyperlab::searcher
