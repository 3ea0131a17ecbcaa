#include "lab/plot/svg.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hyperlab::plot {

std::string EscapeXml(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') break;
        out += c;
    }
  }
  return out;
}

std::string Num(double value) {
  if (!std::isfinite(value)) return "0";
  std::string s = absl::StrFormat("%.2f", value);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

SvgWriter::SvgWriter(double width, double height, absl::string_view title) {
  absl::StrAppend(&out_, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", Num(width), "\" height=\"",
                  Num(height), "\" viewBox=\"0 0 ", Num(width), " ", Num(height), "\" font-family=\"",
                  EscapeXml(kFontFamily), "\" role=\"img\">\n");
  open_.push_back("svg");
  Element("title", {}, title);
  // A white background, so the plot reads the same on a dark page or in an image viewer.
  Empty("rect", {{"width", "100%"}, {"height", "100%"}, {"fill", "#ffffff"}});
}

void SvgWriter::StartTag(absl::string_view tag, const Attrs& attrs) {
  out_.append(2 * open_.size() - 2, ' ');
  absl::StrAppend(&out_, "<", tag);
  for (const Attr& a : attrs) absl::StrAppend(&out_, " ", a.name, "=\"", EscapeXml(a.value), "\"");
}

void SvgWriter::Open(absl::string_view tag, const Attrs& attrs) {
  StartTag(tag, attrs);
  out_ += ">\n";
  open_.emplace_back(tag.data(), tag.size());
}

void SvgWriter::Close() {
  if (open_.size() <= 1) return;  // Never closes <svg> early; Finish does.
  out_.append(2 * open_.size() - 4, ' ');
  absl::StrAppend(&out_, "</", open_.back(), ">\n");
  open_.pop_back();
}

void SvgWriter::Empty(absl::string_view tag, const Attrs& attrs) {
  StartTag(tag, attrs);
  out_ += "/>\n";
}

void SvgWriter::Element(absl::string_view tag, const Attrs& attrs, absl::string_view text) {
  StartTag(tag, attrs);
  absl::StrAppend(&out_, ">", EscapeXml(text), "</", tag, ">\n");
}

std::string SvgWriter::Finish() {
  while (open_.size() > 1) Close();
  if (!open_.empty()) {
    out_ += "</svg>\n";
    open_.clear();
  }
  return std::move(out_);
}

}  // namespace hyperlab::plot
