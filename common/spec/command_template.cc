#include "common/spec/command_template.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace hyperlab {

absl::StatusOr<std::vector<TemplatePart>> ParseCommandTemplate(absl::string_view arg) {
  std::vector<TemplatePart> parts;
  auto literal = [&](char c) {
    if (parts.empty() || parts.back().placeholder) parts.push_back({false, ""});
    parts.back().text.push_back(c);
  };
  for (size_t i = 0; i < arg.size(); ++i) {
    const char c = arg[i];
    const bool doubled = i + 1 < arg.size() && arg[i + 1] == c;
    if ((c == '{' || c == '}') && doubled) {
      literal(c);
      ++i;
    } else if (c == '}') {
      return absl::InvalidArgumentError(
          absl::StrCat("unmatched '}' at offset ", i, "; write '}}' for a literal brace"));
    } else if (c == '{') {
      const size_t close = arg.find('}', i + 1);
      if (close == absl::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("unclosed '{' at offset ", i, "; write '{{' for a literal brace"));
      }
      parts.push_back({true, std::string(arg.substr(i + 1, close - i - 1))});
      i = close;
    } else {
      literal(c);
    }
  }
  return parts;
}

}  // namespace hyperlab
