// The `--where` language: which trials to show.
//
//   learning_rate < 0.01 and optimizer = adam
//   state = FAILED or (dev_accuracy >= 0.88 and not epochs > 20)
//   optimizer in (adam, rmsprop) and study != baseline
//   started >= "2024-05-01"                     (text compares as text: ISO dates order correctly)
//
// Grammar (keywords in any case; `not` binds tighter than `and`, `and` tighter than `or`):
//   expr       := and_expr ('or' and_expr)*
//   and_expr   := not_expr ('and' not_expr)*
//   not_expr   := 'not' not_expr | '(' expr ')' | comparison
//   comparison := NAME OP value | NAME ['not'] 'in' '(' value (',' value)* ')'
//   OP         := '<' | '<=' | '>' | '>=' | '=' | '==' | '!='
//   value      := NUMBER | 'quoted string' | "quoted string" | bare_word
// NAME is a parameter, a metric or a trial field (lab/trial_fields.h).
//
// Meaning: a number field compares numerically (exactly: `learning_rate = 0.01` matches 0.01, not
// 0.010000000000000002; copy exact values from CSV or JSON, or use a range); a text field compares as
// text. A trial that has no value for the name (a failed trial has no dev_accuracy) fails every
// comparison, `!=` included, so `not (dev_accuracy > 0.8)` does include it.
//
// Errors (INVALID_ARGUMENT, from Parse) give the 1-based column and show the expression with a caret
// under the fault (query_lexer.h's QueryError): a missing value or operator, an unknown name (listing
// the known ones), a word where a number belongs, a category the parameter does not have, and nesting
// ('(' and 'not') deeper than kMaxQueryDepth.
//
// Thread safety: a parsed Query is immutable; Matches may be called from any thread.
#ifndef HYPERLAB_LAB_QUERY_H_
#define HYPERLAB_LAB_QUERY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lab/field_value.h"
#include "lab/trial_fields.h"

namespace hyperlab::lab {

// The deepest nesting of '(' and 'not' a query may have. Parsing, evaluating, printing and freeing a
// query recurse once per level, so this bounds their stack use whatever the expression.
inline constexpr int kMaxQueryDepth = 100;

class Query {
 public:
  // One node of the parsed expression.
  struct Node {
    enum class Op { kOr, kAnd, kNot, kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual, kIn };
    Op op;
    // kOr, kAnd: two or more; kNot: one.
    std::vector<std::unique_ptr<Node>> children;
    // Comparisons and kIn (a copy: the query does not depend on the catalog after parsing).
    Field field;
    // Comparisons: one; kIn: one or more. Numbers for number fields, text for text fields.
    std::vector<Value> values;
  };

  // Parses `expression` against the names in `catalog`. An empty or blank expression matches every trial.
  static absl::StatusOr<Query> Parse(absl::string_view expression, const FieldCatalog& catalog);

  bool Matches(const TrialRecord& record) const;

  // The parsed tree, fully parenthesised, for tests and debugging:
  //   "(or (and (< learning_rate 0.01) (= optimizer \"adam\")) (not (in state \"FAILED\" \"STOPPED\")))".
  std::string DebugString() const;

 private:
  std::unique_ptr<Node> root_;  // Null: matches everything.
};

}  // namespace hyperlab::lab

#endif  // HYPERLAB_LAB_QUERY_H_
