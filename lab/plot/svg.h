// A small SVG writer: elements, attributes and escaped text, nothing else.
//
// Why our own: the plots need a handful of shapes and text, and a dependency for that would outweigh it.
// Every attribute value and every text node goes through EscapeXml, so names from a study file (a metric
// called `a<b`, a class called `T-shirt & top`) can never break the document. The writer emits no `id`
// attributes and no <defs>: several plots are inlined in one HTML report, where ids would collide.
//
// Example:
//   SvgWriter svg(640, 400, "History of study s");
//   svg.Empty("rect", {{"x", Num(0)}, {"width", Num(10)}});
//   svg.Open("circle", {{"cx", Num(3)}, {"cy", Num(4)}, {"r", "3"}});
//   svg.Element("title", {}, "trial 3");  // A tooltip.
//   svg.Close();
//   std::string text = svg.Finish();
//
// Thread safety: not thread-safe; one writer per plot.
#ifndef HYPERLAB_LAB_PLOT_SVG_H_
#define HYPERLAB_LAB_PLOT_SVG_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace hyperlab::plot {

struct Attr {
  std::string name;
  std::string value;
};
using Attrs = std::vector<Attr>;

// `text` with &, <, >, " and ' replaced by entities, and control characters other than tab and newline
// (not allowed in XML 1.0) dropped.
std::string EscapeXml(absl::string_view text);

// A coordinate or length: at most 2 decimals, no trailing zeros ("12.5", "3", "-0.25").
std::string Num(double value);

// The font stack every plot uses (also the report's): common system fonts, nothing to download.
inline constexpr char kFontFamily[] =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";

class SvgWriter {
 public:
  // Opens <svg> with a viewBox of `width` x `height` and a <title> (read by screen readers).
  SvgWriter(double width, double height, absl::string_view title);

  // <tag attrs...> ... and its matching </tag>.
  void Open(absl::string_view tag, const Attrs& attrs);
  void Close();
  // <tag attrs.../>
  void Empty(absl::string_view tag, const Attrs& attrs);
  // <tag attrs...>text</tag>, the text escaped.
  void Element(absl::string_view tag, const Attrs& attrs, absl::string_view text);

  // Closes what is still open and returns the document.
  std::string Finish();

 private:
  void StartTag(absl::string_view tag, const Attrs& attrs);

  std::string out_;
  std::vector<std::string> open_;
};

}  // namespace hyperlab::plot

#endif  // HYPERLAB_LAB_PLOT_SVG_H_
