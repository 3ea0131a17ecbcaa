// The parts every chart shares: the plot area with its grid, axes, tick labels, axis labels, title and
// legend, and the markers that stand for trials.
//
// Layout of one panel (numbers are pixels): the title on the first line, a muted subtitle under it, then an
// optional legend row, then the plot area with room for tick labels and axis labels around it.
// Classes on the elements (`tick-label x`, `point succeeded`, `legend`, ...) let tests and style sheets find
// them; they change nothing in how the SVG looks on its own.
//
// Thread safety: pure functions of their arguments (they write to the given SvgWriter).
#ifndef HYPERLAB_LAB_PLOT_FRAME_H_
#define HYPERLAB_LAB_PLOT_FRAME_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "lab/plot/axis.h"
#include "lab/plot/svg.h"

namespace hyperlab::plot {

struct Box {
  double x = 0, y = 0, width = 0, height = 0;
  double right() const { return x + width; }
  double bottom() const { return y + height; }
};

struct FrameText {
  std::string title;
  std::string subtitle;  // Optional: what the plot shows and how it was computed.
  std::string x_label;
  std::string y_label;
};

// Font sizes, so that every plot reads alike.
inline constexpr double kTitleSize = 16;
inline constexpr double kLabelSize = 13;
inline constexpr double kTickSize = 12;
inline constexpr double kSmallSize = 11;

// The width `text` takes at `font_size` in a typical sans-serif font (an estimate: SVG cannot measure).
double TextWidth(absl::string_view text, double font_size);

// The plot area inside `panel`, leaving room for title, subtitle (when `subtitle`), a legend row (when
// `legend`), tick labels and axis labels. `left` is the room for y tick labels and the y label.
Box PlotArea(const Box& panel, bool subtitle, bool legend, double left = 76, double bottom = 52);

// The baseline of the legend row of `panel` (see PlotArea).
double LegendBaseline(const Box& panel, bool subtitle);

// Sets the axes' pixel ranges to `area` (y grows upwards).
void FitAxes(const Box& area, Axis& x, Axis& y);

// Draws title and subtitle at the top of `panel`, and the plot area's background, grid, axes, ticks and
// axis labels, at the axes' pixel ranges (FitAxes). Categorical x labels that do not fit side by side are
// turned by 30 degrees.
void DrawFrame(SvgWriter& svg, const Box& panel, const Box& area, const Axis& x, const Axis& y,
               const FrameText& text);

// The title and subtitle of a figure of several panels (confusion matrix, parallel coordinates, slices),
// at its top left.
void DrawFigureTitle(SvgWriter& svg, const std::string& title, const std::string& subtitle);

enum class Marker { kDot, kRing, kCross, kDiamond, kLine, kDash, kSquare };

struct LegendItem {
  Marker marker;
  std::string colour;
  std::string label;
};

// A legend in one row ending at `right`, its text baseline at `y`. Returns its width.
double DrawLegend(SvgWriter& svg, double right, double y, const std::vector<LegendItem>& items);

// A trial's marker at (x, y) with a tooltip; `css_class` names it for tests ("point succeeded").
void DrawMarker(SvgWriter& svg, Marker marker, double x, double y, const std::string& colour,
                const std::string& css_class, const std::string& tooltip, double size = 4.5);

}  // namespace hyperlab::plot

#endif  // HYPERLAB_LAB_PLOT_FRAME_H_
