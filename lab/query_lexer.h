// Splits a `--where` expression into tokens, each with the byte offset it starts at, so that every error
// can point at its place in the expression.
//
// Tokens: words (names, bare values and the keywords and/or/not/in, which the parser recognises),
// numbers (`3`, `-0.5`, `1e-3`, `.5`), quoted strings ('...' or "...", backslash escapes the quote and
// itself), the operators < <= > >= = == != (`==` is read as `=`), parentheses and commas.
// A word is a run of letters, digits and `_ . / - +` (metric names may contain `.`, `/` and `-`); a run
// that is a whole number is a number, so `1e-3` is a number and `3x3` a word.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_LAB_QUERY_LEXER_H_
#define HYPERLAB_LAB_QUERY_LEXER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hyperlab::lab {

struct Token {
  enum class Kind { kWord, kNumber, kString, kOperator, kLeftParen, kRightParen, kComma, kEnd };
  Kind kind = Kind::kEnd;
  // Words and operators: as written (`==` as `=`); strings: without quotes, escapes resolved; numbers:
  // as written.
  std::string text;
  double number = 0;
  // Byte offset in the expression; the end token's is the expression's length.
  size_t offset = 0;
};

// The tokens of `expression`, ending with one kEnd token. INVALID_ARGUMENT (see QueryError) for an
// unterminated string or a character that starts no token.
absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view expression);

// INVALID_ARGUMENT "column C: MESSAGE" followed by two lines: the expression and a caret under the
// character at byte `offset` (C is 1-based and counts characters, not bytes). For example:
//   column 17: expected a value after '<', got 'and'
//     learning_rate < and epochs > 3
//                     ^
absl::Status QueryError(absl::string_view expression, size_t offset, absl::string_view message);

// The 1-based column of byte `offset` of `expression`, counting characters (UTF-8), not bytes.
size_t ColumnAt(absl::string_view expression, size_t offset);

// "'<'", "'adam'", "\"a b\"" or "the end": how messages name a token.
std::string Describe(const Token& token);

}  // namespace hyperlab::lab

#endif  // HYPERLAB_LAB_QUERY_LEXER_H_
