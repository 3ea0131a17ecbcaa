// Structured logs: one line per event, `key=value` pairs, for operators and log pipelines.
//
//   ts=2024-05-01T12:00:00.123Z level=info event=trial_completed study=3 trial=17 worker=w1 state=SUCCEEDED
//
// Keys are fixed identifiers chosen by the caller; values are quoted (with \" and \\ escaped, newlines as
// \n) when they hold a space, a quote, '=' or a control character, and cut to 512 bytes. Ids use the same
// keys everywhere: `study` (numeric id), `study_name`, `trial`, `worker`, `method`, `principal` (a token's
// NAME, never the token). Nothing secret is ever passed in: callers log names, not credentials.
//
// Example:
//   log.Info("study_created", {{"study", absl::StrCat(id)}, {"study_name", name}});
//
// Thread safety: safe for concurrent use; each line is written whole.
#ifndef HYPERLAB_COORDINATOR_EVENT_LOG_H_
#define HYPERLAB_COORDINATOR_EVENT_LOG_H_

#include <initializer_list>
#include <mutex>
#include <ostream>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace hyperlab::coordinator {

using LogField = std::pair<absl::string_view, std::string>;

class EventLog {
 public:
  // Writes to `out` (which must outlive the log), e.g. &std::cerr.
  explicit EventLog(std::ostream* out) : out_(out) {}

  void Info(absl::string_view event, std::initializer_list<LogField> fields) { Write("info", event, fields); }
  void Warn(absl::string_view event, std::initializer_list<LogField> fields) { Write("warn", event, fields); }
  void Error(absl::string_view event, std::initializer_list<LogField> fields) {
    Write("error", event, fields);
  }

  // The line Write would emit, without the timestamp (for tests).
  static std::string Format(absl::string_view level, absl::string_view event,
                            std::initializer_list<LogField> fields);

 private:
  void Write(absl::string_view level, absl::string_view event, std::initializer_list<LogField> fields);

  std::mutex mu_;
  std::ostream* const out_;  // GUARDED_BY(mu_)
};

// Quotes `value` for a key=value line when needed (see above).
std::string LogValue(absl::string_view value);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_EVENT_LOG_H_
