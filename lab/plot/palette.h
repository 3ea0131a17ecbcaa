// Colours that colour-blind readers can tell apart.
//
// Categories use the Okabe-Ito palette (Okabe & Ito, "Color Universal Design"); continuous values use
// viridis, which is perceptually uniform, readable in grey-scale and safe for the common colour-vision
// deficiencies; counts use a single-hue blue ramp (light = few, dark = many).
//
// Thread safety: pure functions.
#ifndef HYPERLAB_LAB_PLOT_PALETTE_H_
#define HYPERLAB_LAB_PLOT_PALETTE_H_

#include <string>

namespace hyperlab::plot {

// Okabe-Ito, the yellow left out (too light on white) and black last; cycles.
std::string CategoryColour(int i);

// Fixed roles, from the same palette.
inline constexpr char kPointColour[] = "#0072B2";    // Blue: succeeded trials.
inline constexpr char kBestColour[] = "#D55E00";     // Vermillion: the best trial, best so far.
inline constexpr char kStoppedColour[] = "#E69F00";  // Orange: early-stopped trials.
inline constexpr char kFailedColour[] = "#444444";   // Dark grey: failed and infeasible trials.
inline constexpr char kInkColour[] = "#222222";      // Text and axes.
inline constexpr char kMutedColour[] = "#666666";    // Secondary text.
inline constexpr char kGridColour[] = "#e4e4e4";     // Grid lines.

// Viridis at t in [0, 1] (clamped), as #rrggbb.
std::string Viridis(double t);
// The blue ramp at t in [0, 1] (clamped): near-white to dark blue.
std::string Blues(double t);
// Whether text on `background` (#rrggbb) should be white rather than black.
bool NeedsLightText(const std::string& background);

}  // namespace hyperlab::plot

#endif  // HYPERLAB_LAB_PLOT_PALETTE_H_
