// One parser of `{name}` placeholders for the coordinator's check and the worker's substitution.
#include "common/spec/command_template.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperlab {
namespace {

using ::testing::HasSubstr;

std::string Show(const std::vector<TemplatePart>& parts) {
  std::string out;
  for (const TemplatePart& p : parts) out += p.placeholder ? "<" + p.text + ">" : "'" + p.text + "'";
  return out;
}

TEST(CommandTemplateTest, SplitsLiteralsAndPlaceholders) {
  EXPECT_EQ(Show(*ParseCommandTemplate("--lr={lr}")), "'--lr='<lr>");
  EXPECT_EQ(Show(*ParseCommandTemplate("{a}{b}")), "<a><b>");
  EXPECT_EQ(Show(*ParseCommandTemplate("plain")), "'plain'");
  EXPECT_EQ(Show(*ParseCommandTemplate("")), "");
}

TEST(CommandTemplateTest, DoubledBracesAreLiteral) {
  EXPECT_EQ(Show(*ParseCommandTemplate("{{x}}={x}")), "'{x}='<x>");
  EXPECT_EQ(Show(*ParseCommandTemplate("}}")), "'}'");
}

TEST(CommandTemplateTest, ALoneClosingBraceAndAnUnclosedOneAreErrorsWithTheirOffset) {
  EXPECT_THAT(ParseCommandTemplate("a}b").status().message(), HasSubstr("unmatched '}' at offset 1"));
  EXPECT_THAT(ParseCommandTemplate("{x}}").status().message(), HasSubstr("unmatched '}' at offset 3"));
  EXPECT_THAT(ParseCommandTemplate("--x={lr").status().message(), HasSubstr("unclosed '{' at offset 4"));
  EXPECT_EQ(ParseCommandTemplate("}").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hyperlab
