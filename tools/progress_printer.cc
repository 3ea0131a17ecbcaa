#include "tools/progress_printer.h"

#include <unistd.h>

namespace hyperlab::tools {

bool ProgressPrinter::StdoutIsTerminal() { return isatty(STDOUT_FILENO) == 1; }

void ProgressPrinter::Update(const std::string& line, bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (live_) {
    // Carriage return, clear to the end of the line, the new text; no newline until Break.
    out_ << "\r\033[K" << line << std::flush;
    open_line_ = true;
  } else {
    if (line == last_) return;
    if (!force && now - last_print_ < std::chrono::seconds(1)) return;
    out_ << line << std::endl;
  }
  last_ = line;
  last_print_ = now;
}

void ProgressPrinter::Break() {
  if (!open_line_) return;
  out_ << std::endl;
  open_line_ = false;
}

}  // namespace hyperlab::tools
