#include "lab/plot/palette.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include "absl/strings/str_format.h"

namespace hyperlab::plot {
namespace {

using Rgb = std::array<double, 3>;

// Samples of matplotlib's viridis at t = 0, 0.1, ..., 1.
constexpr std::array<Rgb, 11> kViridis = {{{68, 1, 84},
                                           {72, 36, 117},
                                           {65, 68, 135},
                                           {53, 95, 141},
                                           {42, 120, 142},
                                           {33, 145, 140},
                                           {34, 168, 132},
                                           {68, 190, 112},
                                           {122, 209, 81},
                                           {189, 223, 38},
                                           {253, 231, 37}}};

// ColorBrewer's Blues at 0, 0.25, 0.5, 0.75, 1.
constexpr std::array<Rgb, 5> kBlues = {
    {{247, 251, 255}, {198, 219, 239}, {107, 174, 214}, {33, 113, 181}, {8, 48, 107}}};

template <size_t N>
std::string Ramp(const std::array<Rgb, N>& stops, double t) {
  if (!std::isfinite(t)) t = 0;
  t = std::clamp(t, 0.0, 1.0) * (N - 1);
  const size_t i = std::min(static_cast<size_t>(t), N - 2);
  const double f = t - i;
  Rgb c;
  for (int k = 0; k < 3; ++k) c[k] = stops[i][k] + f * (stops[i + 1][k] - stops[i][k]);
  return absl::StrFormat("#%02x%02x%02x", static_cast<int>(std::lround(c[0])),
                         static_cast<int>(std::lround(c[1])), static_cast<int>(std::lround(c[2])));
}

}  // namespace

std::string CategoryColour(int i) {
  static constexpr const char* kColours[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                             "#CC79A7", "#56B4E9", "#000000"};
  constexpr int n = sizeof(kColours) / sizeof(kColours[0]);
  return kColours[((i % n) + n) % n];
}

std::string Viridis(double t) { return Ramp(kViridis, t); }
std::string Blues(double t) { return Ramp(kBlues, t); }

bool NeedsLightText(const std::string& background) {
  if (background.size() != 7 || background[0] != '#') return false;
  const long rgb = std::strtol(background.c_str() + 1, nullptr, 16);
  const double r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
  // Relative luminance, roughly (sRGB weights without the gamma curve is close enough for a threshold).
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 140;
}

}  // namespace hyperlab::plot
