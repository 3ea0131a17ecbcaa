// A tiny XML parser for tests: checks that an SVG is well-formed (one root, tags nested and closed,
// attributes quoted and unique, text and attribute values free of raw '<' and of unknown entities) and
// gives back the element tree, so tests can count elements and read attributes.
//
// Not a general XML parser: no DTDs, no CDATA, no namespaces beyond keeping prefixed names as written.
#ifndef HYPERLAB_TESTS_LAB_PLOT_XML_CHECKER_H_
#define HYPERLAB_TESTS_LAB_PLOT_XML_CHECKER_H_

#include <cctype>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hyperlab::plot::testing {

struct XmlNode {
  std::string tag;
  std::map<std::string, std::string> attrs;
  std::string text;  // Character data directly inside, entities decoded.
  std::vector<std::unique_ptr<XmlNode>> children;

  std::string Attr(const std::string& name) const {
    auto it = attrs.find(name);
    return it == attrs.end() ? "" : it->second;
  }
  double Number(const std::string& name) const { return std::strtod(Attr(name).c_str(), nullptr); }
  bool HasClass(const std::string& c) const {
    for (absl::string_view part : absl::StrSplit(Attr("class"), ' ')) {
      if (part == c) return true;
    }
    return false;
  }
  // Every element below (and including) this one for which `pred` holds, in document order.
  std::vector<const XmlNode*> FindAll(const std::function<bool(const XmlNode&)>& pred) const {
    std::vector<const XmlNode*> out;
    Collect(pred, out);
    return out;
  }
  std::vector<const XmlNode*> WithClass(const std::string& c) const {
    return FindAll([&](const XmlNode& n) { return n.HasClass(c); });
  }
  std::vector<const XmlNode*> WithTag(const std::string& t) const {
    return FindAll([&](const XmlNode& n) { return n.tag == t; });
  }
  // The text of this element and all below it.
  std::string AllText() const {
    std::string out = text;
    for (const auto& c : children) out += c->AllText();
    return out;
  }

 private:
  void Collect(const std::function<bool(const XmlNode&)>& pred, std::vector<const XmlNode*>& out) const {
    if (pred(*this)) out.push_back(this);
    for (const auto& c : children) c->Collect(pred, out);
  }
};

class XmlParser {
 public:
  explicit XmlParser(const std::string& text) : s_(text) {}

  absl::StatusOr<std::unique_ptr<XmlNode>> Parse() {
    SkipMisc();
    if (pos_ + 5 <= s_.size() && s_.compare(pos_, 5, "<?xml") == 0) {
      const size_t end = s_.find("?>", pos_);
      if (end == std::string::npos) return Error("unterminated XML declaration");
      pos_ = end + 2;
    }
    SkipMisc();
    if (pos_ >= s_.size() || s_[pos_] != '<') return Error("no root element");
    auto root = std::make_unique<XmlNode>();
    if (auto st = Element(*root); !st.ok()) return st;
    SkipMisc();
    if (pos_ != s_.size()) return Error("content after the root element");
    return root;
  }

 private:
  absl::Status Error(const std::string& what) const {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " at offset ", pos_, ": '", s_.substr(pos_ > 20 ? pos_ - 20 : 0, 60), "'"));
  }
  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  void SkipMisc() {  // Whitespace and comments.
    while (true) {
      SkipSpace();
      if (s_.compare(pos_, 4, "<!--") == 0) {
        const size_t end = s_.find("-->", pos_);
        pos_ = end == std::string::npos ? s_.size() : end + 3;
      } else {
        return;
      }
    }
  }
  static bool NameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.';
  }
  std::string Name() {
    const size_t start = pos_;
    while (pos_ < s_.size() && NameChar(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }
  // Decodes entities in s_[from, to); errors on raw '<' or an unknown entity.
  absl::StatusOr<std::string> Decode(size_t from, size_t to) {
    std::string out;
    for (size_t i = from; i < to; ++i) {
      const char c = s_[i];
      if (c == '<') return Error("raw '<' in text or attribute");
      if (c != '&') {
        out += c;
        continue;
      }
      const size_t semi = s_.find(';', i);
      if (semi == std::string::npos || semi >= to) return Error("unterminated entity");
      const std::string name = s_.substr(i + 1, semi - i - 1);
      if (name == "amp")
        out += '&';
      else if (name == "lt")
        out += '<';
      else if (name == "gt")
        out += '>';
      else if (name == "quot")
        out += '"';
      else if (name == "apos")
        out += '\'';
      else if (!name.empty() && name[0] == '#') {
        const long code = name.size() > 1 && name[1] == 'x' ? std::strtol(name.c_str() + 2, nullptr, 16)
                                                            : std::strtol(name.c_str() + 1, nullptr, 10);
        if (code <= 0 || code > 127)
          return Error("numeric entity outside ASCII (not expected from our writer)");
        out += static_cast<char>(code);
      } else {
        return Error(absl::StrCat("unknown entity &", name, ";"));
      }
      i = semi;
    }
    return out;
  }
  absl::Status Element(XmlNode& node) {
    ++pos_;  // '<'
    node.tag = Name();
    if (node.tag.empty()) return Error("element without a name");
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size()) return Error("unterminated start tag");
      if (s_[pos_] == '/') {
        if (s_.compare(pos_, 2, "/>") != 0) return Error("stray '/'");
        pos_ += 2;
        return absl::OkStatus();
      }
      if (s_[pos_] == '>') {
        ++pos_;
        break;
      }
      const std::string name = Name();
      if (name.empty()) return Error("bad attribute name");
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '=') return Error("attribute without '='");
      ++pos_;
      SkipSpace();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) return Error("unquoted attribute");
      const char quote = s_[pos_++];
      const size_t end = s_.find(quote, pos_);
      if (end == std::string::npos) return Error("unterminated attribute");
      auto value = Decode(pos_, end);
      if (!value.ok()) return value.status();
      if (node.attrs.count(name)) return Error("duplicate attribute " + name);
      node.attrs[name] = *value;
      pos_ = end + 1;
    }
    // Content.
    while (true) {
      const size_t lt = s_.find('<', pos_);
      if (lt == std::string::npos) return Error("unclosed element <" + node.tag + ">");
      auto text = Decode(pos_, lt);
      if (!text.ok()) return text.status();
      node.text += *text;
      pos_ = lt;
      if (s_.compare(pos_, 4, "<!--") == 0) {
        SkipMisc();
        continue;
      }
      if (s_.compare(pos_, 2, "</") == 0) {
        pos_ += 2;
        const std::string name = Name();
        if (name != node.tag) return Error("</" + name + "> closes <" + node.tag + ">");
        SkipSpace();
        if (pos_ >= s_.size() || s_[pos_] != '>') return Error("bad end tag");
        ++pos_;
        return absl::OkStatus();
      }
      auto child = std::make_unique<XmlNode>();
      if (auto st = Element(*child); !st.ok()) return st;
      node.children.push_back(std::move(child));
    }
  }

  const std::string& s_;
  size_t pos_ = 0;
};

inline absl::StatusOr<std::unique_ptr<XmlNode>> ParseXml(const std::string& text) {
  return XmlParser(text).Parse();
}

}  // namespace hyperlab::plot::testing

#endif  // HYPERLAB_TESTS_LAB_PLOT_XML_CHECKER_H_
