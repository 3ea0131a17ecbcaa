// The SVG writer: escaping and well-formed output, whatever the text.
#include "lab/plot/svg.h"

#include "gtest/gtest.h"
#include "tests/lab/plot/xml_checker.h"

namespace hyperlab::plot {
namespace {

TEST(EscapeXmlTest, EscapesMarkupCharactersAndDropsControlCharacters) {
  EXPECT_EQ(EscapeXml("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  EXPECT_EQ(EscapeXml(std::string("x\x01y\tz\n", 6)), "xy\tz\n");
  EXPECT_EQ(EscapeXml("T-shirt/top"), "T-shirt/top");
}

TEST(NumTest, ShortCoordinates) {
  EXPECT_EQ(Num(12.5), "12.5");
  EXPECT_EQ(Num(3.0), "3");
  EXPECT_EQ(Num(-0.001), "0");
  EXPECT_EQ(Num(1.239), "1.24");
  EXPECT_EQ(Num(std::nan("")), "0");
}

TEST(SvgWriterTest, HostileTextStaysTextAndTheDocumentIsWellFormed) {
  SvgWriter svg(100, 50, "title </svg><script>alert(1)</script>");
  svg.Open("g", {{"class", "a\"b"}});
  svg.Element("text", {{"x", "1"}}, "<b>&amp;</b>");
  svg.Empty("rect", {{"width", "5"}});
  // Left open on purpose: Finish closes it.
  const std::string text = svg.Finish();
  auto root = testing::ParseXml(text);
  ASSERT_TRUE(root.ok()) << root.status() << "\n" << text;
  EXPECT_EQ((*root)->tag, "svg");
  EXPECT_EQ((*root)->Attr("viewBox"), "0 0 100 50");
  EXPECT_TRUE((*root)->WithTag("script").empty());
  ASSERT_EQ((*root)->WithTag("text").size(), 1u);
  EXPECT_EQ((*root)->WithTag("text")[0]->text, "<b>&amp;</b>");
  EXPECT_EQ((*root)->WithTag("g")[0]->Attr("class"), "a\"b");
  EXPECT_EQ((*root)->WithTag("title")[0]->text, "title </svg><script>alert(1)</script>");
}

TEST(XmlCheckerTest, RejectsWhatIsNotWellFormed) {
  // The checker must be able to fail, or the plot tests prove nothing.
  EXPECT_FALSE(testing::ParseXml("<svg><g></svg>").ok());
  EXPECT_FALSE(testing::ParseXml("<svg><text>a < b</text></svg>").ok());
  EXPECT_FALSE(testing::ParseXml("<svg><text>a & b</text></svg>").ok());
  EXPECT_FALSE(testing::ParseXml("<svg a=1/>").ok());
  EXPECT_FALSE(testing::ParseXml("<svg a=\"1\" a=\"2\"/>").ok());
  EXPECT_FALSE(testing::ParseXml("<svg/><svg/>").ok());
  EXPECT_TRUE(testing::ParseXml("<svg><g a='&lt;'/><!-- c --></svg>").ok());
}

}  // namespace
}  // namespace hyperlab::plot
