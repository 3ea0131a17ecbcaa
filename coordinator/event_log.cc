#include "coordinator/event_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace hyperlab::coordinator {

std::string LogValue(absl::string_view value) {
  constexpr size_t kMaxValueBytes = 512;
  if (value.size() > kMaxValueBytes) value = value.substr(0, kMaxValueBytes);
  bool quote = value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) quote = true;
  }
  if (!quote) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(&out, "\\x%02x", static_cast<unsigned char>(c));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string EventLog::Format(absl::string_view level, absl::string_view event,
                             std::initializer_list<LogField> fields) {
  std::string line = absl::StrCat("level=", level, " event=", event);
  for (const auto& [key, value] : fields) absl::StrAppend(&line, " ", key, "=", LogValue(value));
  return line;
}

void EventLog::Write(absl::string_view level, absl::string_view event,
                     std::initializer_list<LogField> fields) {
  std::string line =
      absl::StrCat("ts=", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()), " ",
                   Format(level, event, fields), "\n");
  std::lock_guard<std::mutex> lock(mu_);
  *out_ << line << std::flush;
}

}  // namespace hyperlab::coordinator
