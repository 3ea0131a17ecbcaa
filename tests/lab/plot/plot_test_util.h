// Helpers shared by the plot tests: parse a plot, fail the test with the SVG when it is not well-formed.
#ifndef HYPERLAB_TESTS_LAB_PLOT_PLOT_TEST_UTIL_H_
#define HYPERLAB_TESTS_LAB_PLOT_PLOT_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "tests/lab/plot/xml_checker.h"

namespace hyperlab::plot::testing {

// The parsed SVG; an empty <svg> node (and a test failure) when `svg` is an error or not well-formed.
inline std::unique_ptr<XmlNode> ParseSvg(const absl::StatusOr<std::string>& svg) {
  if (!svg.ok()) {
    ADD_FAILURE() << "plot failed: " << svg.status();
    return std::make_unique<XmlNode>();
  }
  auto root = ParseXml(*svg);
  if (!root.ok()) {
    ADD_FAILURE() << "not well-formed: " << root.status();
    return std::make_unique<XmlNode>();
  }
  EXPECT_EQ((*root)->tag, "svg");
  EXPECT_EQ((*root)->Attr("xmlns"), "http://www.w3.org/2000/svg");
  EXPECT_FALSE((*root)->WithTag("title").empty()) << "no accessible title";
  return std::move(*root);
}

inline std::vector<std::string> Texts(const std::vector<const XmlNode*>& nodes) {
  std::vector<std::string> out;
  for (const XmlNode* n : nodes) out.push_back(n->text);
  return out;
}

}  // namespace hyperlab::plot::testing

#endif  // HYPERLAB_TESTS_LAB_PLOT_PLOT_TEST_UTIL_H_
