#include "lab/plot/frame.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "lab/plot/palette.h"

namespace hyperlab::plot {
namespace {

// Rows from the top of a panel: title baseline, subtitle baseline, legend baseline.
constexpr double kTitleY = 22, kSubtitleY = 41, kTitleOnlyHeight = 36, kSubtitleHeight = 20,
                 kLegendHeight = 24;

Attrs TextAttrs(double x, double y, double size, const char* anchor, const char* css_class,
                const char* colour = kInkColour) {
  return {{"x", Num(x)},           {"y", Num(y)},    {"font-size", Num(size)},
          {"text-anchor", anchor}, {"fill", colour}, {"class", css_class}};
}

// The frame being drawn: the panel, its plot area and the two axes (fitted to the area).
struct Frame {
  const Box& panel;
  const Box& area;
  const Axis& x;
  const Axis& y;
};

// Grid lines: one per y tick, and one per x tick unless x is categorical.
void DrawGrid(SvgWriter& svg, const Frame& f) {
  const Box& area = f.area;
  svg.Open("g", {{"class", "grid"}, {"stroke", kGridColour}, {"stroke-width", "1"}});
  for (const Tick& t : f.y.ticks()) {
    const double py = f.y.Map(t.value);
    svg.Empty("line", {{"x1", Num(area.x)}, {"x2", Num(area.right())}, {"y1", Num(py)}, {"y2", Num(py)}});
  }
  if (f.x.kind() != Axis::Kind::kCategorical) {
    for (const Tick& t : f.x.ticks()) {
      const double px = f.x.Map(t.value);
      svg.Empty("line", {{"x1", Num(px)}, {"x2", Num(px)}, {"y1", Num(area.y)}, {"y2", Num(area.bottom())}});
    }
  }
  svg.Close();
}

// The two axes along the left and bottom of the plot area, with their tick marks.
void DrawAxisLines(SvgWriter& svg, const Frame& f) {
  const Box& area = f.area;
  svg.Open("g", {{"stroke", "#888888"}, {"stroke-width", "1"}});
  svg.Empty("line",
            {{"x1", Num(area.x)}, {"x2", Num(area.x)}, {"y1", Num(area.y)}, {"y2", Num(area.bottom())}});
  svg.Empty("line", {{"x1", Num(area.x)},
                     {"x2", Num(area.right())},
                     {"y1", Num(area.bottom())},
                     {"y2", Num(area.bottom())}});
  for (const Tick& t : f.y.ticks()) {
    const double py = f.y.Map(t.value);
    svg.Empty("line", {{"x1", Num(area.x - 4)}, {"x2", Num(area.x)}, {"y1", Num(py)}, {"y2", Num(py)}});
  }
  for (const Tick& t : f.x.ticks()) {
    const double px = f.x.Map(t.value);
    svg.Empty("line",
              {{"x1", Num(px)}, {"x2", Num(px)}, {"y1", Num(area.bottom())}, {"y2", Num(area.bottom() + 4)}});
  }
  svg.Close();
}

// The tick labels of both axes. Returns whether the x labels were turned: categorical labels that would
// overlap are turned, and long ones shortened.
bool DrawTickLabels(SvgWriter& svg, const Frame& f) {
  const Box& area = f.area;
  svg.Open("g", {{"fill", kInkColour}, {"font-size", Num(kTickSize)}});
  for (const Tick& t : f.y.ticks()) {
    svg.Element("text", TextAttrs(area.x - 7, f.y.Map(t.value) + 4, kTickSize, "end", "tick-label y"),
                t.label);
  }
  double widest = 0;
  for (const Tick& t : f.x.ticks()) widest = std::max(widest, TextWidth(t.label, kTickSize));
  const double spacing = f.x.ticks().size() > 1 ? area.width / f.x.ticks().size() : area.width;
  const bool turn = f.x.kind() == Axis::Kind::kCategorical && widest + 6 > spacing;
  for (const Tick& t : f.x.ticks()) {
    const double px = f.x.Map(t.value);
    if (turn) {
      std::string label = t.label.size() > 18 ? t.label.substr(0, 16) + "…" : t.label;
      Attrs a = TextAttrs(px + 3, area.bottom() + 14, kTickSize, "end", "tick-label x");
      a.push_back({"transform", absl::StrCat("rotate(-30 ", Num(px + 3), " ", Num(area.bottom() + 14), ")")});
      svg.Element("text", a, label);
    } else {
      svg.Element("text", TextAttrs(px, area.bottom() + 18, kTickSize, "middle", "tick-label x"), t.label);
    }
  }
  svg.Close();
  return turn;
}

// The axis labels: x's under its tick labels (lower when they are turned), y's turned, left of the area.
void DrawAxisLabels(SvgWriter& svg, const Frame& f, const FrameText& text, bool turned) {
  const Box& area = f.area;
  svg.Element("text",
              TextAttrs(area.x + area.width / 2, area.bottom() + (turned ? 48 : 40), kLabelSize, "middle",
                        "axis-label x"),
              text.x_label);
  const double ly = area.y + area.height / 2, lx = f.panel.x + 18;
  Attrs a = TextAttrs(lx, ly, kLabelSize, "middle", "axis-label y");
  a.push_back({"transform", absl::StrCat("rotate(-90 ", Num(lx), " ", Num(ly), ")")});
  svg.Element("text", a, text.y_label);
}

// The element that draws a marker: its tag and attributes (without its class).
struct MarkerShape {
  const char* tag;
  Attrs attrs;
};

MarkerShape ShapeOf(Marker marker, double x, double y, const std::string& colour, double size) {
  switch (marker) {
    case Marker::kDot:
      return {"circle",
              {{"cx", Num(x)},
               {"cy", Num(y)},
               {"r", Num(size)},
               {"fill", colour},
               {"fill-opacity", "0.85"},
               {"stroke", "#ffffff"},
               {"stroke-width", "1"}}};
    case Marker::kRing:
      return {"circle",
              {{"cx", Num(x)},
               {"cy", Num(y)},
               {"r", Num(size)},
               {"fill", "#ffffff"},
               {"stroke", colour},
               {"stroke-width", "2"}}};
    case Marker::kCross: {
      const double s = size * 0.9;
      return {"path",
              {{"d", absl::StrCat("M", Num(x - s), " ", Num(y - s), "L", Num(x + s), " ", Num(y + s), "M",
                                  Num(x - s), " ", Num(y + s), "L", Num(x + s), " ", Num(y - s))},
               {"stroke", colour},
               {"stroke-width", "2"},
               {"fill", "none"}}};
    }
    case Marker::kDiamond: {
      const double s = size * 1.3;
      return {"path",
              {{"d", absl::StrCat("M", Num(x), " ", Num(y - s), "L", Num(x + s), " ", Num(y), "L", Num(x),
                                  " ", Num(y + s), "L", Num(x - s), " ", Num(y), "Z")},
               {"fill", colour},
               {"stroke", "#ffffff"},
               {"stroke-width", "1"}}};
    }
    case Marker::kSquare:
      return {"rect",
              {{"x", Num(x - size)},
               {"y", Num(y - size)},
               {"width", Num(2 * size)},
               {"height", Num(2 * size)},
               {"fill", colour}}};
    case Marker::kLine:
    case Marker::kDash:
      break;
  }
  Attrs a = {{"x1", Num(x - 2 * size)}, {"x2", Num(x + 2 * size)}, {"y1", Num(y)}, {"y2", Num(y)},
             {"stroke", colour},        {"stroke-width", "2.5"}};
  if (marker == Marker::kDash) a.push_back({"stroke-dasharray", "5 3"});
  return {"line", a};
}

}  // namespace

double TextWidth(absl::string_view text, double font_size) {
  double chars = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte.
    chars += (c == 'i' || c == 'l' || c == '.' || c == ',' || c == '1' || c == ' ') ? 0.5 : 1;
  }
  return 0.6 * font_size * chars;
}

Box PlotArea(const Box& panel, bool subtitle, bool legend, double left, double bottom) {
  const double top = kTitleOnlyHeight + (subtitle ? kSubtitleHeight : 0) + (legend ? kLegendHeight : 0) + 8;
  return {panel.x + left, panel.y + top, std::max(10.0, panel.width - left - 24),
          std::max(10.0, panel.height - top - bottom)};
}

double LegendBaseline(const Box& panel, bool subtitle) {
  return panel.y + kTitleOnlyHeight + (subtitle ? kSubtitleHeight : 0) + 14;
}

void FitAxes(const Box& area, Axis& x, Axis& y) {
  x.SetPixels(area.x, area.right());
  y.SetPixels(area.bottom(), area.y);
}

void DrawFrame(SvgWriter& svg, const Box& panel, const Box& area, const Axis& x, const Axis& y,
               const FrameText& text) {
  svg.Element("text", TextAttrs(panel.x + 12, panel.y + kTitleY, kTitleSize, "start", "title"), text.title);
  svg.Open("g", {{"font-weight", "normal"}});
  if (!text.subtitle.empty()) {
    svg.Element(
        "text",
        TextAttrs(panel.x + 12, panel.y + kSubtitleY, kSmallSize + 1, "start", "subtitle", kMutedColour),
        text.subtitle);
  }
  svg.Empty("rect", {{"x", Num(area.x)},
                     {"y", Num(area.y)},
                     {"width", Num(area.width)},
                     {"height", Num(area.height)},
                     {"fill", "#fcfcfd"},
                     {"stroke", "none"}});
  const Frame frame{panel, area, x, y};
  DrawGrid(svg, frame);
  DrawAxisLines(svg, frame);
  const bool turned = DrawTickLabels(svg, frame);
  DrawAxisLabels(svg, frame, text, turned);
  svg.Close();
}

double DrawLegend(SvgWriter& svg, double right, double y, const std::vector<LegendItem>& items) {
  double width = 0;
  for (const LegendItem& item : items) width += 22 + TextWidth(item.label, kTickSize) + 14;
  double x = right - width;
  svg.Open("g", {{"class", "legend"}, {"font-size", Num(kTickSize)}});
  for (const LegendItem& item : items) {
    const double cx = x + 8, cy = y - 4;
    if (item.marker == Marker::kLine || item.marker == Marker::kDash) {
      Attrs a = {{"x1", Num(x)},  {"x2", Num(x + 18)},     {"y1", Num(cy)},
                 {"y2", Num(cy)}, {"stroke", item.colour}, {"stroke-width", "2.5"}};
      if (item.marker == Marker::kDash) a.push_back({"stroke-dasharray", "5 3"});
      svg.Empty("line", a);
    } else {
      DrawMarker(svg, item.marker, cx, cy, item.colour, "legend-marker", "");
    }
    svg.Element("text", TextAttrs(x + 22, y, kTickSize, "start", "legend-label"), item.label);
    x += 22 + TextWidth(item.label, kTickSize) + 14;
  }
  svg.Close();
  return width;
}

void DrawMarker(SvgWriter& svg, Marker marker, double x, double y, const std::string& colour,
                const std::string& css_class, const std::string& tooltip, double size) {
  MarkerShape shape = ShapeOf(marker, x, y, colour, size);
  shape.attrs.push_back({"class", css_class});
  if (tooltip.empty()) {
    svg.Empty(shape.tag, shape.attrs);
    return;
  }
  svg.Open(shape.tag, shape.attrs);
  svg.Element("title", {}, tooltip);
  svg.Close();
}

void DrawFigureTitle(SvgWriter& svg, const std::string& title, const std::string& subtitle) {
  svg.Element(
      "text",
      {{"x", "12"}, {"y", "22"}, {"font-size", Num(kTitleSize)}, {"fill", kInkColour}, {"class", "title"}},
      title);
  svg.Element("text",
              {{"x", "12"},
               {"y", "41"},
               {"font-size", Num(kSmallSize + 1)},
               {"fill", kMutedColour},
               {"class", "subtitle"}},
              subtitle);
}

}  // namespace hyperlab::plot
