// Query evaluation and printing; parsing is in query_parser.cc.
#include "lab/query.h"

#include "absl/strings/str_cat.h"

namespace hyperlab::lab {
namespace {

using Node = Query::Node;

// `value <op> literal`; false when the trial has no value.
bool Compare(Node::Op op, const Value& value, const Value& literal) {
  if (IsMissing(value)) return false;
  const std::optional<double> a = AsNumber(value), b = AsNumber(literal);
  int order;
  if (a && b) {
    // IEEE semantics: NaN is neither less, equal nor greater (so only != holds).
    if (*a != *a || *b != *b) return op == Node::Op::kNotEqual;
    order = *a < *b ? -1 : (*a > *b ? 1 : 0);
  } else {
    const int c = ExactText(value).compare(ExactText(literal));
    order = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  switch (op) {
    case Node::Op::kLess:
      return order < 0;
    case Node::Op::kLessEqual:
      return order <= 0;
    case Node::Op::kGreater:
      return order > 0;
    case Node::Op::kGreaterEqual:
      return order >= 0;
    case Node::Op::kNotEqual:
      return order != 0;
    default:
      return order == 0;
  }
}

bool Evaluate(const Node& node, const TrialRecord& record) {
  switch (node.op) {
    case Node::Op::kOr:
      for (const auto& child : node.children) {
        if (Evaluate(*child, record)) return true;
      }
      return false;
    case Node::Op::kAnd:
      for (const auto& child : node.children) {
        if (!Evaluate(*child, record)) return false;
      }
      return true;
    case Node::Op::kNot:
      return !Evaluate(*node.children[0], record);
    case Node::Op::kIn: {
      const Value value = FieldValueOf(node.field, record);
      for (const Value& literal : node.values) {
        if (Compare(Node::Op::kEqual, value, literal)) return true;
      }
      return false;
    }
    default:
      return Compare(node.op, FieldValueOf(node.field, record), node.values[0]);
  }
}

const char* OpName(Node::Op op) {
  switch (op) {
    case Node::Op::kOr:
      return "or";
    case Node::Op::kAnd:
      return "and";
    case Node::Op::kNot:
      return "not";
    case Node::Op::kLess:
      return "<";
    case Node::Op::kLessEqual:
      return "<=";
    case Node::Op::kGreater:
      return ">";
    case Node::Op::kGreaterEqual:
      return ">=";
    case Node::Op::kEqual:
      return "=";
    case Node::Op::kNotEqual:
      return "!=";
    case Node::Op::kIn:
      return "in";
  }
  return "?";
}

void Print(const Node& node, std::string& out) {
  absl::StrAppend(&out, "(", OpName(node.op));
  for (const auto& child : node.children) {
    out += " ";
    Print(*child, out);
  }
  if (node.children.empty()) absl::StrAppend(&out, " ", node.field.name);
  for (const Value& v : node.values) {
    if (std::holds_alternative<std::string>(v)) {
      absl::StrAppend(&out, " \"", ExactText(v), "\"");
    } else {
      absl::StrAppend(&out, " ", ExactText(v));
    }
  }
  out += ")";
}

}  // namespace

bool Query::Matches(const TrialRecord& record) const { return root_ == nullptr || Evaluate(*root_, record); }

std::string Query::DebugString() const {
  if (root_ == nullptr) return "(all)";
  std::string out;
  Print(*root_, out);
  return out;
}

}  // namespace hyperlab::lab
