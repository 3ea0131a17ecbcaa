// The --where language: tokens, the parse tree (precedence, parentheses, literals), every parse error
// with its column, and evaluation on hand-made trials (missing metrics, text fields, NaN).
#include "lab/query.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/lab_test_util.h"
#include "lab/query_lexer.h"

namespace hyperlab::lab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MlpSpec;
using testing::MlpTrial;
using ::testing::StartsWith;

// --- Lexer -------------------------------------------------------------------------------------------

TEST(TokenizeTest, SplitsNamesOperatorsNumbersAndStringsWithOffsets) {
  auto tokens = Tokenize("lr<=1e-3 and opt=='a b'");
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  std::vector<std::string> texts;
  std::vector<size_t> offsets;
  for (const Token& t : *tokens) {
    texts.push_back(t.text);
    offsets.push_back(t.offset);
  }
  EXPECT_THAT(texts, ElementsAre("lr", "<=", "1e-3", "and", "opt", "=", "a b", ""));
  EXPECT_THAT(offsets, ElementsAre(0, 2, 4, 9, 13, 16, 18, 23));
  EXPECT_EQ((*tokens)[2].kind, Token::Kind::kNumber);
  EXPECT_DOUBLE_EQ((*tokens)[2].number, 1e-3);
  EXPECT_EQ((*tokens)[6].kind, Token::Kind::kString);
  EXPECT_EQ((*tokens)[7].kind, Token::Kind::kEnd);
}

TEST(TokenizeTest, WholeRunsThatReadAsNumbersAreNumbersAndOthersWords) {
  const std::vector<std::pair<std::string, double>> numbers = {
      {"3", 3}, {"-2", -2}, {"+4", 4}, {".5", 0.5}, {"5.", 5}, {"1E+10", 1e10}, {"2.5e-3", 2.5e-3}};
  for (const auto& [text, value] : numbers) {
    auto tokens = Tokenize(text);
    ASSERT_TRUE(tokens.ok()) << text;
    EXPECT_EQ((*tokens)[0].kind, Token::Kind::kNumber) << text;
    EXPECT_DOUBLE_EQ((*tokens)[0].number, value) << text;
  }
  for (const std::string text : {"3x3", "inf", "nan", "e5", "1e", "dev/acc-top.1", "-"}) {
    auto tokens = Tokenize(text);
    ASSERT_TRUE(tokens.ok()) << text;
    EXPECT_EQ((*tokens)[0].kind, Token::Kind::kWord) << text;
    EXPECT_EQ((*tokens)[0].text, text);
  }
}

TEST(TokenizeTest, StringsResolveBackslashEscapes) {
  auto tokens = Tokenize(R"('it\'s' "a \"b\" \\")");
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ((*tokens)[0].text, "it's");
  EXPECT_EQ((*tokens)[1].text, R"(a "b" \)");
}

TEST(QueryErrorTest, ShowsTheExpressionWithACaretUnderTheColumn) {
  const absl::Status s = QueryError("learning_rate < ", 16, "expected a value after '<'");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()),
            "column 17: expected a value after '<'\n"
            "  learning_rate < \n" +
                std::string(2 + 16, ' ') + "^");
}

// --- Parser ------------------------------------------------------------------------------------------

class QueryTest : public ::testing::Test {
 protected:
  QueryTest() {
    records_ = {
        {"alpha", MlpTrial(0, "SUCCEEDED", 0.001, "adam", 10,
                           "metrics { key: 'dev_accuracy' value: 0.85 } worker_id: 'w1' "
                           "start_unix_ms: 1704153600000 end_unix_ms: 1704153612500")},
        {"alpha", MlpTrial(1, "SUCCEEDED", 0.01, "sgd", 20,
                           "metrics { key: 'dev_accuracy' value: 0.88 } worker_id: 'w2' "
                           "start_unix_ms: 1704067200000 end_unix_ms: 1704067203000")},
        {"alpha",
         MlpTrial(2, "FAILED", 0.1, "adam", 5, "reason: 'loss became NaN at epoch 2' worker_id: 'w1'")},
        {"beta", MlpTrial(3, "STOPPED", 0.003, "rmsprop", 8, "metrics { key: 'dev_accuracy' value: 0.7 }")},
    };
    catalog_ = FieldCatalog::Build({MlpSpec("alpha"), MlpSpec("beta")}, records_);
  }

  std::string Tree(const std::string& expression) {
    auto q = Query::Parse(expression, catalog_);
    if (!q.ok()) return std::string(q.status().message());
    return q->DebugString();
  }

  // Ids of the records `expression` matches.
  std::set<int64_t> Ids(const std::string& expression) {
    auto q = Query::Parse(expression, catalog_);
    EXPECT_TRUE(q.ok()) << q.status();
    std::set<int64_t> ids;
    if (!q.ok()) return ids;
    for (const TrialRecord& r : records_) {
      if (q->Matches(r)) ids.insert(r.trial.id());
    }
    return ids;
  }

  std::vector<TrialRecord> records_;
  FieldCatalog catalog_;
};

TEST_F(QueryTest, AndBindsTighterThanOr) {
  EXPECT_EQ(Tree("epochs < 1 or epochs > 2 and optimizer = adam"),
            "(or (< epochs 1) (and (> epochs 2) (= optimizer \"adam\")))");
  EXPECT_EQ(Tree("epochs < 1 and epochs > 2 or optimizer = adam"),
            "(or (and (< epochs 1) (> epochs 2)) (= optimizer \"adam\"))");
}

TEST_F(QueryTest, NotBindsTighterThanAnd) {
  EXPECT_EQ(Tree("not epochs < 1 and epochs > 2"), "(and (not (< epochs 1)) (> epochs 2))");
  EXPECT_EQ(Tree("not not epochs < 1"), "(not (not (< epochs 1)))");
}

TEST_F(QueryTest, ParenthesesGroup) {
  EXPECT_EQ(Tree("(epochs < 1 or epochs > 2) and optimizer = adam"),
            "(and (or (< epochs 1) (> epochs 2)) (= optimizer \"adam\"))");
  EXPECT_EQ(Tree("not (epochs < 1 or ((epochs > 2)))"), "(not (or (< epochs 1) (> epochs 2)))");
}

// Issue 14 #16: `--where` nested 30,000 deep overflowed the stack (one recursion per level, in parsing,
// evaluation, printing and freeing). Nesting is bounded; the error names the column of the level too many.
TEST_F(QueryTest, NestingDeeperThanTheLimitIsRefusedWithItsColumn) {
  for (const std::string& opener : {std::string("("), std::string("not ")}) {
    std::string deep;
    for (int i = 0; i < 30000; ++i) deep += opener;
    deep += "epochs > 1";
    if (opener == "(") deep += std::string(30000, ')');
    auto q = Query::Parse(deep, catalog_);
    ASSERT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument) << opener;
    const size_t column = kMaxQueryDepth * opener.size() + 1;
    EXPECT_THAT(std::string(q.status().message()),
                StartsWith(absl::StrCat("column ", column,
                                        ": '(' and 'not' nested over 100 deep, over the limit "
                                        "max_query_depth = 100")))
        << opener;
  }
  // At the limit it parses and evaluates.
  std::string at_limit =
      std::string(kMaxQueryDepth - 1, '(') + "not epochs > 1" + std::string(kMaxQueryDepth - 1, ')');
  auto q = Query::Parse(at_limit, catalog_);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(Ids(at_limit), Ids("epochs <= 1"));
}

TEST_F(QueryTest, ChainsOfTheSameOperatorAreOneNode) {
  EXPECT_EQ(Tree("epochs > 1 and epochs > 2 and epochs > 3"), "(and (> epochs 1) (> epochs 2) (> epochs 3))");
}

TEST_F(QueryTest, OperatorsKeywordsAndLiterals) {
  EXPECT_EQ(Tree("epochs <= 1 AND epochs >= 2 Or epochs != 3 or epochs == 4"),
            "(or (and (<= epochs 1) (>= epochs 2)) (!= epochs 3) (= epochs 4))");
  EXPECT_EQ(Tree("learning_rate < 1e-3"), "(< learning_rate 0.001)");
  EXPECT_EQ(Tree("learning_rate>-2.5E-1"), "(> learning_rate -0.25)");
  EXPECT_EQ(Tree("optimizer = 'adam'"), "(= optimizer \"adam\")");
  EXPECT_EQ(Tree("optimizer in (adam, \"sgd\")"), "(in optimizer \"adam\" \"sgd\")");
  EXPECT_EQ(Tree("optimizer not in (adam)"), "(not (in optimizer \"adam\"))");
  // State names in any case, compared as stored.
  EXPECT_EQ(Tree("state = succeeded"), "(= state \"SUCCEEDED\")");
  // A text field takes a number as written (a category may be "3").
  EXPECT_EQ(Tree("worker = 3"), "(= worker \"3\")");
  EXPECT_EQ(Tree("trial.id > 2"), "(> id 2)");
}

TEST_F(QueryTest, EmptyExpressionMatchesEverything) {
  EXPECT_EQ(Tree(""), "(all)");
  EXPECT_EQ(Tree("   "), "(all)");
  EXPECT_EQ(Ids(""), (std::set<int64_t>{0, 1, 2, 3}));
}

struct ErrorCase {
  std::string expression;
  int column;
  std::string message;
};

TEST_F(QueryTest, EachErrorNamesItsColumn) {
  const std::vector<ErrorCase> cases = {
      {"learning_rate < ", 17, "expected a value after '<', got the end"},
      {"learning_rate <", 16, "expected a value after '<'"},
      {"learning_rate < and epochs > 1", 17, "expected a value after '<', got 'and'"},
      {"lr < 3", 1,
       "unknown name 'lr'; parameters: learning_rate, optimizer, epochs; metrics: dev_accuracy, "
       "train_accuracy; trial fields: id, study, state, worker,"},
      {"learning_rate < 0.1 and", 24, "expected a condition after 'and', got the end"},
      {"learning_rate < 0.1 and or epochs > 1", 25, "expected a condition after 'and', got 'or'"},
      {"learning_rate 0.1", 15,
       "expected a comparison (<, <=, >, >=, =, !=, in) after 'learning_rate', got '0.1'"},
      {"(learning_rate < 0.1", 21, "expected ')' to close the '(' at column 1, got the end"},
      {"learning_rate < 0.1)", 20, "unmatched ')'"},
      {"learning_rate < 0.1 optimizer = adam", 21,
       "expected 'and', 'or' or the end after a complete condition"},
      {"optimizer = 'adam", 13, "unterminated string"},
      {"epochs > 1 && epochs < 3", 12, "unexpected '&'; write 'and'"},
      {"epochs > 1 || epochs < 3", 12, "unexpected '|'; write 'or'"},
      {"epochs ! 3", 8, "write 'not' or '!='"},
      {"epochs > 3 # why", 12, "unexpected character '#'"},
      {"learning_rate < adam", 17, "expected a number for 'learning_rate', got 'adam'"},
      {"dev_accuracy > 'high'", 16, "expected a number for 'dev_accuracy', got \"high\""},
      {"optimizer = adma", 13, "'optimizer' has no value 'adma'; its values: adam, sgd, rmsprop"},
      {"state = DONE", 9, "'state' has no value 'DONE'; its values: PENDING, RUNNING, SUCCEEDED"},
      {"optimizer in adam", 14, "expected '(' after 'in', got 'adam'"},
      {"optimizer in (adam sgd)", 20, "expected ',' or ')' in the list after 'in', got 'sgd'"},
      {"optimizer in ()", 15, "expected a value after '(', got ')'"},
      {"0.5 < learning_rate", 1, "expected a condition such as 'learning_rate < 0.01', got '0.5'"},
      // Columns count characters: 'é' is two bytes but one column.
      {"worker = 'é' or x > 1", 17, "unknown name 'x'"},
  };
  for (const ErrorCase& c : cases) {
    auto q = Query::Parse(c.expression, catalog_);
    ASSERT_FALSE(q.ok()) << c.expression;
    EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument) << c.expression;
    const std::string message(q.status().message());
    EXPECT_THAT(message, StartsWith("column " + std::to_string(c.column) + ": ")) << c.expression;
    EXPECT_THAT(message, HasSubstr(c.message)) << c.expression;
    // The expression, then the caret under the column.
    const std::string tail = "\n  " + c.expression + "\n  " + std::string(c.column - 1, ' ') + "^";
    EXPECT_TRUE(message.size() >= tail.size() && message.substr(message.size() - tail.size()) == tail)
        << c.expression << "\n"
        << message;
  }
}

// --- Evaluation --------------------------------------------------------------------------------------

TEST_F(QueryTest, ComparesNumbersAndCategories) {
  EXPECT_EQ(Ids("learning_rate < 0.01 and optimizer = adam"), (std::set<int64_t>{0}));
  EXPECT_EQ(Ids("learning_rate = 0.01"), (std::set<int64_t>{1}));
  EXPECT_EQ(Ids("learning_rate <= 0.01"), (std::set<int64_t>{0, 1, 3}));
  EXPECT_EQ(Ids("epochs >= 10"), (std::set<int64_t>{0, 1}));
  EXPECT_EQ(Ids("optimizer != adam"), (std::set<int64_t>{1, 3}));
  EXPECT_EQ(Ids("optimizer in (adam, rmsprop)"), (std::set<int64_t>{0, 2, 3}));
  EXPECT_EQ(Ids("optimizer not in (adam, rmsprop)"), (std::set<int64_t>{1}));
}

TEST_F(QueryTest, AMissingMetricFailsEveryComparison) {
  // Trial 2 failed and has no dev_accuracy.
  EXPECT_EQ(Ids("dev_accuracy > 0.8"), (std::set<int64_t>{0, 1}));
  EXPECT_EQ(Ids("dev_accuracy <= 0.8"), (std::set<int64_t>{3}));
  EXPECT_EQ(Ids("dev_accuracy != 0.85"), (std::set<int64_t>{1, 3}));
  // ... so `not` brings it back.
  EXPECT_EQ(Ids("not dev_accuracy > 0.8"), (std::set<int64_t>{2, 3}));
  EXPECT_EQ(Ids("train_accuracy > 0 or train_accuracy <= 0"), (std::set<int64_t>{}));
}

TEST_F(QueryTest, TrialFields) {
  EXPECT_EQ(Ids("state = FAILED or epochs >= 20"), (std::set<int64_t>{1, 2}));
  EXPECT_EQ(Ids("state in (succeeded, Stopped)"), (std::set<int64_t>{0, 1, 3}));
  EXPECT_EQ(Ids("id > 1"), (std::set<int64_t>{2, 3}));
  EXPECT_EQ(Ids("study = beta"), (std::set<int64_t>{3}));
  EXPECT_EQ(Ids("worker = w1"), (std::set<int64_t>{0, 2}));
  // Trials 2 and 3 have no worker: != does not match them either.
  EXPECT_EQ(Ids("worker != w1"), (std::set<int64_t>{1}));
  EXPECT_EQ(Ids("runtime > 10"), (std::set<int64_t>{0}));
  EXPECT_EQ(Ids("runtime < 10"), (std::set<int64_t>{1}));
  EXPECT_EQ(Ids("reason = 'loss became NaN at epoch 2'"), (std::set<int64_t>{2}));
  // ISO times order as text: trial 0 started 2024-01-02T00:00:00Z, trial 1 a day earlier.
  EXPECT_EQ(Ids("started >= '2024-01-02'"), (std::set<int64_t>{0}));
  EXPECT_EQ(Ids("started < \"2024-01-02\""), (std::set<int64_t>{1}));
}

TEST_F(QueryTest, NanIsOnlyUnequal) {
  records_[0].trial.mutable_metrics()->insert({"train_accuracy", std::nan("")});
  EXPECT_EQ(Ids("train_accuracy != 1"), (std::set<int64_t>{0}));
  EXPECT_EQ(Ids("train_accuracy < 1 or train_accuracy >= 1 or train_accuracy = 1"), (std::set<int64_t>{}));
}

TEST(QueryMixedTypesTest, ANameThatIsANumberInOneStudyAndACategoryInAnotherTakesBoth) {
  v1::StudySpec a =
      testing::Parse<v1::StudySpec>("name: 'a' parameters { name: 'width' integer { min: 1 max: 512 } }");
  v1::StudySpec b = testing::Parse<v1::StudySpec>(
      "name: 'b' parameters { name: 'width' categorical { values: ['narrow', 'wide'] } }");
  std::vector<TrialRecord> records = {
      {"a", testing::Parse<v1::Trial>("id: 0 parameters { name: 'width' value { int_value: 256 } }")},
      {"b", testing::Parse<v1::Trial>("id: 0 parameters { name: 'width' value { string_value: 'wide' } }")},
  };
  FieldCatalog catalog = FieldCatalog::Build({a, b}, records);
  auto numeric = Query::Parse("width > 100", catalog);
  ASSERT_TRUE(numeric.ok()) << numeric.status();
  EXPECT_TRUE(numeric->Matches(records[0]));
  auto text = Query::Parse("width = wide", catalog);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_FALSE(text->Matches(records[0]));
  EXPECT_TRUE(text->Matches(records[1]));
}

}  // namespace
}  // namespace hyperlab::lab
