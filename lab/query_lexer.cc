#include "lab/query_lexer.h"

#include <charconv>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace hyperlab::lab {
namespace {

bool IsWordChar(char c) {
  return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '/' || c == '-' || c == '+';
}

// The whole of `text` as a number: an optional sign, then digits or a point first (so `inf`, `nan` and
// `e5` stay words), then what strtod reads. nullopt otherwise.
std::optional<double> WholeNumber(absl::string_view text) {
  absl::string_view body = text;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  if (body.empty() || !(absl::ascii_isdigit(body[0]) || body[0] == '.')) return std::nullopt;
  // from_chars takes no '+' sign; put the '-' back for it.
  const bool negative = text[0] == '-';
  std::string digits = absl::StrCat(negative ? "-" : "", body);
  double value = 0;
  const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (result.ec != std::errc() || result.ptr != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace

size_t ColumnAt(absl::string_view text, size_t offset) {
  size_t column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    // UTF-8 continuation bytes do not start a character.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

absl::Status QueryError(absl::string_view expression, size_t offset, absl::string_view message) {
  // Tabs and newlines would move the caret; show them as spaces.
  std::string shown(expression);
  for (char& c : shown) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  const size_t column = ColumnAt(expression, offset);
  return absl::InvalidArgumentError(absl::StrCat("column ", column, ": ", message, "\n  ", shown, "\n  ",
                                                 std::string(column - 1, ' '), "^"));
}

std::string Describe(const Token& token) {
  switch (token.kind) {
    case Token::Kind::kEnd:
      return "the end";
    case Token::Kind::kString:
      return absl::StrCat("\"", token.text, "\"");
    default:
      return absl::StrCat("'", token.text, "'");
  }
}

absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view s) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (absl::ascii_isspace(c)) {
      ++i;
      continue;
    }
    Token token;
    token.offset = i;
    if (c == '(' || c == ')' || c == ',') {
      token.kind =
          c == '(' ? Token::Kind::kLeftParen : (c == ')' ? Token::Kind::kRightParen : Token::Kind::kComma);
      token.text = std::string(1, c);
      ++i;
    } else if (c == '<' || c == '>' || c == '=' || c == '!') {
      const bool two = i + 1 < s.size() && s[i + 1] == '=';
      if (c == '!' && !two) return QueryError(s, i, "unexpected '!'; write 'not' or '!='");
      token.kind = Token::Kind::kOperator;
      token.text = std::string(s.substr(i, two ? 2 : 1));
      if (token.text == "==") token.text = "=";
      i += two ? 2 : 1;
    } else if (c == '"' || c == '\'') {
      token.kind = Token::Kind::kString;
      size_t j = i + 1;
      while (j < s.size() && s[j] != c) {
        if (s[j] == '\\' && j + 1 < s.size()) ++j;
        token.text += s[j++];
      }
      if (j >= s.size())
        return QueryError(s, i, absl::StrCat("unterminated string: no closing ", std::string(1, c)));
      i = j + 1;
    } else if (IsWordChar(c)) {
      size_t j = i;
      while (j < s.size() && IsWordChar(s[j])) ++j;
      token.text = std::string(s.substr(i, j - i));
      if (std::optional<double> number = WholeNumber(token.text)) {
        token.kind = Token::Kind::kNumber;
        token.number = *number;
      } else {
        token.kind = Token::Kind::kWord;
      }
      i = j;
    } else if (c == '&' || c == '|') {
      return QueryError(
          s, i, absl::StrCat("unexpected '", std::string(1, c), "'; write '", c == '&' ? "and" : "or", "'"));
    } else {
      return QueryError(s, i, absl::StrCat("unexpected character '", std::string(1, c), "'"));
    }
    tokens.push_back(std::move(token));
  }
  tokens.push_back(Token{.kind = Token::Kind::kEnd, .offset = s.size()});
  return tokens;
}

}  // namespace hyperlab::lab
