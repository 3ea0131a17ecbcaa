#include "coordinator/dashboard/request_params.h"

#include <httplib.h>

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace hyperlab::coordinator::dashboard {
namespace {

absl::Status Bad(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

// The single value of query parameter `name`; nullopt when absent.
absl::StatusOr<std::optional<std::string>> OneParam(const httplib::Request& request,
                                                    const std::string& name) {
  const size_t count = request.get_param_value_count(name.c_str());
  if (count == 0) return std::optional<std::string>();
  if (count > 1) return Bad(name, "given more than once");
  return std::optional<std::string>(request.get_param_value(name.c_str()));
}

}  // namespace

absl::StatusOr<std::string> ParseRef(absl::string_view text, absl::string_view field) {
  if (text.empty()) return Bad(field, "empty");
  if (text.size() > kMaxRefLength) {
    return Bad(field, absl::StrCat("longer than ", kMaxRefLength, " characters"));
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return Bad(field, "contains a control character");
  }
  return std::string(text);
}

absl::StatusOr<int64_t> ParseId(absl::string_view text, absl::string_view field) {
  int64_t id = 0;
  const bool digits = !text.empty() && text.size() <= 19 &&
                      std::all_of(text.begin(), text.end(), [](char c) { return absl::ascii_isdigit(c); });
  if (!digits || !absl::SimpleAtoi(text, &id) || id < 0) {
    return Bad(field, absl::StrCat("expected an integer id (0 or more), got '", text.substr(0, 40), "'"));
  }
  return id;
}

absl::StatusOr<int64_t> IntParam(const httplib::Request& request, const std::string& name, int64_t fallback,
                                 int64_t min, int64_t max) {
  absl::StatusOr<std::optional<std::string>> text = OneParam(request, name);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return fallback;
  int64_t value = 0;
  const std::string& s = **text;
  const bool digits = !s.empty() && s.size() <= 19 &&
                      std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
  if (!digits || !absl::SimpleAtoi(s, &value) || value < min || value > max) {
    return Bad(name,
               absl::StrCat("expected an integer from ", min, " to ", max, ", got '", s.substr(0, 40), "'"));
  }
  return value;
}

absl::StatusOr<std::string> TextParam(const httplib::Request& request, const std::string& name,
                                      size_t max_length) {
  absl::StatusOr<std::optional<std::string>> text = OneParam(request, name);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return std::string();
  if ((*text)->size() > max_length) return Bad(name, absl::StrCat("longer than ", max_length, " bytes"));
  return **text;
}

absl::StatusOr<bool> BoolParam(const httplib::Request& request, const std::string& name) {
  absl::StatusOr<std::optional<std::string>> text = OneParam(request, name);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return false;
  if (**text == "1" || **text == "true") return true;
  if (**text == "0" || **text == "false") return false;
  return Bad(name, absl::StrCat("expected true or false, got '", (*text)->substr(0, 40), "'"));
}

absl::StatusOr<nlohmann::json> JsonBody(const httplib::Request& request) {
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return Bad("body", "not valid JSON");
  if (!body.is_object()) return Bad("body", "expected a JSON object");
  return body;
}

absl::StatusOr<std::string> StringMember(const nlohmann::json& body, const std::string& name,
                                         size_t max_length) {
  auto it = body.find(name);
  if (it == body.end()) return Bad(name, "missing");
  if (!it->is_string()) return Bad(name, "expected a string");
  const std::string& text = it->get_ref<const std::string&>();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return Bad(name, "empty");
  if (text.size() > max_length) return Bad(name, absl::StrCat("longer than ", max_length, " bytes"));
  return text;
}

}  // namespace hyperlab::coordinator::dashboard
