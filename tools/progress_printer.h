// Shows a study's progress: on a terminal one live line, rewritten in place; elsewhere (a pipe, a log
// file) plain lines, one per change, at most one a second while nothing ends, so logs stay readable.
//
// Example:
//   ProgressPrinter progress(std::cout, ProgressPrinter::StdoutIsTerminal());
//   progress.Update(ProgressLine(study, elapsed), /*force=*/false);
//   progress.Break();  // before printing anything else
//
// Thread safety: used from one thread.
#ifndef HYPERLAB_TOOLS_PROGRESS_PRINTER_H_
#define HYPERLAB_TOOLS_PROGRESS_PRINTER_H_

#include <chrono>
#include <ostream>
#include <string>

namespace hyperlab::tools {

class ProgressPrinter {
 public:
  ProgressPrinter(std::ostream& out, bool live) : out_(out), live_(live) {}
  ~ProgressPrinter() { Break(); }
  ProgressPrinter(const ProgressPrinter&) = delete;
  ProgressPrinter& operator=(const ProgressPrinter&) = delete;

  static bool StdoutIsTerminal();

  // Shows `line`. Plain mode prints it unless it equals the last line or (without `force`) the last line
  // was printed less than a second ago.
  void Update(const std::string& line, bool force);
  // Ends a live line, so that the next output starts on a fresh line. Harmless when there is none.
  void Break();

 private:
  std::ostream& out_;
  const bool live_;
  bool open_line_ = false;  // Live mode: a progress line without its newline is on screen.
  std::string last_;
  std::chrono::steady_clock::time_point last_print_{};
};

}  // namespace hyperlab::tools

#endif  // HYPERLAB_TOOLS_PROGRESS_PRINTER_H_
