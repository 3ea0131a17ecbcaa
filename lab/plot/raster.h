// PNG output for the plots: the SVG a plot function wrote, rendered by a program the machine already has.
//
// Why not our own rasteriser: text needs fonts and shaping, which is most of a renderer. Two renderers from
// Debian serve, tried in this order: `rsvg-convert` (package librsvg2-bin; small and fast) and headless
// Chromium (package chromium, which tools/setup.sh installs for the report's render test). A file named
// .png only ever receives bytes that start with the PNG signature and have the size asked for; anything
// else is an error and nothing is written.
//
// Example:
//   ASSIGN_OR_RETURN(ImageFormat format, ImageFormatFor("history.png"));
//   if (format == ImageFormat::kPng) {
//     ASSIGN_OR_RETURN(Png png, RenderPng(svg));
//     ... write png.bytes ...
//   }
//
// Errors: INVALID_ARGUMENT for a path whose extension is neither .svg nor .png (the message names both) and
// for an SVG without a width and height; FAILED_PRECONDITION when neither renderer is installed (the message
// names both packages); INTERNAL when a renderer fails, times out or writes something that is not the PNG
// asked for (the message has the end of its error output).
//
// Thread safety: RenderPng may be called from several threads; each call has its own temporary directory.
#ifndef HYPERLAB_LAB_PLOT_RASTER_H_
#define HYPERLAB_LAB_PLOT_RASTER_H_

#include <string>

#include "absl/status/statusor.h"

namespace hyperlab::plot {

enum class ImageFormat { kSvg, kPng };

// The format `path` asks for by its extension, case-insensitively: ".svg" (and "-", standard output) is
// SVG, ".png" is PNG.
absl::StatusOr<ImageFormat> ImageFormatFor(const std::string& path);

struct RasterOptions {
  // Directories searched for the renderers, as in $PATH. Empty: the process's $PATH.
  std::string search_path;
  // Device pixels per SVG unit: 2 gives a sharp picture on high-density screens, at four times the size.
  double scale = 1;
  // A renderer still running after this long is killed (a cold Chromium start takes a few seconds).
  int timeout_seconds = 90;
};

struct Png {
  std::string bytes;
  int width = 0, height = 0;
  std::string renderer;  // The program that drew it ("/usr/bin/chromium").
};

absl::StatusOr<Png> RenderPng(const std::string& svg, const RasterOptions& options = {});

// The width and height of a PNG file's image; INVALID_ARGUMENT when `bytes` is not a PNG.
absl::StatusOr<std::pair<int, int>> PngSize(const std::string& bytes);

}  // namespace hyperlab::plot

#endif  // HYPERLAB_LAB_PLOT_RASTER_H_
