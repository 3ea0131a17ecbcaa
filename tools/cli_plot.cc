// `hyperlab plot` and `hyperlab report`: fetch a study and its trials (with their measurements) from a
// coordinator or a journal directory, render them (lab/plot/), and write the file: SVG, or PNG for a
// path ending in .png (lab/plot/raster.h).
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "lab/plot/plots.h"
#include "lab/plot/raster.h"
#include "lab/plot/report.h"
#include "tools/cli.h"

namespace hyperlab::tools {
namespace {

absl::StatusOr<plot::StudyData> FetchStudy(const GlobalOptions& g, const std::string& ref) {
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::StudyService::NewStub(c.channel);
  plot::StudyData data;
  ASSIGN_OR_RETURN(data.study, GetStudy(g, *stub, ref));
  v1::ListTrialsRequest list;
  list.set_study(ref);
  list.set_with_measurements(true);
  v1::ListTrialsResponse response;
  RETURN_IF_ERROR(FromGrpc(stub->ListTrials(CallContext(g).get(), list, &response)));
  data.trials.assign(response.trials().begin(), response.trials().end());
  std::sort(data.trials.begin(), data.trials.end(),
            [](const auto& a, const auto& b) { return a.trial().id() < b.trial().id(); });
  return data;
}

// Writes `text` to `path` ("-": standard output). A failed write is FAILED_PRECONDITION naming the path:
// the directory or the disk needs fixing before a retry can help.
absl::Status WriteOutput(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text;
    return absl::OkStatus();
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::FailedPreconditionError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace

absl::Status Plot(const GlobalOptions& g, const std::string& study, const std::string& kind_name,
                  const std::string& output, const plot::PlotOptions& options) {
  ASSIGN_OR_RETURN(plot::PlotKind kind, plot::ParsePlotKind(kind_name));
  // The file's extension decides its format, checked before any work: a file named .png never holds SVG.
  ASSIGN_OR_RETURN(plot::ImageFormat format, plot::ImageFormatFor(output));
  plot::PlotOptions trimmed = options;
  for (std::string& p : trimmed.params) p = std::string(absl::StripAsciiWhitespace(p));
  ASSIGN_OR_RETURN(plot::StudyData data, FetchStudy(g, study));
  ASSIGN_OR_RETURN(std::string svg, plot::MakePlot(kind, data, trimmed));
  if (format == plot::ImageFormat::kPng) {
    ASSIGN_OR_RETURN(plot::Png png, plot::RenderPng(svg));
    RETURN_IF_ERROR(WriteOutput(output, png.bytes));
    std::cerr << "wrote " << output << " (PNG, " << png.width << "x" << png.height << " pixels, "
              << png.bytes.size() << " bytes, drawn by " << png.renderer << ")\n";
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(WriteOutput(output, svg));
  if (output != "-") std::cerr << "wrote " << output << " (" << svg.size() << " bytes)\n";
  return absl::OkStatus();
}

absl::Status Report(const GlobalOptions& g, const std::string& study, const std::string& output) {
  ASSIGN_OR_RETURN(plot::StudyData data, FetchStudy(g, study));
  plot::ReportOptions options;
  options.generated_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  const std::string html = plot::RenderReport(data, options);
  RETURN_IF_ERROR(WriteOutput(output, html));
  if (output != "-") std::cerr << "wrote " << output << " (" << html.size() << " bytes)\n";
  return absl::OkStatus();
}

}  // namespace hyperlab::tools
