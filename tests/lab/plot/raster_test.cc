// PNG output: the extension decides the format, a .png gets a real PNG of the plot's size (rendered by the
// machine's rsvg-convert or Chromium), and a machine with neither says which packages to install.
#include "lab/plot/raster.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/plot/fixtures.h"
#include "lab/plot/plots.h"

namespace hyperlab::plot {
namespace {

using ::testing::HasSubstr;

TEST(ImageFormatTest, TheExtensionDecides) {
  EXPECT_EQ(*ImageFormatFor("a/history.svg"), ImageFormat::kSvg);
  EXPECT_EQ(*ImageFormatFor("-"), ImageFormat::kSvg);
  EXPECT_EQ(*ImageFormatFor("x.png"), ImageFormat::kPng);
  EXPECT_EQ(*ImageFormatFor("X.PNG"), ImageFormat::kPng);
  for (const char* path : {"x.pdf", "plot", "dir.png/plot", "x.png.txt", "x.jpg"}) {
    auto f = ImageFormatFor(path);
    ASSERT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_THAT(f.status().message(), HasSubstr(".svg")) << path;
    EXPECT_THAT(f.status().message(), HasSubstr(".png")) << path;
    EXPECT_THAT(f.status().message(), HasSubstr(path)) << path;
  }
  EXPECT_THAT(ImageFormatFor("x.pdf").status().message(), HasSubstr("unsupported extension '.pdf'"));
  EXPECT_THAT(ImageFormatFor("plot").status().message(), HasSubstr("no file extension"));
}

TEST(PngSizeTest, ReadsTheHeaderAndRefusesAnythingElse) {
  EXPECT_EQ(PngSize("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>").status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string header("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x02\xf8\0\0\x01\xb8", 24);
  auto size = PngSize(header);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(size->first, 760);
  EXPECT_EQ(size->second, 440);
}

TEST(RenderPngTest, NoRendererIsAFailedPreconditionNamingThePackages) {
  const std::string empty = (std::filesystem::temp_directory_path() / "hyperlab-no-renderers").string();
  std::filesystem::create_directories(empty);
  auto png = RenderPng(*HistoryPlot(testing::FixtureStudy(), {}), {.search_path = empty});
  ASSERT_EQ(png.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(png.status().message(), HasSubstr("librsvg2-bin"));
  EXPECT_THAT(png.status().message(), HasSubstr("chromium"));
}

TEST(RenderPngTest, AnSvgWithoutASizeIsRefused) {
  EXPECT_EQ(RenderPng("<svg xmlns=\"http://www.w3.org/2000/svg\"/>").status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Renders a real plot with what the machine has (tools/setup.sh installs chromium): a PNG of the SVG's
// size that is not blank. Fails, never skips, without a renderer, like the report's render test.
TEST(RenderPngTest, DrawsThePlotAsAPngOfItsSize) {
  const std::string svg = *HistoryPlot(testing::FixtureStudy(), {});
  auto png = RenderPng(svg);
  ASSERT_TRUE(png.ok()) << png.status();
  EXPECT_EQ(png->bytes.compare(0, 8, "\x89PNG\r\n\x1a\n"), 0);
  EXPECT_EQ(png->width, 760);
  EXPECT_EQ(png->height, 440);
  auto size = PngSize(png->bytes);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, std::make_pair(760, 440));
  // A plot of text, markers and lines compresses to several kilobytes; a blank page to a few hundred bytes.
  EXPECT_GT(png->bytes.size(), 8000u) << "rendered by " << png->renderer;
  EXPECT_EQ(png->bytes.find("<svg"), std::string::npos);
}

}  // namespace
}  // namespace hyperlab::plot
