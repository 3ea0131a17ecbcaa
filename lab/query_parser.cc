// Query::Parse: a recursive-descent parser over query_lexer's tokens, one function per grammar rule
// (query.h). Names and literals are checked here, against the catalog, so that a query that parses can
// only match or not match: evaluation has no errors.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/status_macros.h"
#include "lab/query.h"
#include "lab/query_lexer.h"

namespace hyperlab::lab {
namespace {

using Node = Query::Node;
using NodePtr = std::unique_ptr<Node>;

bool IsKeyword(const Token& t, absl::string_view keyword) {
  return t.kind == Token::Kind::kWord && absl::EqualsIgnoreCase(t.text, keyword);
}

bool IsAnyKeyword(const Token& t) {
  return IsKeyword(t, "and") || IsKeyword(t, "or") || IsKeyword(t, "not") || IsKeyword(t, "in");
}

Node::Op OperatorOf(const std::string& text) {
  if (text == "<") return Node::Op::kLess;
  if (text == "<=") return Node::Op::kLessEqual;
  if (text == ">") return Node::Op::kGreater;
  if (text == ">=") return Node::Op::kGreaterEqual;
  if (text == "!=") return Node::Op::kNotEqual;
  return Node::Op::kEqual;
}

NodePtr Combine(Node::Op op, std::vector<NodePtr> children) {
  if (children.size() == 1) return std::move(children[0]);
  auto node = std::make_unique<Node>();
  node->op = op;
  node->children = std::move(children);
  return node;
}

class Parser {
 public:
  Parser(absl::string_view text, std::vector<Token> tokens, const FieldCatalog& catalog)
      : text_(text), tokens_(std::move(tokens)), catalog_(catalog) {}

  // The whole expression; null for an empty one.
  absl::StatusOr<NodePtr> ParseAll() {
    if (Peek().kind == Token::Kind::kEnd) return nullptr;
    ASSIGN_OR_RETURN(NodePtr root, ParseOr());
    const Token& rest = Peek();
    if (rest.kind == Token::Kind::kRightParen) return Error(rest, "unmatched ')'");
    if (rest.kind != Token::Kind::kEnd) {
      return Error(rest, absl::StrCat("expected 'and', 'or' or the end after a complete condition, got ",
                                      Describe(rest)));
    }
    return root;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  // The token before the current one (the current one when there is none).
  const Token& Previous() const { return tokens_[pos_ > 0 ? pos_ - 1 : 0]; }
  const Token& Next() {
    const Token& t = tokens_[pos_];
    if (t.kind != Token::Kind::kEnd) ++pos_;
    return t;
  }
  absl::Status Error(const Token& at, absl::string_view message) const {
    return QueryError(text_, at.offset, message);
  }

  absl::StatusOr<NodePtr> ParseOr() {
    std::vector<NodePtr> children;
    ASSIGN_OR_RETURN(NodePtr first, ParseAnd());
    children.push_back(std::move(first));
    while (IsKeyword(Peek(), "or")) {
      Next();
      ASSIGN_OR_RETURN(NodePtr next, ParseAnd());
      children.push_back(std::move(next));
    }
    return Combine(Node::Op::kOr, std::move(children));
  }

  absl::StatusOr<NodePtr> ParseAnd() {
    std::vector<NodePtr> children;
    ASSIGN_OR_RETURN(NodePtr first, ParseNot());
    children.push_back(std::move(first));
    while (IsKeyword(Peek(), "and")) {
      Next();
      ASSIGN_OR_RETURN(NodePtr next, ParseNot());
      children.push_back(std::move(next));
    }
    return Combine(Node::Op::kAnd, std::move(children));
  }

  // One level of '(' or 'not': parsing recurses per level, so depth is bounded (kMaxQueryDepth).
  absl::StatusOr<NodePtr> ParseNot() {
    if ((IsKeyword(Peek(), "not") || Peek().kind == Token::Kind::kLeftParen) && depth_ >= kMaxQueryDepth) {
      return Error(Peek(), absl::StrCat("'(' and 'not' nested over ", kMaxQueryDepth,
                                        " deep, over the limit max_query_depth = ", kMaxQueryDepth));
    }
    ++depth_;
    absl::StatusOr<NodePtr> node = ParseNested();
    --depth_;
    return node;
  }

  absl::StatusOr<NodePtr> ParseNested() {
    if (IsKeyword(Peek(), "not")) {
      Next();
      std::vector<NodePtr> child;
      ASSIGN_OR_RETURN(NodePtr operand, ParseNot());
      child.push_back(std::move(operand));
      auto node = std::make_unique<Node>();
      node->op = Node::Op::kNot;
      node->children = std::move(child);
      return node;
    }
    if (Peek().kind == Token::Kind::kLeftParen) {
      const Token& open = Next();
      ASSIGN_OR_RETURN(NodePtr inner, ParseOr());
      if (Peek().kind != Token::Kind::kRightParen) {
        return Error(Peek(), absl::StrCat("expected ')' to close the '(' at column ",
                                          ColumnAt(text_, open.offset), ", got ", Describe(Peek())));
      }
      Next();
      return inner;
    }
    return ParseComparison();
  }

  absl::StatusOr<NodePtr> ParseComparison() {
    const Token& name = Peek();
    if (name.kind != Token::Kind::kWord || IsAnyKeyword(name)) {
      if (pos_ == 0) {
        return Error(
            name, absl::StrCat("expected a condition such as 'learning_rate < 0.01', got ", Describe(name)));
      }
      return Error(
          name, absl::StrCat("expected a condition after ", Describe(Previous()), ", got ", Describe(name)));
    }
    const Field* field = catalog_.Find(name.text);
    if (field == nullptr) return Error(name, catalog_.UnknownName(name.text));
    Next();
    auto node = std::make_unique<Node>();
    node->field = *field;
    const Token& op = Peek();
    if (op.kind == Token::Kind::kOperator) {
      Next();
      node->op = OperatorOf(op.text);
      ASSIGN_OR_RETURN(Value value, ParseValue(*field, op));
      node->values.push_back(std::move(value));
      return node;
    }
    const bool negated = IsKeyword(op, "not") && IsKeyword(tokens_[pos_ + 1], "in");
    if (IsKeyword(op, "in") || negated) {
      if (negated) Next();
      node->op = Node::Op::kIn;
      const Token& in = Next();
      if (Peek().kind != Token::Kind::kLeftParen) {
        return Error(Peek(), absl::StrCat("expected '(' after 'in', got ", Describe(Peek())));
      }
      const Token* after = &Next();
      while (true) {
        ASSIGN_OR_RETURN(Value value, ParseValue(*field, *after));
        node->values.push_back(std::move(value));
        if (Peek().kind == Token::Kind::kRightParen) break;
        if (Peek().kind != Token::Kind::kComma) {
          return Error(Peek(), absl::StrCat("expected ',' or ')' in the list after '", in.text, "', got ",
                                            Describe(Peek())));
        }
        after = &Next();
      }
      Next();
      if (!negated) return node;
      std::vector<NodePtr> child;
      child.push_back(std::move(node));
      auto outer = std::make_unique<Node>();
      outer->op = Node::Op::kNot;
      outer->children = std::move(child);
      return outer;
    }
    return Error(op, absl::StrCat("expected a comparison (<, <=, >, >=, =, !=, in) after '", name.text,
                                  "', got ", Describe(op)));
  }

  // A literal for `field`, after the token `after` (an operator, '(' or ',').
  absl::StatusOr<Value> ParseValue(const Field& field, const Token& after) {
    const Token& v = Peek();
    const bool is_value = v.kind == Token::Kind::kNumber || v.kind == Token::Kind::kString ||
                          (v.kind == Token::Kind::kWord && !IsAnyKeyword(v));
    if (!is_value) {
      return Error(v, absl::StrCat("expected a value after ", Describe(after), ", got ", Describe(v)));
    }
    Next();
    if (field.type == Field::Type::kNumber) {
      if (v.kind != Token::Kind::kNumber) {
        return Error(v, absl::StrCat("expected a number for '", field.name, "', got ", Describe(v)));
      }
      return v.number;
    }
    if (field.type == Field::Type::kAny && v.kind == Token::Kind::kNumber) return v.number;
    // Text fields take numbers as written: a category may be "3".
    std::string text = v.text;
    if (!field.values.empty()) {
      auto it = std::find_if(field.values.begin(), field.values.end(), [&](const std::string& known) {
        return field.ignore_case ? absl::EqualsIgnoreCase(known, text) : known == text;
      });
      if (it == field.values.end()) {
        return Error(v, absl::StrCat("'", field.name, "' has no value ", Describe(v),
                                     "; its values: ", absl::StrJoin(field.values, ", ")));
      }
      text = *it;  // The stored spelling: `succeeded` compares as SUCCEEDED.
    }
    return text;
  }

  absl::string_view text_;
  std::vector<Token> tokens_;
  const FieldCatalog& catalog_;
  size_t pos_ = 0;
  int depth_ = 0;  // Levels of '(' and 'not' being parsed.
};

}  // namespace

absl::StatusOr<Query> Query::Parse(absl::string_view expression, const FieldCatalog& catalog) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(expression));
  Parser parser(expression, std::move(tokens), catalog);
  Query query;
  ASSIGN_OR_RETURN(query.root_, parser.ParseAll());
  return query;
}

}  // namespace hyperlab::lab
